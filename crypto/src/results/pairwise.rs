//! The pairwise matrix of a ranked question (spec `results.md` §8).
//!
//! `N[a][b]` is the weighted number of voters ranking option `a` strictly
//! above option `b`. It is what the homomorphic tally of a ranked question
//! decrypts to, and the only input of Schulze, Copeland and Borda.

use core::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::MAX_RANKED_OPTIONS;

/// A validated square pairwise matrix with a zero diagonal and between 1 and
/// [`MAX_RANKED_OPTIONS`] options (spec §8.1). In JSON it is the plain array
/// of rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Vec<u64>>", into = "Vec<Vec<u64>>")]
pub struct PairwiseMatrix {
    rows: Vec<Vec<u64>>,
}

impl TryFrom<Vec<Vec<u64>>> for PairwiseMatrix {
    type Error = ResultError;
    fn try_from(rows: Vec<Vec<u64>>) -> Result<Self> {
        PairwiseMatrix::new(rows)
    }
}

impl From<PairwiseMatrix> for Vec<Vec<u64>> {
    fn from(m: PairwiseMatrix) -> Self {
        m.rows
    }
}

/// One ranked ballot as a weak order (spec §8.2): `tiers` best first,
/// options in one tier tied, unlisted options tied below all listed ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedBallot {
    /// How many voters cast this ballot (or the voter's weight).
    pub weight: u64,
    /// Tiers of option indices, best first.
    pub tiers: Vec<Vec<usize>>,
}

/// The strength of a defeat or of a path (spec §8.3): winning votes first,
/// then fewer losing votes. `x > y` means `x` is the stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strength {
    /// Voters preferring the winner (`N[a][b]`).
    pub winning: u64,
    /// Voters preferring the loser (`N[b][a]`).
    pub losing: u64,
}

impl Ord for Strength {
    fn cmp(&self, other: &Self) -> Ordering {
        self.winning
            .cmp(&other.winning)
            .then_with(|| other.losing.cmp(&self.losing))
    }
}

impl PartialOrd for Strength {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub(crate) fn check_option_count(n: usize) -> Result<()> {
    if n == 0 {
        return Err(ResultError::NoOptions);
    }
    if n > MAX_RANKED_OPTIONS {
        return Err(ResultError::TooManyOptions {
            options: n,
            max: MAX_RANKED_OPTIONS,
        });
    }
    Ok(())
}

impl PairwiseMatrix {
    /// Validates `rows` as a pairwise matrix (spec §8.1).
    pub fn new(rows: Vec<Vec<u64>>) -> Result<Self> {
        let n = rows.len();
        check_option_count(n)?;
        for (row, r) in rows.iter().enumerate() {
            if r.len() != n {
                return Err(ResultError::NotSquare {
                    row,
                    expected: n,
                    found: r.len(),
                });
            }
            if r[row] != 0 {
                return Err(ResultError::NonZeroDiagonal {
                    option: row,
                    value: r[row],
                });
            }
        }
        Ok(PairwiseMatrix { rows })
    }

    /// Sums weak-order ballots over `options` options into a matrix
    /// (spec §8.2). Rejects out-of-range or repeated options, empty tiers
    /// and sums that overflow `u64`.
    pub fn from_ballots(options: usize, ballots: &[RankedBallot]) -> Result<Self> {
        check_option_count(options)?;
        let mut rows = vec![vec![0u64; options]; options];
        let mut rank = vec![0usize; options];
        for (index, ballot) in ballots.iter().enumerate() {
            let unlisted = ballot.tiers.len();
            rank.iter_mut().for_each(|r| *r = usize::MAX);
            for (t, tier) in ballot.tiers.iter().enumerate() {
                if tier.is_empty() {
                    return Err(ResultError::EmptyTier { ballot: index });
                }
                for &o in tier {
                    if o >= options {
                        return Err(ResultError::OptionOutOfRange { option: o, options });
                    }
                    if rank[o] != usize::MAX {
                        return Err(ResultError::DuplicateOption { option: o });
                    }
                    rank[o] = t;
                }
            }
            for r in rank.iter_mut().filter(|r| **r == usize::MAX) {
                *r = unlisted;
            }
            if ballot.weight == 0 {
                continue;
            }
            for a in 0..options {
                for b in 0..options {
                    if rank[a] < rank[b] {
                        rows[a][b] = rows[a][b]
                            .checked_add(ballot.weight)
                            .ok_or(ResultError::Overflow("pairwise matrix"))?;
                    }
                }
            }
        }
        Ok(PairwiseMatrix { rows })
    }

    /// Number of options `n`.
    pub fn options(&self) -> usize {
        self.rows.len()
    }

    /// `N[a][b]`, or `None` if an index is out of range.
    pub fn get(&self, a: usize, b: usize) -> Option<u64> {
        self.rows.get(a)?.get(b).copied()
    }

    /// The rows of the matrix.
    pub fn rows(&self) -> &[Vec<u64>] {
        &self.rows
    }

    /// `N[a][b]` for indices known to be in range.
    pub(crate) fn at(&self, a: usize, b: usize) -> u64 {
        self.rows[a][b]
    }

    /// The strength of the defeat of `b` by `a`, if `a` defeats `b`
    /// (`N[a][b] > N[b][a]`, spec §8.3).
    pub fn defeat(&self, a: usize, b: usize) -> Option<Strength> {
        let (w, l) = (self.get(a, b)?, self.get(b, a)?);
        (w > l).then_some(Strength {
            winning: w,
            losing: l,
        })
    }

    /// Whether `a` is a Condorcet winner: it defeats every other option.
    pub fn is_condorcet_winner(&self, a: usize) -> bool {
        a < self.options() && (0..self.options()).all(|b| b == a || self.defeat(a, b).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert_eq!(PairwiseMatrix::new(vec![]), Err(ResultError::NoOptions));
        assert!(matches!(
            PairwiseMatrix::new(vec![vec![0, 1], vec![2]]),
            Err(ResultError::NotSquare { row: 1, .. })
        ));
        assert!(matches!(
            PairwiseMatrix::new(vec![vec![0, 1], vec![2, 3]]),
            Err(ResultError::NonZeroDiagonal {
                option: 1,
                value: 3
            })
        ));
        let big = vec![vec![0; MAX_RANKED_OPTIONS + 1]; MAX_RANKED_OPTIONS + 1];
        assert!(PairwiseMatrix::new(big).is_err());
        assert!(serde_json::from_str::<PairwiseMatrix>("[[0,1],[1,1]]").is_err());
        let m: PairwiseMatrix = serde_json::from_str("[[0,1],[2,0]]").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "[[0,1],[2,0]]");
    }

    #[test]
    fn ballots_with_ties_and_unlisted() {
        let b = |weight, tiers: Vec<Vec<usize>>| RankedBallot { weight, tiers };
        let m = PairwiseMatrix::from_ballots(
            4,
            &[
                b(2, vec![vec![1], vec![0, 2]]),
                b(1, vec![vec![3]]),
                b(5, vec![]),
            ],
        )
        .unwrap();
        assert_eq!(
            m.rows(),
            &[
                vec![0, 0, 0, 2],
                vec![2, 0, 2, 2],
                vec![0, 0, 0, 2],
                vec![1, 1, 1, 0]
            ]
        );
        assert!(PairwiseMatrix::from_ballots(2, &[b(1, vec![vec![0], vec![0]])]).is_err());
        assert!(PairwiseMatrix::from_ballots(2, &[b(1, vec![vec![2]])]).is_err());
        assert!(PairwiseMatrix::from_ballots(2, &[b(1, vec![vec![]])]).is_err());
        assert!(PairwiseMatrix::from_ballots(
            2,
            &[b(u64::MAX, vec![vec![0]]), b(1, vec![vec![0]])]
        )
        .is_err());
    }

    #[test]
    fn strength_order() {
        let s = |winning, losing| Strength { winning, losing };
        assert!(s(10, 3) > s(9, 0));
        assert!(s(10, 3) > s(10, 4));
        assert_eq!(s(10, 3).cmp(&s(10, 3)), Ordering::Equal);
    }
}
