//! Schulze method as Debian's constitution §A.6 states it: Schwartz set and
//! dropping of the weakest defeats (spec `results.md` §11).
//!
//! Rule: after the default-option rules (§9), the defeats among eligible
//! options are listed (`a` defeats `b` iff `N[a][b] > N[b][a]`). Repeat:
//! compute the Schwartz set of the undropped defeats (the options `a` such
//! that every option transitively defeating `a` is transitively defeated by
//! `a`); if no undropped defeat joins two members of the Schwartz set, the
//! Schwartz set is the set of winners; otherwise drop every such defeat of
//! the weakest strength (§8.3: fewer winning votes, or equal winning votes
//! and more losing votes, is weaker) and repeat. Several winners are a tie,
//! reported as such (Debian's casting vote is not modelled). The winners
//! always equal the first layer of [`super::schulze`] (§11.2).

use serde::{Deserialize, Serialize};

use super::default_option::{eligibility, Eligibility, RankedRules};
use super::error::Result;
use super::pairwise::{PairwiseMatrix, Strength};

/// A pairwise defeat with its strength (spec §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defeat {
    /// The option that wins the pairwise contest.
    pub winner: usize,
    /// The option that loses it.
    pub loser: usize,
    /// `(N[winner][loser], N[loser][winner])`.
    pub strength: Strength,
}

/// One pass of the procedure (spec §11.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchwartzRound {
    /// The Schwartz set of the undropped defeats, increasing.
    pub schwartz_set: Vec<usize>,
    /// The weakest defeats inside it, dropped after this round (ordered by
    /// winner, then loser); empty in the last round.
    pub dropped_defeats: Vec<Defeat>,
}

/// Result of the Debian procedure (spec §11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebianResult {
    /// Options dropped by the default-option rules, and those left (§9).
    pub eligibility: Eligibility,
    /// Every pass, in order; the last one drops nothing.
    pub rounds: Vec<SchwartzRound>,
    /// The final Schwartz set: the winners.
    pub winners: Vec<usize>,
}

/// Schwartz set of the defeat relation `defeats` (an n×n adjacency matrix)
/// restricted to `options` (spec §11.1).
fn schwartz_set(options: &[usize], defeats: &[Vec<bool>]) -> Vec<usize> {
    // reach[a][b]: a transitively defeats b (Warshall's closure).
    let mut reach: Vec<Vec<bool>> = defeats.to_vec();
    for &k in options {
        for &i in options {
            if !reach[i][k] {
                continue;
            }
            for &j in options {
                if reach[k][j] {
                    reach[i][j] = true;
                }
            }
        }
    }
    let mut set: Vec<usize> = options
        .iter()
        .copied()
        .filter(|&a| {
            options
                .iter()
                .all(|&b| b == a || reach[a][b] || !reach[b][a])
        })
        .collect();
    set.sort_unstable();
    set
}

/// Debian's §A.6 procedure over `matrix` under `rules` (spec §11.1).
pub fn debian_schwartz(matrix: &PairwiseMatrix, rules: &RankedRules) -> Result<DebianResult> {
    let eligibility = eligibility(matrix, rules)?;
    let n = matrix.options();
    let el = &eligibility.eligible;
    let mut defeats = vec![vec![false; n]; n];
    for &a in el {
        for &b in el {
            defeats[a][b] = a != b && matrix.defeat(a, b).is_some();
        }
    }
    let mut rounds = Vec::new();
    // Spec §11.1 recomputes the Schwartz set over all eligible options. No
    // defeat ever enters the Schwartz set from outside it, and only defeats
    // inside it are dropped, so the next Schwartz set lies inside the current
    // one and can be computed on it alone (same result, less work).
    let mut current: Vec<usize> = el.clone();
    loop {
        let set = schwartz_set(&current, &defeats);
        let inside: Vec<Defeat> = set
            .iter()
            .flat_map(|&a| set.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| defeats[a][b])
            .filter_map(|(a, b)| {
                matrix.defeat(a, b).map(|strength| Defeat {
                    winner: a,
                    loser: b,
                    strength,
                })
            })
            .collect();
        let Some(weakest) = inside.iter().map(|d| d.strength).min() else {
            rounds.push(SchwartzRound {
                schwartz_set: set.clone(),
                dropped_defeats: Vec::new(),
            });
            return Ok(DebianResult {
                eligibility,
                rounds,
                winners: set,
            });
        };
        let dropped: Vec<Defeat> = inside
            .into_iter()
            .filter(|d| d.strength == weakest)
            .collect();
        for d in &dropped {
            defeats[d.winner][d.loser] = false;
        }
        rounds.push(SchwartzRound {
            schwartz_set: set.clone(),
            dropped_defeats: dropped,
        });
        current = set;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_cycle_drops_weakest() {
        // 0 > 1 (8:4), 1 > 2 (9:3), 2 > 0 (7:5): the weakest defeat is 2 > 0.
        let m = PairwiseMatrix::new(vec![vec![0, 8, 5], vec![4, 0, 9], vec![7, 3, 0]]).unwrap();
        let r = debian_schwartz(&m, &RankedRules::none()).unwrap();
        assert_eq!(r.winners, vec![0]);
        assert_eq!(r.rounds.len(), 2);
        assert_eq!(r.rounds[0].schwartz_set, vec![0, 1, 2]);
        assert_eq!(r.rounds[0].dropped_defeats.len(), 1);
        assert_eq!(r.rounds[0].dropped_defeats[0].winner, 2);
        assert_eq!(r.rounds[1].schwartz_set, vec![0]);
    }

    #[test]
    fn largest_input_agrees_with_strongest_paths() {
        // 64 options, all defeat strengths distinct, a cycle through all of
        // them plus many chords: the worst case for the number of rounds.
        let n = crate::results::MAX_RANKED_OPTIONS;
        // For a < b: (a, b) has votes (w, l), oriented by (a + b) mod 3.
        let votes = |a: usize, b: usize| {
            let k = (a * n + b) as u64;
            (10_000 + (k * 7919) % 9973, (k * 104_729) % 9967)
        };
        let cell = |a: usize, b: usize| -> u64 {
            let (lo, hi) = (a.min(b), a.max(b));
            let (w, l) = votes(lo, hi);
            let lo_wins = (lo + hi) % 3 == 0;
            match (a == b, a == lo, lo_wins) {
                (true, _, _) => 0,
                (false, true, true) | (false, false, false) => w,
                _ => l,
            }
        };
        let rows = (0..n)
            .map(|a| (0..n).map(|b| cell(a, b)).collect())
            .collect();
        let m = PairwiseMatrix::new(rows).unwrap();
        let d = debian_schwartz(&m, &RankedRules::none()).unwrap();
        let s = crate::results::schulze(&m, &RankedRules::none()).unwrap();
        assert_eq!(d.winners, s.winners);
        assert!(d.rounds.len() > 1);
    }

    #[test]
    fn equal_weakest_defeats_drop_together() {
        // A perfectly symmetric cycle: all three defeats drop at once.
        let m = PairwiseMatrix::new(vec![vec![0, 2, 1], vec![1, 0, 2], vec![2, 1, 0]]).unwrap();
        let r = debian_schwartz(&m, &RankedRules::none()).unwrap();
        assert_eq!(r.winners, vec![0, 1, 2]);
        assert_eq!(r.rounds[0].dropped_defeats.len(), 3);
        assert_eq!(r.rounds.len(), 2);
    }
}
