//! Copeland's method from the pairwise matrix (spec `results.md` §12).
//!
//! Rule: for each option `a`, `wins` counts the options `b` with
//! `N[a][b] > N[b][a]`, `losses` those with `N[a][b] < N[b][a]`, `ties` the
//! other options `b ≠ a` with equality. The Copeland score is
//! `wins − losses`; options are ranked by score, highest first, equal scores
//! tying. Since `wins + losses + ties = n − 1`, ranking by the other common
//! convention `wins + ½ ties` gives the same order
//! (`2·(wins + ½ ties) = (n − 1) + (wins − losses)`).

use serde::{Deserialize, Serialize};

use super::pairwise::PairwiseMatrix;
use super::tiers::{tiers_by_value, Better, Tiers};

/// One option's pairwise record (spec §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopelandScore {
    /// Option index.
    pub option: usize,
    /// Pairwise contests won.
    pub wins: u64,
    /// Pairwise contests lost.
    pub losses: u64,
    /// Pairwise contests tied.
    pub ties: u64,
    /// `wins − losses`.
    pub score: i64,
}

/// Result of Copeland's method (spec §12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopelandResult {
    /// Per option, in option order.
    pub options: Vec<CopelandScore>,
    /// Options by score, highest first; equal scores tie.
    pub ranking: Tiers,
    /// The first tier.
    pub winners: Vec<usize>,
}

/// Copeland's method over all options of `matrix` (spec §12).
pub fn copeland(matrix: &PairwiseMatrix) -> CopelandResult {
    let n = matrix.options();
    let options: Vec<CopelandScore> = (0..n)
        .map(|a| {
            let (mut wins, mut losses, mut ties) = (0u64, 0u64, 0u64);
            for b in (0..n).filter(|&b| b != a) {
                match matrix.at(a, b).cmp(&matrix.at(b, a)) {
                    core::cmp::Ordering::Greater => wins += 1,
                    core::cmp::Ordering::Less => losses += 1,
                    core::cmp::Ordering::Equal => ties += 1,
                }
            }
            CopelandScore {
                option: a,
                wins,
                losses,
                ties,
                // n <= MAX_RANKED_OPTIONS, so both fit in i64.
                score: wins as i64 - losses as i64,
            }
        })
        .collect();
    let scores: Vec<i64> = options.iter().map(|o| o.score).collect();
    let ranking = tiers_by_value(&scores, Better::Higher);
    let winners = ranking.first().cloned().unwrap_or_default();
    CopelandResult {
        options,
        ranking,
        winners,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_wins_losses_ties() {
        // 0 beats 1, ties 2; 1 beats 2.
        let m = PairwiseMatrix::new(vec![vec![0, 5, 3], vec![2, 0, 4], vec![3, 1, 0]]).unwrap();
        let r = copeland(&m);
        assert_eq!(
            (r.options[0].wins, r.options[0].losses, r.options[0].ties),
            (1, 0, 1)
        );
        assert_eq!(r.options[1].score, 0);
        assert_eq!(r.options[2].score, -1);
        assert_eq!(r.ranking, vec![vec![0], vec![1], vec![2]]);
    }
}
