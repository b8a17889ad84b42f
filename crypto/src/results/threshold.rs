//! Majority and quorum requirements (spec `results.md` §3).

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};

/// A majority requirement: the share of votes *for* among the decisive votes
/// (for + against) compared with the fraction `num / den` (spec §3.1).
///
/// With `f` votes for and `a` against, the requirement is met iff `f + a > 0`
/// and
/// - `strict`: `f · den > num · (f + a)` (more than the fraction),
/// - not `strict`: `f · den >= num · (f + a)` (at least the fraction).
///
/// A ratio requirement "N:M" (Debian's 3:1) is the strict share
/// `N / (N + M)`: `f > (N/M) · a` iff `f / (f + a) > N / (N + M)`.
/// Valid values have `den > 0`, `0 < num <= den`, and not (`strict` and
/// `num = den`), which could never be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Majority {
    /// Numerator of the required share.
    pub num: u64,
    /// Denominator of the required share.
    pub den: u64,
    /// `true`: the share must exceed `num/den`; `false`: reach it.
    pub strict: bool,
}

impl Majority {
    /// Simple majority: more than half of the decisive votes (1/2, strict).
    pub const fn simple() -> Self {
        Majority {
            num: 1,
            den: 2,
            strict: true,
        }
    }

    /// Two-thirds majority: at least two thirds (2/3, not strict).
    pub const fn two_thirds() -> Self {
        Majority {
            num: 2,
            den: 3,
            strict: false,
        }
    }

    /// Ratio `for : against` strictly greater than `n : m` (Debian's
    /// supermajority `N:1` is `ratio(N, 1)`), i.e. the strict share
    /// `n / (n + m)`. Fails on `n = 0` or on overflow of `n + m`.
    pub fn ratio(n: u64, m: u64) -> Result<Self> {
        let den = n
            .checked_add(m)
            .ok_or(ResultError::Overflow("majority ratio"))?;
        let maj = Majority {
            num: n,
            den,
            strict: true,
        };
        maj.validate()?;
        Ok(maj)
    }

    /// Checks the invariants listed on [`Majority`].
    pub fn validate(&self) -> Result<()> {
        if self.den == 0
            || self.num == 0
            || self.num > self.den
            || (self.strict && self.num == self.den)
        {
            return Err(ResultError::InvalidMajority {
                num: self.num,
                den: self.den,
                strict: self.strict,
            });
        }
        Ok(())
    }

    /// Whether `votes_for` against `votes_against` meets the requirement
    /// (spec §3.1). Zero decisive votes never meet it. Computed exactly as
    /// `f · (den − num)` against `num · a` (equivalent to the definition,
    /// since `num <= den`), two products of 64-bit values that fit in `u128`.
    pub fn is_met(&self, votes_for: u64, votes_against: u64) -> bool {
        let f = votes_for as u128;
        let a = votes_against as u128;
        if f + a == 0 {
            return false;
        }
        let (num, den) = (self.num as u128, self.den as u128);
        // f·den > num·(f + a)  <=>  f·(den − num) > num·a; den >= num was
        // checked by `validate`, and a saturating difference keeps an
        // unvalidated value (num > den) from panicking: it then never passes.
        let lhs = f * den.saturating_sub(num);
        let rhs = num * a;
        if self.strict {
            lhs > rhs
        } else {
            lhs >= rhs
        }
    }
}

/// A quorum: minimum participation for a decision to count (spec §3.2).
/// "No quorum" is the absence of a `Quorum` (`None` / JSON `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Quorum {
    /// At least `min` ballots (weighted) must take part.
    Ballots {
        /// Minimum participation.
        min: u64,
    },
    /// At least the share `num / den` of the electorate must take part:
    /// `participation · den >= num · electorate`.
    ShareOfElectorate {
        /// Numerator of the share.
        num: u64,
        /// Denominator of the share.
        den: u64,
    },
}

impl Quorum {
    /// The smallest participation that meets the quorum (spec §3.2):
    /// `min`, or `ceil(num · electorate / den)`. Validates the share
    /// (`den > 0`, `num <= den`) and that an electorate is given when needed.
    pub fn required(&self, electorate: Option<u64>) -> Result<u64> {
        match *self {
            Quorum::Ballots { min } => Ok(min),
            Quorum::ShareOfElectorate { num, den } => {
                if den == 0 || num > den {
                    return Err(ResultError::InvalidQuorum { num, den });
                }
                let e = electorate.ok_or(ResultError::MissingElectorate)? as u128;
                let (num, den) = (num as u128, den as u128);
                let req = (num * e).div_ceil(den);
                // num <= den, so req <= electorate fits in u64.
                u64::try_from(req).map_err(|_| ResultError::Overflow("quorum"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_comparisons() {
        let s = Majority::simple();
        assert!(s.is_met(51, 49));
        assert!(!s.is_met(50, 50));
        assert!(!s.is_met(0, 0));
        let t = Majority::two_thirds();
        assert!(t.is_met(200, 100));
        assert!(!t.is_met(199, 100));
        let t_strict = Majority {
            strict: true,
            ..Majority::two_thirds()
        };
        assert!(!t_strict.is_met(200, 100));
        assert!(t_strict.is_met(201, 100));
        let d3 = Majority::ratio(3, 1).unwrap();
        assert!(!d3.is_met(300, 100));
        assert!(d3.is_met(301, 100));
        assert!(Majority::ratio(0, 1).is_err());
        assert!(Majority {
            num: 1,
            den: 1,
            strict: true
        }
        .validate()
        .is_err());
        let unanimity = Majority {
            num: 1,
            den: 1,
            strict: false,
        };
        assert!(unanimity.is_met(5, 0));
        assert!(!unanimity.is_met(5, 1));
        // Extremes do not overflow.
        assert!(s.is_met(u64::MAX, u64::MAX - 1));
        assert!(!s.is_met(u64::MAX, u64::MAX));
    }

    #[test]
    fn quorum_required() {
        assert_eq!(Quorum::Ballots { min: 7 }.required(None).unwrap(), 7);
        let q = Quorum::ShareOfElectorate { num: 1, den: 4 };
        assert_eq!(q.required(Some(100)).unwrap(), 25);
        assert_eq!(q.required(Some(101)).unwrap(), 26);
        assert_eq!(q.required(None), Err(ResultError::MissingElectorate));
        let bad = Quorum::ShareOfElectorate { num: 5, den: 4 };
        assert!(bad.required(Some(1)).is_err());
    }
}
