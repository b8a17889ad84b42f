//! Borda count from the pairwise matrix (spec `results.md` §13).
//!
//! Rule: the Borda score of option `a` is `Σ_b N[a][b]`, the number of
//! (voter, option) pairs in which `a` is ranked strictly above the other
//! option. For complete strict rankings this is the classic Borda count
//! (`n − 1` points for a first place, ..., 0 for the last); with ties or
//! unranked options, each option scores one point per option ranked below
//! it. Options are ranked by score, highest first, equal scores tying.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::pairwise::PairwiseMatrix;
use super::tiers::{tiers_by_value, Better, Tiers};

/// Result of the Borda count (spec §13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BordaResult {
    /// `scores[a] = Σ_b N[a][b]`, in option order.
    pub scores: Vec<u64>,
    /// Options by score, highest first; equal scores tie.
    pub ranking: Tiers,
    /// The first tier.
    pub winners: Vec<usize>,
}

/// The Borda count over all options of `matrix` (spec §13). Fails if a
/// score overflows `u64`.
pub fn borda(matrix: &PairwiseMatrix) -> Result<BordaResult> {
    let scores = matrix
        .rows()
        .iter()
        .map(|row| {
            row.iter()
                .try_fold(0u64, |s, &v| s.checked_add(v))
                .ok_or(ResultError::Overflow("borda score"))
        })
        .collect::<Result<Vec<u64>>>()?;
    let ranking = tiers_by_value(&scores, Better::Higher);
    let winners = ranking.first().cloned().unwrap_or_default();
    Ok(BordaResult {
        scores,
        ranking,
        winners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::pairwise::RankedBallot;

    #[test]
    fn classic_borda_for_strict_rankings() {
        // 3 voters 0>1>2, 2 voters 2>1>0: classic points 0: 6, 1: 5, 2: 4.
        let b = |weight, order: [usize; 3]| RankedBallot {
            weight,
            tiers: order.iter().map(|&o| vec![o]).collect(),
        };
        let m = PairwiseMatrix::from_ballots(3, &[b(3, [0, 1, 2]), b(2, [2, 1, 0])]).unwrap();
        let r = borda(&m).unwrap();
        assert_eq!(r.scores, vec![6, 5, 4]);
        assert_eq!(r.winners, vec![0]);
    }

    #[test]
    fn overflow_is_an_error() {
        let m = PairwiseMatrix::new(vec![vec![0, u64::MAX, 1], vec![0; 3], vec![0; 3]]).unwrap();
        assert!(borda(&m).is_err());
    }
}
