//! Yes / no / abstain results (spec `results.md` §3, §4).

use psephos_crypto::results::{
    yes_no, Majority, Quorum, Rational, YesNoOutcome, YesNoReason, YesNoRules, YesNoTally,
};

fn tally(yes: u64, no: u64, abstain: u64) -> YesNoTally {
    YesNoTally { yes, no, abstain }
}

fn simple(quorum: Option<Quorum>) -> YesNoRules {
    YesNoRules {
        quorum,
        majority: Majority::simple(),
    }
}

#[test]
fn members_vote_page_figures() {
    // 1525 yes, 98 no: "Yes 93.96 %, No 6.04 %".
    let r = yes_no(&tally(1525, 98, 40), &simple(None), None).unwrap();
    let yes = r.yes_percent.unwrap();
    let no = r.no_percent.unwrap();
    assert_eq!(yes.percent, "93.96");
    assert_eq!(no.percent, "6.04");
    assert_eq!(yes.share, Rational::new(1525, 1623).unwrap());
    assert_eq!(no.share, Rational::new(98, 1623).unwrap());
    assert_eq!(r.outcome, YesNoOutcome::Accepted);
    assert_eq!(r.reason, YesNoReason::MajorityReached);
    assert_eq!(r.majority.decisive, 1623);
    assert_eq!(r.quorum.participation, 1663);
}

#[test]
fn abstentions_are_not_in_the_percentage_base() {
    let few = yes_no(&tally(1525, 98, 0), &simple(None), None).unwrap();
    let many = yes_no(&tally(1525, 98, 100_000), &simple(None), None).unwrap();
    assert_eq!(few.yes_percent, many.yes_percent);
    assert_eq!(few.no_percent, many.no_percent);
    assert_eq!(many.outcome, YesNoOutcome::Accepted);
    // ... but they do count toward the quorum.
    let q = simple(Some(Quorum::Ballots { min: 1660 }));
    assert_eq!(
        yes_no(&tally(1525, 98, 40), &q, None).unwrap().outcome,
        YesNoOutcome::Accepted
    );
    assert_eq!(
        yes_no(&tally(1525, 98, 0), &q, None).unwrap().outcome,
        YesNoOutcome::QuorumNotMet
    );
}

#[test]
fn quorum_not_met_overrides_a_clear_majority() {
    let rules = simple(Some(Quorum::ShareOfElectorate { num: 1, den: 4 }));
    let r = yes_no(&tally(1525, 98, 40), &rules, Some(10_000)).unwrap();
    assert_eq!(r.outcome, YesNoOutcome::QuorumNotMet);
    assert_eq!(r.reason, YesNoReason::QuorumNotMet);
    assert_eq!(r.quorum.required, 2500);
    assert!(!r.quorum.met);
    // The majority is still reported, for information.
    assert!(r.majority.met);
}

#[test]
fn quorum_share_rounds_up() {
    // A quarter of 10 001 is 2500.25: 2500 ballots are not enough, 2501 are.
    let rules = simple(Some(Quorum::ShareOfElectorate { num: 1, den: 4 }));
    let below = yes_no(&tally(2000, 400, 100), &rules, Some(10_001)).unwrap();
    assert_eq!(below.quorum.required, 2501);
    assert_eq!(below.outcome, YesNoOutcome::QuorumNotMet);
    let at = yes_no(&tally(2000, 400, 101), &rules, Some(10_001)).unwrap();
    assert_eq!(at.outcome, YesNoOutcome::Accepted);
}

#[test]
fn two_thirds_exactly_at_the_threshold() {
    let at_least = YesNoRules {
        quorum: None,
        majority: Majority::two_thirds(),
    };
    let more_than = YesNoRules {
        quorum: None,
        majority: Majority {
            num: 2,
            den: 3,
            strict: true,
        },
    };
    // 200 of 300 is exactly two thirds.
    let exact = tally(200, 100, 7);
    assert_eq!(
        yes_no(&exact, &at_least, None).unwrap().outcome,
        YesNoOutcome::Accepted
    );
    let strict = yes_no(&exact, &more_than, None).unwrap();
    assert_eq!(strict.outcome, YesNoOutcome::Rejected);
    assert_eq!(strict.reason, YesNoReason::MajorityNotReached);
    assert_eq!(strict.yes_percent.unwrap().percent, "66.67");
    // One vote less fails both, one more passes both.
    for rules in [&at_least, &more_than] {
        assert_eq!(
            yes_no(&tally(199, 100, 0), rules, None).unwrap().outcome,
            YesNoOutcome::Rejected
        );
        assert_eq!(
            yes_no(&tally(201, 100, 0), rules, None).unwrap().outcome,
            YesNoOutcome::Accepted
        );
    }
}

#[test]
fn three_to_one_ratio_is_strict() {
    let rules = YesNoRules {
        quorum: None,
        majority: Majority::ratio(3, 1).unwrap(),
    };
    assert_eq!(
        yes_no(&tally(300, 100, 0), &rules, None).unwrap().outcome,
        YesNoOutcome::Rejected
    );
    assert_eq!(
        yes_no(&tally(301, 100, 0), &rules, None).unwrap().outcome,
        YesNoOutcome::Accepted
    );
}

#[test]
fn percentages_round_half_away_from_zero_independently() {
    // 8 of 160 000 is exactly 0.005 %: shown as 0.01, and the no side,
    // exactly 99.995 %, as 100.00 (each figure is rounded on its own).
    let r = yes_no(&tally(8, 159_992, 0), &simple(None), None).unwrap();
    assert_eq!(r.yes_percent.unwrap().percent, "0.01");
    assert_eq!(r.no_percent.unwrap().percent, "100.00");
    // 1 of 8 is 12.5 % exactly, no rounding needed.
    let r = yes_no(&tally(1, 7, 0), &simple(None), None).unwrap();
    assert_eq!(r.yes_percent.unwrap().percent, "12.50");
    // 2 of 3.
    let r = yes_no(&tally(2, 1, 0), &simple(None), None).unwrap();
    assert_eq!(r.yes_percent.unwrap().percent, "66.67");
    assert_eq!(r.no_percent.unwrap().percent, "33.33");
}

#[test]
fn result_round_trips_and_rejects_unknown_fields() {
    let rules = simple(Some(Quorum::ShareOfElectorate { num: 1, den: 4 }));
    let r = yes_no(&tally(1525, 98, 40), &rules, Some(6000)).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""outcome":"accepted""#), "{json}");
    assert!(json.contains(r#""kind":"share_of_electorate""#), "{json}");
    assert_eq!(
        serde_json::from_str::<psephos_crypto::results::YesNoResult>(&json).unwrap(),
        r
    );
    let extra = json.replacen('{', r#"{"surprise":1,"#, 1);
    assert!(serde_json::from_str::<psephos_crypto::results::YesNoResult>(&extra).is_err());
    let rules_json = r#"{"quorum":{"kind":"ballots","min":5,"extra":0},"majority":{"num":1,"den":2,"strict":true}}"#;
    assert!(serde_json::from_str::<YesNoRules>(rules_json).is_err());
}
