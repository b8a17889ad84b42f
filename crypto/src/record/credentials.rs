//! The public credential list (spec `record.md` §3).

use std::collections::BTreeSet;

use curve25519_dalek::ristretto::RistrettoPoint;
use serde::{Deserialize, Serialize};

use crate::ballot::SPEC_VERSION;
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};

/// Largest weight of one voter.
pub const MAX_WEIGHT: u64 = 1_000_000;

/// One eligible voter: public credential and weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialEntry {
    /// Public credential `X`.
    #[serde(with = "encoding::point")]
    pub credential: RistrettoPoint,
    /// Voting weight, `1..=MAX_WEIGHT`.
    pub weight: u64,
}

/// The list of public credentials, posted when the round opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialList {
    /// Format version.
    pub spec_version: u32,
    /// The election id.
    #[serde(with = "encoding::bytes32")]
    pub election_id: [u8; 32],
    /// The credentials, sorted by encoding so the list reveals no roll order.
    pub credentials: Vec<CredentialEntry>,
}

impl CredentialList {
    /// A list with entries sorted by their encoding.
    pub fn new(election_id: [u8; 32], mut credentials: Vec<CredentialEntry>) -> Self {
        credentials.sort_by_key(|e| e.credential.compress().to_bytes());
        CredentialList {
            spec_version: SPEC_VERSION,
            election_id,
            credentials,
        }
    }

    /// Checks verification.md step 3.2: version, election, no repeated
    /// credential, weights in range.
    pub fn validate(&self, election_id: &[u8; 32]) -> Result<()> {
        if self.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(self.spec_version).into());
        }
        if &self.election_id != election_id {
            return Err(CryptoError::Shape(
                "credential list of another election".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for e in &self.credentials {
            if e.weight == 0 || e.weight > MAX_WEIGHT {
                return Err(CryptoError::Unsupported(format!("weight {}", e.weight)));
            }
            if !seen.insert(e.credential.compress().to_bytes()) {
                return Err(CryptoError::Shape("a credential appears twice".into()));
            }
        }
        Ok(())
    }

    /// Sum of all weights (the electorate for quorum rules).
    pub fn total_weight(&self) -> u64 {
        self.credentials.iter().map(|e| e.weight).sum()
    }
}
