//! Plurality, k-of-n and approval (spec `results.md` §5).

use psephos_crypto::results::{approval, plurality, ChoiceResult};

#[test]
fn single_choice_tie_at_the_top_is_reported() {
    let r = plurality(&[120, 80, 120, 30], 350, 1, 1).unwrap();
    assert_eq!(r.ranking, vec![vec![0, 2], vec![1], vec![3]]);
    assert!(r.seats.elected.is_empty());
    assert_eq!(r.seats.tied_at_cut, vec![0, 2]);
    assert_eq!(r.seats.seats_for_tied, 1);
    // 120 / 350 = 34.2857… %.
    assert_eq!(
        r.options[0].share_of_ballots.as_ref().unwrap().percent,
        "34.29"
    );
    assert_eq!(
        r.options[3].share_of_ballots.as_ref().unwrap().percent,
        "8.57"
    );
}

#[test]
fn seats_fill_tier_by_tier() {
    let votes = [120, 80, 120, 30, 80];
    let two = plurality(&votes, 350, 2, 2).unwrap();
    assert_eq!(two.seats.elected, vec![0, 2]);
    assert!(two.seats.tied_at_cut.is_empty());
    let three = plurality(&votes, 350, 2, 3).unwrap();
    assert_eq!(three.seats.elected, vec![0, 2]);
    assert_eq!(three.seats.tied_at_cut, vec![1, 4]);
    assert_eq!(three.seats.seats_for_tied, 1);
    let four = plurality(&votes, 350, 2, 4).unwrap();
    assert_eq!(four.seats.elected, vec![0, 2, 1, 4]);
    let six = plurality(&votes, 350, 2, 6).unwrap();
    assert_eq!(six.seats.unfilled, 1);
}

#[test]
fn approval_counts_and_limits() {
    let r = approval(&[40, 55, 12], 60, 1).unwrap();
    assert_eq!(r.seats.elected, vec![1]);
    assert_eq!(
        r.options[1].share_of_ballots.as_ref().unwrap().percent,
        "91.67"
    );
    // No option can be approved by more ballots than were counted.
    assert!(approval(&[61, 0, 0], 60, 1).is_err());
    // k-of-n: 2 marks per ballot at most.
    assert!(plurality(&[60, 60, 1], 60, 2, 1).is_err());
    assert!(plurality(&[60, 60, 0], 60, 2, 1).is_ok());
}

#[test]
fn result_round_trips() {
    let r = plurality(&[3, 1], 4, 1, 1).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        json.contains(r#""method":{"kind":"plurality","max_choices":1}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<ChoiceResult>(&json).unwrap(), r);
}

#[test]
fn approval_method_is_tagged_and_strict() {
    let r = approval(&[3, 1], 4, 1).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""method":{"kind":"approval"}"#), "{json}");
    assert_eq!(serde_json::from_str::<ChoiceResult>(&json).unwrap(), r);
    let extra = json.replace(r#"{"kind":"approval"}"#, r#"{"kind":"approval","k":2}"#);
    assert!(serde_json::from_str::<ChoiceResult>(&extra).is_err());
}
