//! Officer transitions on the board (spec `record.md` §8).

use serde::{Deserialize, Serialize};

use crate::ballot::SPEC_VERSION;
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};

/// Seconds a close may come after the scheduled closing time (an automatic
/// close runs from a periodic task).
pub const CLOSE_GRACE_SECONDS: u64 = 300;

/// The kind of a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    /// The round opens for casting.
    Open,
    /// The round closes.
    Close,
    /// The tally starts (the encrypted tally follows).
    Tally,
    /// The result is published (the last entry).
    Publish,
    /// The round is cancelled before it opened (the last entry).
    Cancel,
}

/// An officer transition entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// Format version.
    pub spec_version: u32,
    /// The election id.
    #[serde(with = "encoding::bytes32")]
    pub election_id: [u8; 32],
    /// Which transition.
    pub transition: TransitionKind,
    /// When, in Unix seconds (the server's clock).
    pub at: u64,
    /// A public reason (cancellations, early closes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Transition {
    /// A transition of `election_id` at `at`.
    pub fn new(election_id: [u8; 32], transition: TransitionKind, at: u64) -> Self {
        Transition {
            spec_version: SPEC_VERSION,
            election_id,
            transition,
            at,
            reason: None,
        }
    }

    /// Checks version and election.
    pub fn check_form(&self, election_id: &[u8; 32]) -> Result<()> {
        if self.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(self.spec_version).into());
        }
        if &self.election_id != election_id {
            return Err(CryptoError::Shape("transition of another election".into()));
        }
        Ok(())
    }

    /// Whether `next` may follow `prev` (`None`: nothing yet): open → close
    /// → tally → publish; cancel only before open.
    pub fn follows(prev: Option<TransitionKind>, next: TransitionKind) -> bool {
        use TransitionKind::*;
        matches!(
            (prev, next),
            (None, Open)
                | (None, Cancel)
                | (Some(Open), Close)
                | (Some(Close), Tally)
                | (Some(Tally), Publish)
        )
    }
}
