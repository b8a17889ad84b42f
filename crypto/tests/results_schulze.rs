//! Schulze (strongest paths and Debian's Schwartz procedure), Copeland and
//! Borda on worked examples (spec `results.md` §8–§13).

use psephos_crypto::results::{
    borda, copeland, debian_schwartz, schulze, PairwiseMatrix, RankedBallot, RankedRules, Strength,
};

/// Ballots given as strings of option letters, best first, all strict.
fn matrix(options: usize, ballots: &[(u64, &str)]) -> PairwiseMatrix {
    let ballots: Vec<RankedBallot> = ballots
        .iter()
        .map(|&(weight, order)| RankedBallot {
            weight,
            tiers: order.bytes().map(|c| vec![(c - b'A') as usize]).collect(),
        })
        .collect();
    PairwiseMatrix::from_ballots(options, &ballots).unwrap()
}

/// The 45-voter example of the Schulze method's Wikipedia article.
fn wikipedia() -> PairwiseMatrix {
    matrix(
        5,
        &[
            (5, "ACBED"),
            (5, "ADECB"),
            (8, "BEDAC"),
            (3, "CABED"),
            (7, "CAEBD"),
            (2, "CBADE"),
            (7, "DCEBA"),
            (8, "EBADC"),
        ],
    )
}

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;
const E: usize = 4;

#[test]
fn wikipedia_pairwise_matrix() {
    // The article's table of pairwise preferences d[*,*].
    assert_eq!(
        wikipedia().rows(),
        &[
            vec![0, 20, 26, 30, 22],
            vec![25, 0, 16, 33, 18],
            vec![19, 29, 0, 17, 24],
            vec![15, 12, 28, 0, 14],
            vec![23, 27, 21, 31, 0],
        ]
    );
}

#[test]
fn wikipedia_strongest_paths_and_ranking() {
    let r = schulze(&wikipedia(), &RankedRules::none()).unwrap();
    // The article's strongest-path table p[*,*] (winning votes).
    let published: [[u64; 5]; 5] = [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ];
    for (a, row) in published.iter().enumerate() {
        for (b, &expected) in row.iter().enumerate() {
            let got = r.strongest_paths[a][b].map(|s| s.winning).unwrap_or(0);
            assert_eq!(got, expected, "p[{a}][{b}]");
        }
    }
    // The losing-vote component of a few paths, worked by hand: the
    // strongest path A→D→C→B has the weakest link D→C (28:17); E→D is the
    // direct link (31:14); the only link into E is C→E (24:21), so every path
    // into E has that strength.
    assert_eq!(
        r.strongest_paths[A][B],
        Some(Strength {
            winning: 28,
            losing: 17
        })
    );
    assert_eq!(
        r.strongest_paths[E][D],
        Some(Strength {
            winning: 31,
            losing: 14
        })
    );
    assert_eq!(
        r.strongest_paths[A][E],
        Some(Strength {
            winning: 24,
            losing: 21
        })
    );
    assert_eq!(r.ranking, vec![vec![E], vec![A], vec![C], vec![B], vec![D]]);
    assert_eq!(r.winners, vec![E]);
    let d = debian_schwartz(&wikipedia(), &RankedRules::none()).unwrap();
    assert_eq!(d.winners, vec![E]);
    // There is no Condorcet winner: the first Schwartz set is everything.
    assert_eq!(d.rounds[0].schwartz_set, vec![A, B, C, D, E]);
}

#[test]
fn wikipedia_copeland_and_borda() {
    let c = copeland(&wikipedia());
    let scores: Vec<i64> = c.options.iter().map(|o| o.score).collect();
    assert_eq!(scores, vec![0, 0, 0, -2, 2]);
    assert_eq!(c.ranking, vec![vec![E], vec![A, B, C], vec![D]]);
    let b = borda(&wikipedia()).unwrap();
    assert_eq!(b.scores, vec![98, 92, 89, 69, 102]);
    assert_eq!(b.ranking, vec![vec![E], vec![A], vec![B], vec![C], vec![D]]);
}

#[test]
fn condorcet_cycle_is_resolved() {
    // A>B 6:3, B>C 7:2, C>A 5:4: a cycle whose weakest defeat is C>A.
    let m = matrix(3, &[(4, "ABC"), (3, "BCA"), (2, "CAB")]);
    assert_eq!(m.rows(), &[vec![0, 6, 4], vec![3, 0, 7], vec![5, 2, 0]]);
    assert!((0..3).all(|o| !m.is_condorcet_winner(o)));
    let r = schulze(&m, &RankedRules::none()).unwrap();
    assert_eq!(r.ranking, vec![vec![A], vec![B], vec![C]]);
    let d = debian_schwartz(&m, &RankedRules::none()).unwrap();
    assert_eq!(d.winners, vec![A]);
    assert_eq!(d.rounds[0].dropped_defeats.len(), 1);
    assert_eq!(
        (
            d.rounds[0].dropped_defeats[0].winner,
            d.rounds[0].dropped_defeats[0].loser
        ),
        (C, A)
    );
    // Copeland cannot separate a 3-cycle.
    assert_eq!(copeland(&m).ranking, vec![vec![A, B, C]]);
}

#[test]
fn symmetric_cycle_is_a_tie() {
    let m = matrix(3, &[(1, "ABC"), (1, "BCA"), (1, "CAB")]);
    let r = schulze(&m, &RankedRules::none()).unwrap();
    assert_eq!(r.ranking, vec![vec![A, B, C]]);
    assert_eq!(r.winners, vec![A, B, C]);
    let d = debian_schwartz(&m, &RankedRules::none()).unwrap();
    assert_eq!(d.winners, vec![A, B, C]);
    // All three equal defeats are dropped in one round.
    assert_eq!(d.rounds[0].dropped_defeats.len(), 3);
}

#[test]
fn no_preferences_is_a_tie() {
    let m = PairwiseMatrix::from_ballots(
        4,
        &[RankedBallot {
            weight: 9,
            tiers: vec![],
        }],
    )
    .unwrap();
    let r = schulze(&m, &RankedRules::none()).unwrap();
    assert_eq!(r.ranking, vec![vec![0, 1, 2, 3]]);
    assert!(r.strongest_paths.iter().flatten().all(Option::is_none));
    assert_eq!(
        debian_schwartz(&m, &RankedRules::none()).unwrap().winners,
        vec![0, 1, 2, 3]
    );
}

#[test]
fn ranking_ties_below_the_top() {
    // A first for everyone; B and C tied on every ballot.
    let m = PairwiseMatrix::from_ballots(
        3,
        &[RankedBallot {
            weight: 3,
            tiers: vec![vec![A], vec![B, C]],
        }],
    )
    .unwrap();
    let r = schulze(&m, &RankedRules::none()).unwrap();
    assert_eq!(r.ranking, vec![vec![A], vec![B, C]]);
    assert_eq!(r.winners, vec![A]);
}

#[test]
fn ranked_results_round_trip_and_reject_unknown_fields() {
    use psephos_crypto::results::{DebianResult, SchulzeResult};
    let s = schulze(&wikipedia(), &RankedRules::none()).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains(r#""strongest_paths":[[null,{"winning":28,"losing":17}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<SchulzeResult>(&json).unwrap(), s);
    let extra = json.replacen(r#""winners""#, r#""casting_vote":0,"winners""#, 1);
    assert!(serde_json::from_str::<SchulzeResult>(&extra).is_err());
    let d = debian_schwartz(&wikipedia(), &RankedRules::none()).unwrap();
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<DebianResult>(&json).unwrap(), d);
    let extra = json.replacen(r#""winner":"#, r#""note":"x","winner":"#, 1);
    assert!(serde_json::from_str::<DebianResult>(&extra).is_err());
}
