//! Score and systemic consensus (spec `protocol.md` §8.3).
//!
//! One value per option in `0..=max`, no sum constraint. For systemic
//! consensus the points are *resistance* (default `max = 10`), one option may
//! be the passive solution (the status quo, "change nothing"), and the
//! manifest says whether an option the voter leaves unrated counts as
//! maximal resistance or makes the ballot incomplete. For score voting the
//! points are support. The proof is the same; the result methods differ.

use serde::{Deserialize, Serialize};

use super::linear::{Bounds, LinearConstraints};
use crate::error::{CryptoError, Result};

/// What an unrated option means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unrated {
    /// An unrated option gets the maximum (resistance) points.
    #[default]
    CountsAsMax,
    /// Every option must be rated.
    Refused,
}

/// Parameters of a score or systemic-consensus question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// Number of options.
    pub options: usize,
    /// Maximum points per option (systemic consensus: 10).
    pub max: u64,
    /// Treatment of unrated options.
    #[serde(default)]
    pub unrated: Unrated,
}

/// Default maximum resistance of systemic consensus.
pub const DEFAULT_MAX_RESISTANCE: u64 = 10;

impl Score {
    /// Checks `1 ≤ options` and `1 ≤ max ≤ 2³²−1`.
    pub fn validate(&self) -> Result<()> {
        if self.options == 0 || self.max == 0 || self.max > u32::MAX as u64 {
            return Err(CryptoError::Unsupported(format!(
                "score 0..={} over {} options",
                self.max, self.options
            )));
        }
        Ok(())
    }

    /// The question's linear constraints.
    pub fn constraints(&self) -> LinearConstraints {
        LinearConstraints {
            values: vec![
                Bounds {
                    lo: 0,
                    hi: self.max
                };
                self.options
            ],
            sum: None,
        }
    }

    /// The values that encode the voter's points (`None` = unrated).
    pub fn encode(&self, points: &[Option<u64>]) -> Result<Vec<u64>> {
        self.validate()?;
        if points.len() != self.options {
            return Err(CryptoError::InvalidPlaintext(format!(
                "{} ratings for {} options",
                points.len(),
                self.options
            )));
        }
        points
            .iter()
            .enumerate()
            .map(|(i, p)| match (p, self.unrated) {
                (Some(x), _) if *x <= self.max => Ok(*x),
                (Some(x), _) => Err(CryptoError::InvalidPlaintext(format!(
                    "option {i}: {x} points, at most {} allowed",
                    self.max
                ))),
                (None, Unrated::CountsAsMax) => Ok(self.max),
                (None, Unrated::Refused) => Err(CryptoError::InvalidPlaintext(format!(
                    "option {i} is not rated"
                ))),
            })
            .collect()
    }
}
