//! Properties of the ranked methods over random inputs (spec `results.md`
//! §8–§13): the two Schulze formulations agree, a Condorcet winner always
//! wins, and results commute with relabelling the options.

use proptest::prelude::*;
use psephos_crypto::results::{
    borda, copeland, debian_schwartz, schulze, DefaultOption, Majority, PairwiseMatrix,
    RankedBallot, RankedRules,
};

/// A weak order over `n` options from a rank per option; rank `n` means
/// unlisted (tied below every listed option).
fn ballot(weight: u64, ranks: &[usize]) -> RankedBallot {
    let n = ranks.len();
    let mut levels: Vec<usize> = ranks.iter().copied().filter(|&r| r < n).collect();
    levels.sort_unstable();
    levels.dedup();
    let tiers = levels
        .iter()
        .map(|&l| (0..n).filter(|&o| ranks[o] == l).collect())
        .collect();
    RankedBallot { weight, tiers }
}

/// Random weak-order ballots over 2..=6 options.
fn ballots() -> impl Strategy<Value = (usize, Vec<RankedBallot>)> {
    (2usize..=6).prop_flat_map(|n| {
        let one = (1u64..=4, prop::collection::vec(0..=n, n)).prop_map(|(w, r)| ballot(w, &r));
        (Just(n), prop::collection::vec(one, 0..12))
    })
}

/// Arbitrary matrices (not necessarily from ballots) over 1..=7 options.
fn matrices() -> impl Strategy<Value = PairwiseMatrix> {
    (1usize..=7).prop_flat_map(|n| {
        prop::collection::vec(0u64..6, n * n).prop_map(move |cells| {
            let rows = (0..n)
                .map(|a| {
                    (0..n)
                        .map(|b| if a == b { 0 } else { cells[a * n + b] })
                        .collect()
                })
                .collect();
            PairwiseMatrix::new(rows).unwrap()
        })
    })
}

/// Random default-option rules for `n` options.
fn rules(n: usize) -> impl Strategy<Value = RankedRules> {
    let majority = prop_oneof![
        Just(None),
        Just(Some(Majority::simple())),
        Just(Some(Majority::two_thirds())),
        Just(Some(Majority::ratio(3, 1).unwrap())),
    ];
    (
        any::<bool>(),
        0..n,
        prop::option::of(0u64..8),
        prop::collection::vec(majority, n),
    )
        .prop_map(|(some, d, quorum, mut majorities)| {
            majorities[d] = None;
            RankedRules {
                default_option: some.then_some(DefaultOption {
                    option: d,
                    quorum,
                    majorities,
                }),
            }
        })
}

fn permute_matrix(m: &PairwiseMatrix, perm: &[usize]) -> PairwiseMatrix {
    let n = m.options();
    let mut rows = vec![vec![0; n]; n];
    for a in 0..n {
        for b in 0..n {
            rows[perm[a]][perm[b]] = m.get(a, b).unwrap();
        }
    }
    PairwiseMatrix::new(rows).unwrap()
}

fn permute_rules(r: &RankedRules, perm: &[usize]) -> RankedRules {
    RankedRules {
        default_option: r.default_option.as_ref().map(|d| {
            let mut majorities = vec![None; perm.len()];
            for (o, m) in d.majorities.iter().enumerate() {
                majorities[perm[o]] = *m;
            }
            DefaultOption {
                option: perm[d.option],
                quorum: d.quorum,
                majorities,
            }
        }),
    }
}

fn permute_tiers(tiers: &[Vec<usize>], perm: &[usize]) -> Vec<Vec<usize>> {
    tiers
        .iter()
        .map(|t| {
            let mut t: Vec<usize> = t.iter().map(|&o| perm[o]).collect();
            t.sort_unstable();
            t
        })
        .collect()
}

fn matrix_and_rules() -> impl Strategy<Value = (PairwiseMatrix, RankedRules)> {
    prop_oneof![
        ballots().prop_map(|(n, b)| PairwiseMatrix::from_ballots(n, &b).unwrap()),
        matrices(),
    ]
    .prop_flat_map(|m| {
        let n = m.options();
        (Just(m), rules(n))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn strongest_paths_and_debian_procedure_agree((m, r) in matrix_and_rules()) {
        let s = schulze(&m, &r).unwrap();
        let d = debian_schwartz(&m, &r).unwrap();
        prop_assert_eq!(&s.winners, &d.winners);
        prop_assert_eq!(&s.eligibility, &d.eligibility);
        prop_assert!(!s.winners.is_empty());
    }

    #[test]
    fn schulze_order_is_transitive_and_ranking_consistent((m, r) in matrix_and_rules()) {
        let s = schulze(&m, &r).unwrap();
        let n = m.options();
        let tier_of = |o: usize| s.ranking.iter().position(|t| t.contains(&o));
        let mut ranked: Vec<usize> = s.ranking.concat();
        ranked.sort_unstable();
        prop_assert_eq!(&ranked, &s.eligibility.eligible);
        for a in 0..n {
            prop_assert!(!s.beats(a, a));
            for b in 0..n {
                if s.beats(a, b) {
                    prop_assert!(!s.beats(b, a));
                    prop_assert!(tier_of(a) < tier_of(b));
                    for c in 0..n {
                        if s.beats(b, c) {
                            prop_assert!(s.beats(a, c));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_condorcet_winner_wins((n, b) in ballots()) {
        let m = PairwiseMatrix::from_ballots(n, &b).unwrap();
        if let Some(cw) = (0..n).find(|&o| m.is_condorcet_winner(o)) {
            let none = RankedRules::none();
            prop_assert_eq!(schulze(&m, &none).unwrap().winners, vec![cw]);
            prop_assert_eq!(debian_schwartz(&m, &none).unwrap().winners, vec![cw]);
            prop_assert_eq!(copeland(&m).winners, vec![cw]);
        }
    }

    #[test]
    fn results_commute_with_relabelling(
        (m, r, perm) in matrix_and_rules().prop_flat_map(|(m, r)| {
            let n = m.options();
            (Just(m), Just(r), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        })
    ) {
        let pm = permute_matrix(&m, &perm);
        let pr = permute_rules(&r, &perm);
        let s = schulze(&m, &r).unwrap();
        let ps = schulze(&pm, &pr).unwrap();
        prop_assert_eq!(permute_tiers(&s.ranking, &perm), ps.ranking.clone());
        let n = m.options();
        for a in 0..n {
            for b in 0..n {
                prop_assert_eq!(s.strongest_paths[a][b], ps.strongest_paths[perm[a]][perm[b]]);
            }
        }
        let mut dropped: Vec<usize> = s.eligibility.dropped.iter().map(|d| perm[d.option]).collect();
        dropped.sort_unstable();
        let pdropped: Vec<usize> = ps.eligibility.dropped.iter().map(|d| d.option).collect();
        prop_assert_eq!(dropped, pdropped);
        let d = debian_schwartz(&m, &r).unwrap();
        let pd = debian_schwartz(&pm, &pr).unwrap();
        prop_assert_eq!(permute_tiers(&[d.winners], &perm), vec![pd.winners]);
        prop_assert_eq!(
            permute_tiers(&copeland(&m).ranking, &perm),
            copeland(&pm).ranking
        );
        prop_assert_eq!(
            permute_tiers(&borda(&m).unwrap().ranking, &perm),
            borda(&pm).unwrap().ranking
        );
    }

    #[test]
    fn results_are_deterministic((m, r) in matrix_and_rules()) {
        prop_assert_eq!(schulze(&m, &r).unwrap(), schulze(&m, &r).unwrap());
        prop_assert_eq!(debian_schwartz(&m, &r).unwrap(), debian_schwartz(&m, &r).unwrap());
        let json = serde_json::to_string(&schulze(&m, &r).unwrap()).unwrap();
        let back: psephos_crypto::results::SchulzeResult = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, schulze(&m, &r).unwrap());
    }
}
