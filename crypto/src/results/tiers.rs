//! Rankings as tiers, seats with ties at the cut, and explicit tie-breaking
//! (spec `results.md` §1.4, §5.4, §14).
//!
//! A ranking is a list of tiers, best first; every tier lists option indices
//! in increasing order; options in one tier are tied. Nothing here breaks a
//! tie unless [`break_ties`] is called with a published order.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};

/// A ranking: tiers of tied option indices, best first (spec §1.4).
pub type Tiers = Vec<Vec<usize>>;

/// Which way a score ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Better {
    /// A larger value ranks higher.
    Higher,
    /// A smaller value ranks higher.
    Lower,
}

/// Groups options `0..values.len()` into tiers of equal value, best first
/// (spec §1.4).
pub(crate) fn tiers_by_value<T: Ord + Copy>(values: &[T], better: Better) -> Tiers {
    let mut order: Vec<usize> = (0..values.len()).collect();
    // Stable sort: within a tier, indices stay increasing.
    order.sort_by(|&a, &b| match better {
        Better::Higher => values[b].cmp(&values[a]),
        Better::Lower => values[a].cmp(&values[b]),
    });
    let mut tiers: Tiers = Vec::new();
    let mut last: Option<T> = None;
    for i in order {
        match (last, tiers.last_mut()) {
            (Some(v), Some(tier)) if v == values[i] => tier.push(i),
            _ => tiers.push(vec![i]),
        }
        last = Some(values[i]);
    }
    tiers
}

/// Seats filled from a ranking, with a tie at the cut reported, never broken
/// (spec §5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatAllocation {
    /// Seats to fill.
    pub seats: u64,
    /// Options certainly elected: every tier that fits wholly in the seats.
    pub elected: Vec<usize>,
    /// The tier straddling the cut (more tied options than seats left);
    /// empty if there is none.
    pub tied_at_cut: Vec<usize>,
    /// Seats left for the options of `tied_at_cut` (0 if it is empty).
    pub seats_for_tied: u64,
    /// Seats left unfilled because the ranking ran out of options.
    pub unfilled: u64,
}

impl SeatAllocation {
    /// Fills `seats` seats from `tiers` (spec §5.4). `seats` must be >= 1.
    pub fn from_tiers(tiers: &[Vec<usize>], seats: u64) -> Result<Self> {
        if seats == 0 {
            return Err(ResultError::InvalidParameter {
                what: "seats",
                value: 0,
            });
        }
        let mut left = seats;
        let mut elected = Vec::new();
        let mut tied_at_cut = Vec::new();
        let mut seats_for_tied = 0;
        for tier in tiers {
            if left == 0 {
                break;
            }
            let size = tier.len() as u64;
            if size <= left {
                elected.extend_from_slice(tier);
                left -= size;
            } else {
                tied_at_cut = tier.clone();
                seats_for_tied = left;
                left = 0;
            }
        }
        Ok(SeatAllocation {
            seats,
            elected,
            tied_at_cut,
            seats_for_tied,
            unfilled: left,
        })
    }
}

/// Turns a ranking into a strict order with a tie-break order published in
/// advance (spec §14): within each tier, options follow their position in
/// `order`, which must be a permutation of `0..options`; the tiers must
/// list distinct options below `options`. Result methods never call this
/// themselves: tie-breaking is always explicit.
pub fn break_ties(tiers: &[Vec<usize>], order: &[usize], options: usize) -> Result<Vec<usize>> {
    let invalid = ResultError::InvalidTieBreakOrder { options };
    if order.len() != options {
        return Err(invalid);
    }
    let mut position = vec![usize::MAX; options];
    for (pos, &o) in order.iter().enumerate() {
        if o >= options || position[o] != usize::MAX {
            return Err(invalid);
        }
        position[o] = pos;
    }
    let mut seen = vec![false; options];
    let mut out = Vec::new();
    for tier in tiers {
        let mut t = tier.clone();
        for &o in &t {
            if o >= options {
                return Err(ResultError::OptionOutOfRange { option: o, options });
            }
            if seen[o] {
                return Err(ResultError::DuplicateOption { option: o });
            }
            seen[o] = true;
        }
        t.sort_by_key(|&o| position[o]);
        out.extend(t);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_group_equal_values() {
        assert_eq!(
            tiers_by_value(&[3u64, 5, 3, 1, 5], Better::Higher),
            vec![vec![1, 4], vec![0, 2], vec![3]]
        );
        assert_eq!(
            tiers_by_value(&[3u64, 5, 3, 1, 5], Better::Lower),
            vec![vec![3], vec![0, 2], vec![1, 4]]
        );
        assert!(tiers_by_value::<u64>(&[], Better::Higher).is_empty());
    }

    #[test]
    fn seats_report_tie_at_cut() {
        let tiers = vec![vec![2], vec![0, 1, 3], vec![4]];
        let s = SeatAllocation::from_tiers(&tiers, 2).unwrap();
        assert_eq!(s.elected, vec![2]);
        assert_eq!(s.tied_at_cut, vec![0, 1, 3]);
        assert_eq!(s.seats_for_tied, 1);
        assert_eq!(s.unfilled, 0);
        let s = SeatAllocation::from_tiers(&tiers, 4).unwrap();
        assert_eq!(s.elected, vec![2, 0, 1, 3]);
        assert!(s.tied_at_cut.is_empty());
        let s = SeatAllocation::from_tiers(&tiers, 9).unwrap();
        assert_eq!(s.unfilled, 4);
        assert!(SeatAllocation::from_tiers(&tiers, 0).is_err());
    }

    #[test]
    fn explicit_tie_break() {
        let tiers = vec![vec![0, 2], vec![1]];
        assert_eq!(break_ties(&tiers, &[2, 1, 0], 3).unwrap(), vec![2, 0, 1]);
        assert!(break_ties(&tiers, &[2, 2, 0], 3).is_err());
        assert!(break_ties(&tiers, &[0, 1], 3).is_err());
        assert!(break_ties(&[vec![0, 0]], &[0, 1, 2], 3).is_err());
        assert!(break_ties(&[vec![5]], &[0, 1, 2], 3).is_err());
    }
}
