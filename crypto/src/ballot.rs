//! Ballots: one answer per question, signed by the voter's credential
//! (spec `protocol.md` §10).

use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::batch::Batch;
use crate::credential::{CredentialKey, Signature};
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};
use crate::point::Point;
use crate::questions::linear::{self, LinearAnswer, LinearConstraints, LinearOpening};
use crate::questions::ranked::{self, RankedAnswer, RankedOpening};
use crate::transcript::ProofContext;

/// The record format version this crate writes (encoding.md §5).
pub const SPEC_VERSION: u32 = 1;

/// Largest accepted ballot, in bytes (a 20-option ranked question with its
/// proofs is about 100 KB of JSON).
pub const MAX_BALLOT_BYTES: usize = 1 << 20;

/// The proof-carrying part of one answer; the variant must match the
/// question's kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerProof {
    /// A linear answer (protocol.md §7).
    Linear(LinearAnswer),
    /// A ranked answer (ranked.md).
    Ranked(RankedAnswer),
}

impl AnswerProof {
    /// True when a ciphertext component, commitment or rank commitment is
    /// the identity, which no honest prover produces (encoding.md §1).
    pub fn has_identity_point(&self) -> bool {
        use curve25519_dalek::traits::IsIdentity;
        let identity_ct = |cts: &[crate::elgamal::EncodedCiphertext]| {
            cts.iter().any(|c| c.r.is_identity() || c.c.is_identity())
        };
        match self {
            AnswerProof::Linear(l) => {
                identity_ct(&l.ciphertexts) || l.commitments.iter().any(|v| v.is_identity())
            }
            AnswerProof::Ranked(r) => {
                identity_ct(&r.ciphertexts)
                    || r.commitments
                        .iter()
                        .chain(&r.ranks)
                        .any(|p| p.is_identity())
            }
        }
    }
}

/// One answer, bound to its question id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The question id from the manifest.
    pub question: String,
    /// The encrypted answer and its validity proof.
    pub proof: AnswerProof,
}

/// What the credential signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotBody {
    /// Format version.
    pub spec_version: u32,
    /// The election id (SHA-256 of the manifest bytes).
    #[serde(with = "encoding::bytes32")]
    pub election_id: [u8; 32],
    /// The voter's public credential.
    pub credential: Point,
    /// One answer per question, in manifest order.
    pub answers: Vec<Answer>,
}

/// A signed ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The signed content.
    pub body: BallotBody,
    /// Signature of the canonical JSON of `body` by the credential.
    pub signature: Signature,
}

/// What the proofs of one question are checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionShape {
    /// A linear question with its constraints.
    Linear(LinearConstraints),
    /// A ranked question over `options` options.
    Ranked {
        /// Number of options.
        options: usize,
    },
}

/// The public statement every ballot of an election is checked against.
#[derive(Clone, Debug)]
pub struct BallotStatement {
    /// Election id.
    pub election_id: [u8; 32],
    /// Joint election key `K` (with its encoding).
    pub election_key: Point,
    /// Question ids and shapes, in manifest order.
    pub questions: Vec<(String, QuestionShape)>,
}

/// A voter's plaintext answer to one question, already encoded (the
/// question kinds' `encode` functions produce it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlainAnswer {
    /// The values of a linear answer.
    Linear(Vec<u64>),
    /// A weak order as tiers of option indices, best first.
    Ranked(Vec<Vec<usize>>),
}

/// The opening of one answer (secret unless the ballot is audited).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Opening {
    /// Opening of a linear answer (protocol.md §7.4).
    Linear(LinearOpening),
    /// Opening of a ranked answer (ranked.md).
    Ranked(RankedOpening),
}

/// The tracking code: SHA-256 of the ballot's exact bytes (§10.3).
pub fn tracking_code(ballot_bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(ballot_bytes).into()
}

impl Ballot {
    /// Canonical JSON bytes (encoding.md §3).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("ballots always serialize")
    }

    /// Parses a ballot, accepting only its canonical JSON (encoding.md §3).
    pub fn parse_canonical(bytes: &[u8]) -> Result<Ballot> {
        if bytes.len() > MAX_BALLOT_BYTES {
            return Err(DecodeError::Malformed("ballot too large").into());
        }
        let ballot: Ballot = serde_json::from_slice(bytes)
            .map_err(|_| CryptoError::Decode(DecodeError::Malformed("ballot JSON")))?;
        if ballot.to_bytes() != bytes {
            return Err(DecodeError::Malformed("ballot is not in canonical JSON").into());
        }
        Ok(ballot)
    }

    /// Encrypts, proves and signs a ballot (spec §10).
    pub fn cast<R: RngCore + CryptoRng>(
        stmt: &BallotStatement,
        key: &CredentialKey,
        plain: &[PlainAnswer],
        rng: &mut R,
    ) -> Result<(Ballot, Vec<Opening>)> {
        if plain.len() != stmt.questions.len() {
            return Err(CryptoError::Shape(format!(
                "{} answers for {} questions",
                plain.len(),
                stmt.questions.len()
            )));
        }
        let credential = Point::new(key.public());
        let mut answers = Vec::with_capacity(plain.len());
        let mut openings = Vec::with_capacity(plain.len());
        for ((qid, shape), p) in stmt.questions.iter().zip(plain) {
            let ctx = stmt.context(qid, credential);
            let (proof, opening) = match (shape, p) {
                (QuestionShape::Linear(cons), PlainAnswer::Linear(values)) => {
                    let (a, o) = linear::prove(&ctx, cons, values, rng)?;
                    (AnswerProof::Linear(a), Opening::Linear(o))
                }
                (QuestionShape::Ranked { options }, PlainAnswer::Ranked(tiers)) => {
                    let (a, o) = ranked::prove(&ctx, *options, tiers, rng)?;
                    (AnswerProof::Ranked(a), Opening::Ranked(o))
                }
                _ => {
                    return Err(CryptoError::InvalidPlaintext(format!(
                        "question {qid}: answer of the wrong kind"
                    )))
                }
            };
            answers.push(Answer {
                question: qid.clone(),
                proof,
            });
            openings.push(opening);
        }
        let body = BallotBody {
            spec_version: SPEC_VERSION,
            election_id: stmt.election_id,
            credential,
            answers,
        };
        let msg = serde_json::to_vec(&body).expect("ballot bodies always serialize");
        let signature = key.sign(&stmt.election_id, &msg, rng);
        Ok((Ballot { body, signature }, openings))
    }

    /// Checks the form of the ballot against the statement (spec §10.1):
    /// version, election, one answer per question in order, kinds.
    pub fn check_form(&self, stmt: &BallotStatement) -> Result<()> {
        let body = &self.body;
        if body.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(body.spec_version).into());
        }
        if body.election_id != stmt.election_id {
            return Err(CryptoError::Shape("ballot is for another election".into()));
        }
        if body.answers.len() != stmt.questions.len() {
            return Err(CryptoError::Shape(format!(
                "{} answers for {} questions",
                body.answers.len(),
                stmt.questions.len()
            )));
        }
        for (answer, (qid, shape)) in body.answers.iter().zip(&stmt.questions) {
            if &answer.question != qid {
                return Err(CryptoError::Shape(format!(
                    "answer for question {:?} where {:?} was expected",
                    answer.question, qid
                )));
            }
            let fits = matches!(
                (shape, &answer.proof),
                (QuestionShape::Linear(_), AnswerProof::Linear(_))
                    | (QuestionShape::Ranked { .. }, AnswerProof::Ranked(_))
            );
            if !fits {
                return Err(CryptoError::Shape(format!(
                    "question {qid}: answer of the wrong kind"
                )));
            }
            if answer.proof.has_identity_point() {
                return Err(DecodeError::IdentityPoint.into());
            }
        }
        Ok(())
    }

    /// Checks the ballot completely against the statement (spec §10.2),
    /// except the membership of its credential in the published list, which
    /// the caller checks. Each proof is verified on its own: the reference
    /// for [`Ballot::verify_into_batch`].
    pub fn verify<R: RngCore + CryptoRng>(
        &self,
        stmt: &BallotStatement,
        rng: &mut R,
    ) -> Result<()> {
        self.check_form(stmt)?;
        let body = &self.body;
        for (answer, (qid, shape)) in body.answers.iter().zip(&stmt.questions) {
            let ctx = stmt.context(qid, body.credential);
            match (shape, &answer.proof) {
                (QuestionShape::Linear(cons), AnswerProof::Linear(a)) => {
                    linear::verify(&ctx, cons, a, rng)?
                }
                (QuestionShape::Ranked { options }, AnswerProof::Ranked(a)) => {
                    ranked::verify(&ctx, *options, a, rng)?
                }
                _ => return Err(CryptoError::Shape("answer of the wrong kind".into())),
            }
        }
        self.signature
            .verify(&stmt.election_id, &body.credential, &self.signed_message())
    }

    /// Checks the form and adds every equation of the ballot — all proofs
    /// and the signature — to `batch`; the ballot is valid when the batch
    /// evaluates to zero (spec protocol.md §5.4).
    pub fn verify_into_batch<R: RngCore + CryptoRng>(
        &self,
        stmt: &BallotStatement,
        batch: &mut Batch,
        rng: &mut R,
    ) -> Result<()> {
        self.verify_into_batch_signed(stmt, &self.signed_message(), batch, rng)
    }

    /// [`Ballot::verify_into_batch`] with the signed message already at hand
    /// (from [`Ballot::body_bytes`] of the canonical bytes, which saves
    /// re-serialising the body).
    pub fn verify_into_batch_signed<R: RngCore + CryptoRng>(
        &self,
        stmt: &BallotStatement,
        message: &[u8],
        batch: &mut Batch,
        rng: &mut R,
    ) -> Result<()> {
        self.check_form(stmt)?;
        let body = &self.body;
        for (answer, (qid, shape)) in body.answers.iter().zip(&stmt.questions) {
            let ctx = stmt.context(qid, body.credential);
            match (shape, &answer.proof) {
                (QuestionShape::Linear(cons), AnswerProof::Linear(a)) => {
                    linear::verify_into_batch(&ctx, cons, a, batch, rng)?
                }
                (QuestionShape::Ranked { options }, AnswerProof::Ranked(a)) => {
                    ranked::verify_into_batch(&ctx, *options, a, batch, rng)?
                }
                _ => return Err(CryptoError::Shape("answer of the wrong kind".into())),
            }
        }
        self.signature.verify_into(
            &stmt.election_id,
            &body.credential,
            message,
            batch.msm(),
            rng,
        );
        Ok(())
    }

    /// The bytes of the body inside canonical ballot bytes: the signed
    /// message, `{"body":` … `,"signature":{…}}` stripped. Only meaningful
    /// for bytes [`Ballot::parse_canonical`] accepted.
    pub fn body_bytes(canonical: &[u8]) -> Option<&[u8]> {
        const HEAD: &[u8] = b"{\"body\":";
        const TAIL: &[u8] = b",\"signature\":";
        let end = canonical.windows(TAIL.len()).rposition(|w| w == TAIL)?;
        canonical
            .starts_with(HEAD)
            .then(|| &canonical[HEAD.len()..end])
    }

    /// The message the credential signs: the canonical JSON of the body.
    pub fn signed_message(&self) -> Vec<u8> {
        serde_json::to_vec(&self.body).expect("ballot bodies always serialize")
    }
}

impl BallotStatement {
    /// The proof context of one question for one credential.
    pub fn context(&self, question_id: &str, credential: impl Into<Point>) -> ProofContext {
        ProofContext {
            election_id: self.election_id,
            election_key: self.election_key,
            question_id: question_id.to_string(),
            credential: credential.into(),
        }
    }
}
