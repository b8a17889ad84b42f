//! One voter's booth session (specs/booth.md §3): the manifest as fetched,
//! its election id and ballot statement, the credential key derived from
//! the code (zeroized on drop), and at most one encrypted ballot waiting for
//! the voter's decision — cast it, or audit it (Benaloh, protocol.md §10.4).

use std::collections::BTreeMap;

use psephos_crypto::ballot::{tracking_code, Ballot, BallotStatement, Opening, PlainAnswer};
use psephos_crypto::credential::CredentialKey;
use psephos_crypto::record::{AuditedBallot, Manifest};
use rand_core::OsRng;
use serde::Serialize;

use crate::choices::{self, Choice};
use crate::error::BoothError;

/// An encrypted ballot not yet cast or audited.
struct Pending {
    ballot: Ballot,
    bytes: Vec<u8>,
    openings: Vec<Opening>,
    plain: Vec<PlainAnswer>,
}

/// A booth session for one credential in one election.
pub struct Session {
    manifest: Manifest,
    election_id: [u8; 32],
    statement: BallotStatement,
    key: CredentialKey,
    pending: Option<Pending>,
}

/// What an encryption returns to the page.
#[derive(Debug, Serialize)]
pub struct Encrypted {
    /// Tracking code: hex SHA-256 of the ballot bytes.
    pub tracking_code: String,
    /// Size of the ballot in bytes.
    pub bytes: usize,
}

/// One question of an opened (audited) ballot.
#[derive(Debug, Serialize)]
pub struct OpenedAnswer {
    /// Question id.
    pub question: String,
    /// What the ballot decrypts to.
    pub opened: Choice,
    /// Whether that is exactly the voter's choice.
    pub matches: bool,
}

/// The result of an audit: the bytes to post and what they open to.
#[derive(Debug, Serialize)]
pub struct Audit {
    /// Tracking code of the audited ballot.
    pub tracking_code: String,
    /// Canonical JSON of the audited ballot (record.md §7), to post.
    pub audited: String,
    /// Per question, the opened plaintext checked against the ciphertexts.
    pub answers: Vec<OpenedAnswer>,
}

fn manifest_error(e: impl std::fmt::Display) -> BoothError {
    BoothError::new("manifest.invalid", e.to_string())
}

/// Parses manifest bytes (verification.md step 1) and returns the manifest
/// with its election id.
pub fn parse_manifest(bytes: &[u8]) -> Result<(Manifest, [u8; 32]), BoothError> {
    let m = Manifest::parse(bytes).map_err(manifest_error)?;
    Ok((m, Manifest::election_id_of(bytes)))
}

impl Session {
    /// Opens a session from the exact manifest bytes and the typed code.
    pub fn new(manifest_bytes: &[u8], typed_code: &str) -> Result<Session, BoothError> {
        let (manifest, election_id) = parse_manifest(manifest_bytes)?;
        let statement = manifest
            .ballot_statement(election_id)
            .map_err(manifest_error)?;
        let key = crate::code::parse(typed_code)?.signing_key(&election_id);
        Ok(Session {
            manifest,
            election_id,
            statement,
            key,
            pending: None,
        })
    }

    /// The election id, hex.
    pub fn election_id(&self) -> String {
        hex::encode(self.election_id)
    }

    /// The public credential `X` this code yields in this election, hex.
    pub fn credential(&self) -> String {
        hex::encode(self.key.public().compress().as_bytes())
    }

    /// Encodes the choices (question id → choice), encrypts, proves and
    /// signs the ballot, checks it with the verifier's own code, and keeps
    /// it pending; a previous pending ballot is discarded.
    pub fn encrypt(&mut self, choices: &BTreeMap<String, Choice>) -> Result<Encrypted, BoothError> {
        self.pending = None;
        let plain = choices::encode_all(&self.manifest.questions, choices)?;
        let (ballot, openings) = Ballot::cast(&self.statement, &self.key, &plain, &mut OsRng)
            .map_err(|e| BoothError::new("ballot.encrypt", e.to_string()))?;
        ballot
            .verify(&self.statement, &mut OsRng)
            .map_err(|e| BoothError::new("ballot.self_check", e.to_string()))?;
        let bytes = ballot.to_bytes();
        let out = Encrypted {
            tracking_code: hex::encode(tracking_code(&bytes)),
            bytes: bytes.len(),
        };
        self.pending = Some(Pending {
            ballot,
            bytes,
            openings,
            plain,
        });
        Ok(out)
    }

    /// The pending ballot's canonical bytes, to post as a cast.
    pub fn ballot_bytes(&self) -> Result<Vec<u8>, BoothError> {
        self.pending
            .as_ref()
            .map(|p| p.bytes.clone())
            .ok_or_else(|| BoothError::new("ballot.none", "no ballot is waiting"))
    }

    /// Forgets the pending ballot and its openings (after it was cast).
    pub fn forget(&mut self) {
        self.pending = None;
    }

    /// Audits the pending ballot: reveals its openings, checks them in the
    /// page exactly as the verifier does (step 10: the ballot is valid and
    /// every ciphertext opens to the revealed value), and compares each
    /// opened plaintext with the voter's choice. The ballot can never be
    /// cast afterwards: it leaves the session.
    pub fn audit(&mut self) -> Result<Audit, BoothError> {
        let p = self
            .pending
            .take()
            .ok_or_else(|| BoothError::new("ballot.none", "no ballot is waiting"))?;
        let tracking = hex::encode(tracking_code(&p.bytes));
        let audited = AuditedBallot::new(p.ballot, p.openings);
        let opened = audited
            .check(&self.statement, &mut OsRng)
            .map_err(|e| BoothError::new("audit.invalid", e.to_string()))?;
        let answers = self
            .manifest
            .questions
            .iter()
            .zip(opened.iter().zip(&p.plain))
            .map(|(q, (o, mine))| {
                Ok(OpenedAnswer {
                    question: q.id.clone(),
                    opened: choices::decode(q, o)?,
                    matches: choices::same_vote(q, o, mine),
                })
            })
            .collect::<Result<Vec<_>, BoothError>>()?;
        let audited = serde_json::to_string(&audited)
            .map_err(|e| BoothError::new("audit.invalid", e.to_string()))?;
        Ok(Audit {
            tracking_code: tracking,
            audited,
            answers,
        })
    }
}
