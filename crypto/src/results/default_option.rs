//! The default option of a ranked question, its quorum and the majorities
//! required against it (spec `results.md` §9).
//!
//! Rule (as Debian's constitution §A.6 steps 2 and 3): with a default
//! option `D`, each other option `A`
//! 1. is dropped if a quorum `Q` is set and `N[A][D] < Q`;
//! 2. otherwise is dropped if it has a required majority `M` and `N[A][D]`
//!    for against `N[D][A]` does not meet `M` (spec §3.1).
//!
//! The default option is never dropped. The options left are the eligible
//! options, over which Schulze (§10, §11) is computed.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::pairwise::PairwiseMatrix;
use super::threshold::Majority;

/// The default option ("status quo", "none of the above", "further
/// discussion") and what the other options must achieve against it
/// (spec §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultOption {
    /// Index of the default option.
    pub option: usize,
    /// Minimum `N[A][D]` for a non-default option `A` to stay (an integer:
    /// a real quorum `R` is given as `ceil(R)`, since `N[A][D] >= R` iff
    /// `N[A][D] >= ceil(R)`); `None`: no quorum.
    pub quorum: Option<u64>,
    /// Per option (length `n`), the majority it needs against the default
    /// option, `None` for none; the default option's own entry must be
    /// `None`.
    pub majorities: Vec<Option<Majority>>,
}

impl DefaultOption {
    /// Every non-default option of `options` needs `majority` against
    /// `option`, with an optional quorum.
    pub fn uniform(option: usize, options: usize, quorum: Option<u64>, majority: Majority) -> Self {
        let majorities = (0..options)
            .map(|o| (o != option).then_some(majority))
            .collect();
        DefaultOption {
            option,
            quorum,
            majorities,
        }
    }
}

/// Rules of a ranked question beyond the method itself (spec §9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedRules {
    /// The default option, if the question has one.
    pub default_option: Option<DefaultOption>,
}

impl RankedRules {
    /// No default option: every option is eligible.
    pub fn none() -> Self {
        RankedRules::default()
    }
}

/// Why an option was dropped before Schulze (spec §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DropReason {
    /// Fewer than `required` voters ranked it above the default option.
    Quorum {
        /// `N[A][D]`.
        votes_over_default: u64,
        /// The quorum.
        required: u64,
    },
    /// It did not meet its required majority against the default option.
    Majority {
        /// `N[A][D]`.
        votes_over_default: u64,
        /// `N[D][A]`.
        votes_under_default: u64,
        /// The requirement.
        required: Majority,
    },
}

/// An option dropped before Schulze, with the reason (spec §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedOption {
    /// Option index.
    pub option: usize,
    /// The first rule it failed (quorum is checked before majority).
    pub reason: DropReason,
}

/// Which options stay in the count (spec §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Options still in the count, increasing.
    pub eligible: Vec<usize>,
    /// Options dropped, increasing by index.
    pub dropped: Vec<DroppedOption>,
}

/// Applies the default-option rules to a matrix (spec §9).
pub fn eligibility(matrix: &PairwiseMatrix, rules: &RankedRules) -> Result<Eligibility> {
    let n = matrix.options();
    let Some(def) = &rules.default_option else {
        return Ok(Eligibility {
            eligible: (0..n).collect(),
            dropped: Vec::new(),
        });
    };
    let d = def.option;
    if d >= n {
        return Err(ResultError::OptionOutOfRange {
            option: d,
            options: n,
        });
    }
    if def.majorities.len() != n {
        return Err(ResultError::LengthMismatch {
            what: "majorities",
            expected: n,
            found: def.majorities.len(),
        });
    }
    if def.majorities[d].is_some() {
        return Err(ResultError::InvalidDefaultRules(
            "the default option has a majority requirement",
        ));
    }
    for m in def.majorities.iter().flatten() {
        m.validate()?;
    }
    let mut eligible = Vec::new();
    let mut dropped = Vec::new();
    for a in 0..n {
        if a == d {
            eligible.push(a);
            continue;
        }
        let over = matrix.at(a, d);
        let under = matrix.at(d, a);
        let reason = match (def.quorum, def.majorities[a]) {
            (Some(q), _) if over < q => Some(DropReason::Quorum {
                votes_over_default: over,
                required: q,
            }),
            (_, Some(m)) if !m.is_met(over, under) => Some(DropReason::Majority {
                votes_over_default: over,
                votes_under_default: under,
                required: m,
            }),
            _ => None,
        };
        match reason {
            Some(reason) => dropped.push(DroppedOption { option: a, reason }),
            None => eligible.push(a),
        }
    }
    Ok(Eligibility { eligible, dropped })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> PairwiseMatrix {
        // Option 2 is the default. 0 beats it 30:10, 1 beats it 20:10.
        PairwiseMatrix::new(vec![vec![0, 25, 30], vec![15, 0, 20], vec![10, 10, 0]]).unwrap()
    }

    #[test]
    fn quorum_then_majority() {
        let rules = RankedRules {
            default_option: Some(DefaultOption {
                option: 2,
                quorum: Some(21),
                majorities: vec![
                    Some(Majority::ratio(3, 1).unwrap()),
                    Some(Majority::simple()),
                    None,
                ],
            }),
        };
        let e = eligibility(&m(), &rules).unwrap();
        assert_eq!(e.eligible, vec![2]);
        assert_eq!(e.dropped[0].option, 0);
        assert!(matches!(e.dropped[0].reason, DropReason::Majority { .. }));
        assert!(matches!(
            e.dropped[1].reason,
            DropReason::Quorum { required: 21, .. }
        ));
        let rules = RankedRules {
            default_option: Some(DefaultOption::uniform(2, 3, Some(20), Majority::simple())),
        };
        assert_eq!(eligibility(&m(), &rules).unwrap().eligible, vec![0, 1, 2]);
    }

    #[test]
    fn invalid_rules() {
        let mut def = DefaultOption::uniform(2, 3, None, Majority::simple());
        def.majorities[2] = Some(Majority::simple());
        let r = RankedRules {
            default_option: Some(def),
        };
        assert!(eligibility(&m(), &r).is_err());
        let r = RankedRules {
            default_option: Some(DefaultOption::uniform(3, 3, None, Majority::simple())),
        };
        assert!(eligibility(&m(), &r).is_err());
        let r = RankedRules {
            default_option: Some(DefaultOption::uniform(2, 2, None, Majority::simple())),
        };
        assert!(eligibility(&m(), &r).is_err());
    }
}
