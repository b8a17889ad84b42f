//! Driving a round through the HTTP API as real clients do — an officer,
//! trustees with their vaults, voters — for the demo, the load generator
//! and the tests.

use std::path::{Path, PathBuf};

use psephos_crypto::ballot::BallotStatement;
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::record::Manifest;
use psephos_trustee::client::{Client, ClientError};
use psephos_trustee::roll::Member;
use psephos_trustee::steps::{StepError, Trustee};
use psephos_trustee::vault::KdfParams;
use psephos_trustee::wire::{CeremonySetup, RoundDraft, RoundStatus, TransitionRequest};
use zeroize::Zeroizing;

use crate::error::ServerError;

/// Why driving a round failed.
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// An API call failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A trustee step failed.
    #[error(transparent)]
    Step(#[from] StepError),
    /// A local check failed.
    #[error(transparent)]
    Server(#[from] ServerError),
    /// A file could not be written.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// The published result disagrees with the plaintexts.
    #[error("check failed: {0}")]
    Check(String),
}

impl From<psephos_crypto::CryptoError> for DriveError {
    fn from(e: psephos_crypto::CryptoError) -> Self {
        DriveError::Server(e.into())
    }
}

/// Result alias of the driver.
pub type DriveResult<T> = Result<T, DriveError>;

/// A voter with their credential code.
pub struct Voter {
    /// Roll entry.
    pub member: Member,
    /// The code (secret).
    pub code: CredentialCode,
}

/// One round, its officer client and its trustees.
pub struct Driver {
    /// Client with an officer token.
    pub officer: Client,
    /// Round id.
    pub round: String,
    /// The trustees (token clients and vaults).
    pub trustees: Vec<Trustee>,
}

/// The roll CSV of `members`.
pub fn roll_csv(members: &[Member]) -> String {
    let mut s = String::from("member_id,email,weight\n");
    for m in members {
        s.push_str(&format!("{},{},{}\n", m.member_id, m.email, m.weight));
    }
    s
}

/// `n` members `m00001…` with the weights `weight(i)`.
pub fn members(n: usize, weight: impl Fn(usize) -> u64) -> Vec<Member> {
    (0..n)
        .map(|i| Member {
            member_id: format!("m{:05}", i + 1),
            email: format!("member{}@example.org", i + 1),
            weight: weight(i),
        })
        .collect()
}

impl Driver {
    /// Creates the round and starts an `n`-trustee, threshold-`t` ceremony;
    /// the trustees' vaults go to `vault_dir`.
    pub async fn create(
        officer: &Client,
        draft: RoundDraft,
        n: u32,
        t: u32,
        vault_dir: &Path,
    ) -> DriveResult<Driver> {
        officer.create_round(&draft).await?;
        Self::attach(officer, &draft.election, n, t, vault_dir).await
    }

    /// Starts an `n`-trustee, threshold-`t` ceremony for an existing round
    /// in `draft` (an AMV draft made from an initiative, for example).
    pub async fn attach(
        officer: &Client,
        round: &str,
        n: u32,
        t: u32,
        vault_dir: &Path,
    ) -> DriveResult<Driver> {
        let round = round.to_string();
        let started = officer
            .start_ceremony(
                &round,
                &CeremonySetup {
                    trustees: n,
                    threshold: t,
                },
            )
            .await?;
        let trustees = started
            .tokens
            .iter()
            .map(|tt| Trustee {
                client: officer.with_token(&tt.token),
                vault: vault_dir.join(format!("{round}-trustee-{}.vault", tt.trustee)),
                passphrase: Zeroizing::new(format!("demo passphrase {}", tt.trustee).into_bytes()),
                kdf: KdfParams::insecure_fast(),
            })
            .collect();
        Ok(Driver {
            officer: officer.clone(),
            round,
            trustees,
        })
    }

    /// Runs every phase of the ceremony with honest trustees.
    pub async fn ceremony(&self) -> DriveResult<()> {
        for t in &self.trustees {
            t.announce().await?;
        }
        for t in &self.trustees {
            t.deal().await?;
        }
        for t in &self.trustees {
            t.check().await?;
        }
        for t in &self.trustees {
            t.finish().await?;
        }
        Ok(())
    }

    /// Freezes the manifest and returns it with its ballot statement.
    pub async fn freeze(&self) -> DriveResult<(Manifest, BallotStatement)> {
        self.officer.freeze(&self.round).await?;
        let (m, bytes) = self.officer.manifest(&self.round).await?;
        let stmt = m.ballot_statement(Manifest::election_id_of(&bytes))?;
        Ok((m, stmt))
    }

    /// Imports the roll and has the server issue credentials; returns each
    /// member with their code (parsed from the mail-merge CSV).
    pub async fn server_credentials(&self, members: &[Member]) -> DriveResult<Vec<Voter>> {
        self.officer
            .import_roll(&self.round, &roll_csv(members))
            .await?;
        let issued = self.officer.generate_credentials(&self.round).await?;
        let mut reader = csv::Reader::from_reader(issued.csv.as_bytes());
        let mut voters = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| DriveError::Check(format!("credential CSV: {e}")))?;
            let member = members
                .iter()
                .find(|m| m.member_id == rec[0])
                .ok_or_else(|| {
                    DriveError::Check("credential CSV names an unknown member".into())
                })?;
            voters.push(Voter {
                member: member.clone(),
                code: CredentialCode::parse(&rec[3])?,
            });
        }
        if voters.len() != members.len() {
            return Err(DriveError::Check("credential CSV is incomplete".into()));
        }
        Ok(voters)
    }

    /// An officer transition.
    pub async fn step(&self, transition: &str) -> DriveResult<RoundStatus> {
        Ok(self
            .officer
            .transition(&self.round, transition, &TransitionRequest::default())
            .await?)
    }

    /// Close, tally, decryption by the trustees `deciders` (1-based), publish.
    pub async fn finish(&self, deciders: &[u32]) -> DriveResult<RoundStatus> {
        self.step("close").await?;
        self.step("tally").await?;
        for &j in deciders {
            self.trustees[j as usize - 1].decrypt().await?;
        }
        self.step("publish").await
    }

    /// Downloads the record file to `path`.
    pub async fn export(&self, path: &PathBuf) -> DriveResult<()> {
        let bytes = self.officer.record(&self.round).await?;
        std::fs::write(path, bytes)?;
        Ok(())
    }
}
