//! Schulze method by winning votes, strongest-path formulation
//! (spec `results.md` §10).
//!
//! Rule: after the default-option rules (§9), a link `a → b` between
//! eligible options exists when `a` defeats `b`, with the strength
//! `(N[a][b], N[b][a])` ordered by winning votes, then fewer losing votes
//! (§8.3). `d[a][b]` is the strength of the strongest path from `a` to `b`,
//! a path being as strong as its weakest link (§10.2). `a` beats `b` in the
//! Schulze order iff `d[a][b] > d[b][a]`, no path counting as weaker than
//! every path. The ranking is the list of layers of that order (§10.3); the
//! winners are the first layer: the options no option beats (§10.4). The
//! winners equal those of Debian's Schwartz-set procedure (§11.2,
//! [`super::debian`]). Ties are reported as ties.

use serde::{Deserialize, Serialize};

use super::default_option::{eligibility, Eligibility, RankedRules};
use super::error::Result;
use super::pairwise::{PairwiseMatrix, Strength};
use super::tiers::Tiers;

/// Strongest-path matrix: `paths[a][b]` is the strength of the strongest
/// path from `a` to `b` among eligible options, `None` on the diagonal,
/// where there is no path, and in the rows and columns of dropped options
/// (spec §10.2).
pub type PathMatrix = Vec<Vec<Option<Strength>>>;

/// Result of the Schulze method (spec §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchulzeResult {
    /// Options dropped by the default-option rules, and those left (§9).
    pub eligibility: Eligibility,
    /// The strongest-path matrix `d` (§10.2).
    pub strongest_paths: PathMatrix,
    /// Layers of the Schulze order over the eligible options, best first
    /// (§10.3).
    pub ranking: Tiers,
    /// The first layer (§10.4).
    pub winners: Vec<usize>,
}

impl SchulzeResult {
    /// Whether `a` beats `b` in the Schulze order: `d[a][b] > d[b][a]`
    /// (spec §10.3). `false` for out-of-range indices.
    pub fn beats(&self, a: usize, b: usize) -> bool {
        beats(&self.strongest_paths, a, b)
    }
}

fn entry(p: &PathMatrix, a: usize, b: usize) -> Option<Strength> {
    p.get(a).and_then(|r| r.get(b)).copied().flatten()
}

fn beats(p: &PathMatrix, a: usize, b: usize) -> bool {
    // `Option` orders `None` below every `Some`: no path is the weakest.
    entry(p, a, b) > entry(p, b, a)
}

/// Strongest paths among the options `eligible` (spec §10.1, §10.2): a
/// Floyd–Warshall widest-path computation. `eligible` must hold valid,
/// distinct indices (as [`eligibility`] returns); others are ignored.
pub fn strongest_paths(matrix: &PairwiseMatrix, eligible: &[usize]) -> PathMatrix {
    let n = matrix.options();
    let mut is_eligible = vec![false; n];
    for &e in eligible {
        if e < n {
            is_eligible[e] = true;
        }
    }
    let el: Vec<usize> = (0..n).filter(|&i| is_eligible[i]).collect();
    let mut p: PathMatrix = vec![vec![None; n]; n];
    for &a in &el {
        for &b in &el {
            if a != b {
                p[a][b] = matrix.defeat(a, b);
            }
        }
    }
    for &k in &el {
        for &i in &el {
            if i == k {
                continue;
            }
            let ik = p[i][k];
            if ik.is_none() {
                continue;
            }
            for &j in &el {
                if j == i || j == k {
                    continue;
                }
                let via = ik.min(p[k][j]);
                if via > p[i][j] {
                    p[i][j] = via;
                }
            }
        }
    }
    p
}

/// Layers of the strict order `beats` over `options` (spec §10.3): the first
/// layer holds the options beaten by none of `options`, the next those
/// beaten by none of the rest, and so on.
pub(crate) fn layers(options: &[usize], beats: impl Fn(usize, usize) -> bool) -> Tiers {
    let mut remaining: Vec<usize> = options.to_vec();
    remaining.sort_unstable();
    let mut tiers = Tiers::new();
    while !remaining.is_empty() {
        let tier: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&a| !remaining.iter().any(|&b| beats(b, a)))
            .collect();
        if tier.is_empty() {
            // Unreachable for a transitive order (every finite strict
            // partial order has a maximal element); kept so that no input
            // can loop forever.
            tiers.push(remaining);
            break;
        }
        remaining.retain(|a| !tier.contains(a));
        tiers.push(tier);
    }
    tiers
}

/// The Schulze method by winning votes over `matrix` under `rules`
/// (spec §10).
pub fn schulze(matrix: &PairwiseMatrix, rules: &RankedRules) -> Result<SchulzeResult> {
    let eligibility = eligibility(matrix, rules)?;
    let strongest_paths = strongest_paths(matrix, &eligibility.eligible);
    let ranking = layers(&eligibility.eligible, |a, b| beats(&strongest_paths, a, b));
    let winners = ranking.first().cloned().unwrap_or_default();
    Ok(SchulzeResult {
        eligibility,
        strongest_paths,
        ranking,
        winners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_option_wins() {
        let m = PairwiseMatrix::new(vec![vec![0]]).unwrap();
        let r = schulze(&m, &RankedRules::none()).unwrap();
        assert_eq!(r.winners, vec![0]);
        assert_eq!(r.strongest_paths, vec![vec![None]]);
    }

    #[test]
    fn condorcet_order_is_the_ranking() {
        // 2 > 0 > 1, all defeats direct.
        let m = PairwiseMatrix::new(vec![vec![0, 6, 4], vec![3, 0, 2], vec![5, 7, 0]]).unwrap();
        let r = schulze(&m, &RankedRules::none()).unwrap();
        assert_eq!(r.ranking, vec![vec![2], vec![0], vec![1]]);
        assert!(r.beats(2, 1) && !r.beats(1, 2) && !r.beats(0, 9));
    }

    #[test]
    fn layering_handles_incomparable_options() {
        // 0 beats 1 only; 2 is incomparable with both: layers {0,2}, {1}.
        let t = layers(&[0, 1, 2], |a, b| a == 0 && b == 1);
        assert_eq!(t, vec![vec![0, 2], vec![1]]);
    }
}
