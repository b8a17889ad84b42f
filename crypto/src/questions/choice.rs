//! Single choice, k-of-n and approval (spec `protocol.md` §8.2).
//!
//! One value per option, each `0..=1`; the number of options chosen lies in
//! `min..=max`. Single choice is `1..=1`, "exactly k" is `k..=k`, approval is
//! `0..=n` (or any narrower window the manifest sets).

use serde::{Deserialize, Serialize};

use super::linear::{Bounds, LinearConstraints};
use crate::error::{CryptoError, Result};

/// Parameters of a choice question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Number of options.
    pub options: usize,
    /// Fewest options a voter must choose.
    pub min: u64,
    /// Most options a voter may choose.
    pub max: u64,
}

impl Choice {
    /// Checks `1 ≤ options`, `min ≤ max ≤ options`.
    pub fn validate(&self) -> Result<()> {
        if self.options == 0 || self.min > self.max || self.max > self.options as u64 {
            return Err(CryptoError::Unsupported(format!(
                "choice of {}..={} among {} options",
                self.min, self.max, self.options
            )));
        }
        Ok(())
    }

    /// The question's linear constraints.
    pub fn constraints(&self) -> LinearConstraints {
        LinearConstraints {
            values: vec![Bounds { lo: 0, hi: 1 }; self.options],
            sum: Some(Bounds {
                lo: self.min,
                hi: self.max,
            }),
        }
    }

    /// The values that encode the chosen option indices (each at most once).
    pub fn encode(&self, chosen: &[usize]) -> Result<Vec<u64>> {
        self.validate()?;
        let mut v = vec![0u64; self.options];
        for &i in chosen {
            match v.get_mut(i) {
                Some(x) if *x == 0 => *x = 1,
                Some(_) => {
                    return Err(CryptoError::InvalidPlaintext(format!(
                        "option {i} chosen twice"
                    )))
                }
                None => return Err(CryptoError::InvalidPlaintext(format!("no option {i}"))),
            }
        }
        let n = chosen.len() as u64;
        if n < self.min || n > self.max {
            return Err(CryptoError::InvalidPlaintext(format!(
                "{n} options chosen, {}..={} allowed",
                self.min, self.max
            )));
        }
        Ok(v)
    }
}
