//! Systemic consensus and score voting (spec `results.md` §6, §7).

use psephos_crypto::results::{
    score, systemic_consensus, AcceptanceBase, ConsensusResult, Rational,
};

/// Five members rate four options 0..10 (resistance). Option 0 is the
/// passive solution ("keep the current rules").
const BALLOTS: [[u64; 4]; 5] = [
    [8, 2, 5, 0],
    [6, 0, 3, 8],
    [10, 4, 1, 3],
    [5, 3, 2, 4],
    [7, 6, 4, 1],
];

fn totals() -> Vec<u64> {
    (0..4).map(|o| BALLOTS.iter().map(|b| b[o]).sum()).collect()
}

fn figures(r: &ConsensusResult) -> Vec<(String, String)> {
    r.options
        .iter()
        .map(|o| {
            (
                o.mean_resistance.as_ref().unwrap().display.clone(),
                o.acceptance.as_ref().unwrap().percent.clone(),
            )
        })
        .collect()
}

#[test]
fn worked_example_with_passive_solution() {
    assert_eq!(totals(), vec![36, 15, 15, 16]);
    let r = systemic_consensus(&totals(), 5, 10, Some(0)).unwrap();
    assert_eq!(
        r.acceptance_base,
        AcceptanceBase::PassiveSolution {
            option: 0,
            resistance: 36
        }
    );
    // Options 1 and 2 tie for the least resistance: both reported, none chosen.
    assert_eq!(r.winners, vec![1, 2]);
    assert_eq!(r.ranking, vec![vec![1, 2], vec![3], vec![0]]);
    // Mean 36/5 = 7.2, 15/5 = 3, 16/5 = 3.2; acceptance (36 − R) / 36:
    // 21/36 = 7/12 = 58.333… %, 20/36 = 5/9 = 55.555… %.
    assert_eq!(
        figures(&r),
        vec![
            ("7.20".into(), "0.00".into()),
            ("3.00".into(), "58.33".into()),
            ("3.00".into(), "58.33".into()),
            ("3.20".into(), "55.56".into()),
        ]
    );
    assert_eq!(
        r.options[1].acceptance.as_ref().unwrap().share,
        Rational::new(7, 12).unwrap()
    );
    assert_eq!(
        r.options[3].mean_resistance.as_ref().unwrap().exact,
        Rational::new(16, 5).unwrap()
    );
}

#[test]
fn worse_than_the_status_quo_is_negative_acceptance() {
    // A fifth option resisted more (40) than the passive solution (36).
    let mut t = totals();
    t.push(40);
    let r = systemic_consensus(&t, 5, 10, Some(0)).unwrap();
    let acc = r.options[4].acceptance.as_ref().unwrap();
    assert_eq!(acc.share, Rational::new(-1, 9).unwrap());
    assert_eq!(acc.percent, "-11.11");
    assert_eq!(r.ranking.last().unwrap(), &vec![4]);
}

#[test]
fn without_passive_solution_acceptance_is_relative_to_maximum() {
    let r = systemic_consensus(&totals(), 5, 10, None).unwrap();
    assert_eq!(
        r.acceptance_base,
        AcceptanceBase::MaximumResistance { resistance: 50 }
    );
    // (50 − R) / 50 = 1 − mean / 10.
    let acc: Vec<String> = figures(&r).into_iter().map(|(_, a)| a).collect();
    assert_eq!(acc, vec!["28.00", "70.00", "70.00", "68.00"]);
    assert_eq!(r.winners, vec![1, 2]);
}

#[test]
fn passive_solution_can_win() {
    let r = systemic_consensus(&[3, 9, 3], 3, 10, Some(2)).unwrap();
    assert_eq!(r.winners, vec![0, 2]);
    let r = systemic_consensus(&[4, 9, 3], 3, 10, Some(2)).unwrap();
    assert_eq!(r.winners, vec![2]);
}

#[test]
fn score_is_the_mirror_image() {
    // The same numbers read as points (higher is better).
    let r = score(&totals(), 5, 10).unwrap();
    assert_eq!(r.winners, vec![0]);
    assert_eq!(r.ranking, vec![vec![0], vec![3], vec![1, 2]]);
    assert_eq!(r.options[0].mean.as_ref().unwrap().display, "7.20");
    let r = score(&[15, 15, 2], 5, 10).unwrap();
    assert_eq!(r.winners, vec![0, 1]);
}

#[test]
fn totals_above_the_maximum_are_refused() {
    assert!(systemic_consensus(&[51, 0], 5, 10, None).is_err());
    assert!(score(&[51, 0], 5, 10).is_err());
    assert!(systemic_consensus(&[50, 0], 5, 10, Some(7)).is_err());
}

#[test]
fn result_round_trips() {
    let r = systemic_consensus(&totals(), 5, 10, Some(0)).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""kind":"passive_solution""#), "{json}");
    assert!(json.contains(r#""total_resistance":36"#), "{json}");
    assert_eq!(serde_json::from_str::<ConsensusResult>(&json).unwrap(), r);
    let extra = json.replacen(r#""voters""#, r#""extra":0,"voters""#, 1);
    assert!(serde_json::from_str::<ConsensusResult>(&extra).is_err());
}
