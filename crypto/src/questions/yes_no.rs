//! Yes / no / abstain (spec `protocol.md` §8.1).
//!
//! Values `(yes, no)` or `(yes, no, abstain)`, each `0..=1`, exactly one set:
//! sum `1..=1`. With the sum fixed, each upper bound is implied, so the range
//! proof holds `k + 2` statements.

use serde::{Deserialize, Serialize};

use super::linear::{Bounds, LinearConstraints};
use crate::error::{CryptoError, Result};

/// Parameters of a yes/no question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YesNo {
    /// Whether "abstain" is offered as a third option.
    pub abstain: bool,
}

/// A voter's yes/no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNoChoice {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Abstain (only where offered).
    Abstain,
}

impl YesNo {
    /// Number of encrypted values.
    pub fn options(&self) -> usize {
        if self.abstain {
            3
        } else {
            2
        }
    }

    /// The question's linear constraints.
    pub fn constraints(&self) -> LinearConstraints {
        LinearConstraints {
            values: vec![Bounds { lo: 0, hi: 1 }; self.options()],
            sum: Some(Bounds { lo: 1, hi: 1 }),
        }
    }

    /// The values that encode `choice`.
    pub fn encode(&self, choice: YesNoChoice) -> Result<Vec<u64>> {
        let index = match choice {
            YesNoChoice::Yes => 0,
            YesNoChoice::No => 1,
            YesNoChoice::Abstain if self.abstain => 2,
            YesNoChoice::Abstain => {
                return Err(CryptoError::InvalidPlaintext(
                    "this question has no abstain option".into(),
                ))
            }
        };
        let mut v = vec![0; self.options()];
        v[index] = 1;
        Ok(v)
    }
}
