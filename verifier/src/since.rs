//! Incremental runs (spec `verification.md`, "Incremental runs"): an
//! observer following an open round gives the report of their previous run.
//!
//! The earlier report's final checkpoint `(s, root_s)` pins the prefix it
//! verified. This run
//!
//! - recomputes the root of the first `s` entries and fails step 4.2 unless
//!   it equals `root_s` (with a server URL, the server's consistency proof
//!   from `s` to the new size is checked as well);
//! - does not verify again the proofs and signatures of the ballots below
//!   index `s` that the earlier run accepted: a ballot's validity depends
//!   only on its bytes and the election's setup, both fixed by `root_s`.
//!   Ballots the earlier run named in a failure are verified again.
//!
//! Every entry is still read and parsed: the counted set, the tally and the
//! result depend on all ballots. The saving is the proof verification, which
//! is almost all of the cost.

use std::collections::HashSet;

use psephos_board::Hash;
use serde::Deserialize;

use crate::report::{Collector, Failure};

/// What an earlier run established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Since {
    /// Size of the log the earlier run verified.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// Board indices the earlier run named in a failure: verified again.
    pub reverify: HashSet<u64>,
}

/// Why an earlier report cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SinceError {
    /// Not the JSON of a report.
    #[error("not a psephos-verify JSON report: {0}")]
    Json(#[from] serde_json::Error),
    /// The report has no final checkpoint (its record had no readable board).
    #[error("the earlier report has no final checkpoint to resume from")]
    NoCheckpoint,
    /// The root is not 32 bytes of hex.
    #[error("the earlier report's root is not 32 bytes of hex")]
    BadRoot,
}

#[derive(Deserialize)]
struct ReportJson {
    checkpoint: Option<(u64, String)>,
    #[serde(default)]
    failures: Vec<FailureJson>,
}

#[derive(Deserialize)]
struct FailureJson {
    #[serde(default)]
    index: Option<u64>,
}

impl Since {
    /// Reads the `--json` report of an earlier run.
    pub fn from_report_json(bytes: &[u8]) -> Result<Since, SinceError> {
        let r: ReportJson = serde_json::from_slice(bytes)?;
        let (size, root) = r.checkpoint.ok_or(SinceError::NoCheckpoint)?;
        let mut h = [0u8; 32];
        hex::decode_to_slice(&root, &mut h).map_err(|_| SinceError::BadRoot)?;
        if root.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(SinceError::BadRoot);
        }
        Ok(Since {
            size,
            root: Hash(h),
            reverify: r.failures.iter().filter_map(|f| f.index).collect(),
        })
    }

    /// True when the ballot at `index` was verified by the earlier run.
    pub fn verified(&self, index: u64) -> bool {
        index < self.size && !self.reverify.contains(&index)
    }

    /// Step 4.2: the root recomputed at the earlier size is the earlier root.
    pub fn check_root(&self, c: &mut Collector, root: &Hash) {
        if *root != self.root {
            c.fail(Failure::new(
                "4.2",
                format!(
                    "the board does not extend the earlier run's log: its root at size {} differs",
                    self.size
                ),
            ));
        }
    }

    /// Step 4.2: the log is at least as long as the earlier one.
    pub fn check_reached(&self, c: &mut Collector, size: u64) {
        if size < self.size {
            c.fail(Failure::new(
                "4.2",
                format!(
                    "the board has {size} entries, fewer than the {} of the earlier run",
                    self.size
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_report_and_refuses_others() {
        let root = "ab".repeat(32);
        let json = format!(
            r#"{{"election_id":null,"valid":false,"steps":[],"checkpoint":[7,"{root}"],
               "failures":[{{"step":"5.3","message":"x","index":4}},{{"step":"4.1","message":"y"}}]}}"#
        );
        let s = Since::from_report_json(json.as_bytes()).unwrap();
        assert_eq!(s.size, 7);
        assert_eq!(s.root, Hash([0xab; 32]));
        assert!(s.verified(3) && !s.verified(4) && !s.verified(7));
        let none = r#"{"checkpoint":null,"failures":[]}"#;
        assert!(matches!(
            Since::from_report_json(none.as_bytes()),
            Err(SinceError::NoCheckpoint)
        ));
        let upper = format!(r#"{{"checkpoint":[7,"{}"]}}"#, "AB".repeat(32));
        assert!(Since::from_report_json(upper.as_bytes()).is_err());
        assert!(Since::from_report_json(b"[1,2]").is_err());
    }
}
