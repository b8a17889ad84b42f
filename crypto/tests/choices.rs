//! The shared choice encoder (crypto `questions::choices`, booth.md §4,
//! server-api.md §12): what the booth and the demo's scripted ballots turn
//! a voter's choices into, every kind, and every refusal with its code.

use std::collections::BTreeMap;

use proptest::prelude::*;
use psephos_crypto::ballot::PlainAnswer;
use psephos_crypto::questions::choices::{decode, encode, encode_all, same_vote, Choice};
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{Question, QuestionKind};
use psephos_crypto::results::{Majority, YesNoRules};

fn question(id: &str, options: &[&str], kind: QuestionKind) -> Question {
    Question::in_english(id, id, options, kind)
}

fn yes_no() -> Question {
    let rules = YesNoRules {
        quorum: None,
        majority: Majority::simple(),
    };
    question(
        "p",
        &["yes", "no", "abstain"],
        QuestionKind::YesNo { rules },
    )
}

fn approval() -> Question {
    let kind = QuestionKind::Approval {
        min: 0,
        max: 3,
        seats: 1,
    };
    question("tools", &["wiki", "chat", "forum"], kind)
}

fn consensus() -> Question {
    let kind = QuestionKind::SystemicConsensus {
        max_resistance: 10,
        passive_solution: Some("status-quo".into()),
        unrated: Unrated::CountsAsMax,
    };
    question("budget", &["status-quo", "a", "b"], kind)
}

fn ranked() -> Question {
    let kind = QuestionKind::Ranked {
        default_option: None,
    };
    question("logo", &["red", "green", "blue", "none"], kind)
}

fn one(s: &str) -> Choice {
    Choice::One(s.into())
}

#[test]
fn known_answers_of_every_shape() {
    assert_eq!(
        encode(&yes_no(), &one("no")).unwrap(),
        PlainAnswer::Linear(vec![0, 1, 0])
    );
    let tools = Choice::Many(vec!["forum".into(), "wiki".into()]);
    assert_eq!(
        encode(&approval(), &tools).unwrap(),
        PlainAnswer::Linear(vec![1, 0, 1])
    );
    // An unrated option counts as the maximum resistance.
    let points = Choice::Points(BTreeMap::from([("a".to_string(), 3)]));
    assert_eq!(
        encode(&consensus(), &points).unwrap(),
        PlainAnswer::Linear(vec![10, 3, 10])
    );
    let tiers = Choice::Tiers(vec![
        vec!["green".into(), "red".into()],
        vec!["none".into()],
    ]);
    let flat = Choice::Many(vec!["green".into(), "none".into()]);
    let (t, f) = (
        encode(&ranked(), &tiers).unwrap(),
        encode(&ranked(), &flat).unwrap(),
    );
    assert!(matches!(&t, PlainAnswer::Ranked(x) if x.len() == 2));
    assert!(!same_vote(&ranked(), &t, &f), "a tie is not a strict order");
}

#[test]
fn refusals_carry_their_codes() {
    let code = |q: &Question, c: &Choice| encode(q, c).unwrap_err().code;
    assert_eq!(code(&yes_no(), &one("maybe")), "choice.unknown_option");
    assert_eq!(code(&yes_no(), &Choice::Many(vec![])), "choice.wrong_kind");
    let too_much = Choice::Points(BTreeMap::from([("a".to_string(), 11)]));
    assert_eq!(code(&consensus(), &too_much), "choice.invalid");
    let twice = Choice::Tiers(vec![vec!["red".into()], vec!["red".into()]]);
    assert_eq!(code(&ranked(), &twice), "choice.invalid");

    let qs = [yes_no(), approval()];
    let only_one = BTreeMap::from([("p".to_string(), one("yes"))]);
    assert_eq!(
        encode_all(&qs, &only_one).unwrap_err().code,
        "choice.missing"
    );
    let mut extra = only_one.clone();
    extra.insert("tools".into(), Choice::Many(vec![]));
    extra.insert("other".into(), one("yes"));
    assert_eq!(
        encode_all(&qs, &extra).unwrap_err().code,
        "choice.unknown_question"
    );
    extra.remove("other");
    assert_eq!(encode_all(&qs, &extra).unwrap().len(), 2);
}

#[test]
fn the_json_shapes_parse_as_documented() {
    let parse = |s: &str| serde_json::from_str::<Choice>(s).unwrap();
    assert_eq!(parse(r#""yes""#), one("yes"));
    assert_eq!(
        parse(r#"["a","b"]"#),
        Choice::Many(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        parse(r#"[["a","b"],["c"]]"#),
        Choice::Tiers(vec![vec!["a".into(), "b".into()], vec!["c".into()]])
    );
    assert_eq!(
        parse(r#"{"a":3}"#),
        Choice::Points(BTreeMap::from([("a".to_string(), 3)]))
    );
}

proptest! {
    /// decode(encode(c)) encodes to the same plaintext: what an audited
    /// ballot shows back is the vote the voter chose.
    #[test]
    fn decode_inverts_encode(
        yn in 0usize..3,
        tools in proptest::collection::vec(any::<bool>(), 3),
        points in proptest::collection::vec(proptest::option::of(0u64..=10), 3),
        perm in Just(vec![0usize, 1, 2, 3]).prop_shuffle(),
        ranked_len in 0usize..=4,
    ) {
        let opts = |q: &Question, i: usize| q.options[i].id.clone();
        let (y, a, c, r) = (yes_no(), approval(), consensus(), ranked());
        let cases = [
            (y.clone(), one(&opts(&y, yn))),
            (a.clone(), Choice::Many((0..3).filter(|i| tools[*i]).map(|i| opts(&a, i)).collect())),
            (c.clone(), Choice::Points(
                (0..3).filter_map(|i| points[i].map(|p| (opts(&c, i), p))).collect(),
            )),
            (r.clone(), Choice::Tiers(perm[..ranked_len].iter().map(|i| vec![opts(&r, *i)]).collect())),
        ];
        for (q, choice) in cases {
            let plain = encode(&q, &choice).unwrap();
            let back = decode(&q, &plain).unwrap();
            let again = encode(&q, &back).unwrap();
            prop_assert!(same_vote(&q, &plain, &again), "{}: {:?} → {:?}", q.id, choice, back);
        }
    }
}
