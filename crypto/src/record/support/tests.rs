//! Unit tests of the support-log entries and the counting rule.

use super::*;

fn open(roll: &[&str], threshold: Threshold) -> Vec<SupportEntry> {
    let ids: Vec<String> = roll.iter().map(|s| s.to_string()).collect();
    let mut v = vec![SupportEntry::Open(Open {
        spec_version: 1,
        proposal: "p-0011223344556677".into(),
        area: "it".into(),
        threshold,
        required: threshold.required(ids.len() as u64),
        roll_size: ids.len() as u64,
        roll_hash: roll_hash(ids.iter().map(|s| s.as_str())),
        officer_days: 30,
        opened_at: 100,
    })];
    v.extend(roll_parts(&ids).into_iter().map(SupportEntry::Roll));
    v.push(SupportEntry::Version(VersionEntry {
        version: 1,
        text_hash: [7; 32],
        at: 100,
    }));
    v
}

fn add(m: &str, seq: u64) -> SupportEntry {
    SupportEntry::Add(Add {
        member: m.into(),
        version: 1,
        text_hash: [7; 32],
        seq,
        at: 101,
    })
}

fn replay(es: &[SupportEntry]) -> Result<SupportState> {
    let mut s = SupportState::default();
    for (i, e) in es.iter().enumerate() {
        let again = SupportEntry::parse(e.kind(), &e.payload())?;
        assert_eq!(&again, e, "round trip");
        s.apply(i as u64, &again)?;
    }
    Ok(s)
}

#[test]
fn threshold_rounds_up() {
    assert_eq!(Threshold::ShareBp(100).required(1000), 10);
    assert_eq!(Threshold::ShareBp(100).required(1001), 11);
    assert_eq!(Threshold::ShareBp(1).required(3), 1);
    assert_eq!(Threshold::Absolute(5).required(3), 5);
    assert!(!Threshold::ShareBp(10_001).is_valid());
    assert!(!Threshold::Absolute(0).is_valid());
}

#[test]
fn counting_withdrawal_and_freeze() {
    let mut es = open(&["a", "b", "c"], Threshold::Absolute(2));
    es.push(add("a", 1));
    es.push(SupportEntry::Withdraw(Withdraw {
        member: "a".into(),
        version: 1,
        seq: 2,
        at: 102,
    }));
    es.push(add("a", 3));
    let s = replay(&es).unwrap();
    assert_eq!((s.count(), s.freeze_due()), (1, None));
    es.push(add("b", 1));
    let s = replay(&es).unwrap();
    let at = s.freeze_due().unwrap();
    assert!(s.check(&add("c", 1)).is_err());
    es.push(SupportEntry::Freeze(Freeze {
        version: 1,
        text_hash: [7; 32],
        count: 2,
        at_index: at,
        at: 103,
    }));
    let s = replay(&es).unwrap();
    assert_eq!(s.check(&add("c", 1)).unwrap_err().code, "proposal.frozen");
}

#[test]
fn refusals() {
    let es = open(&["a", "b", "c"], Threshold::Absolute(3));
    let mut s = replay(&es).unwrap();
    s.apply(s.size, &add("a", 1)).unwrap();
    assert_eq!(s.check(&add("a", 2)).unwrap_err().code, "support.duplicate");
    assert_eq!(s.check(&add("z", 1)).unwrap_err().code, "member.unknown");
    assert_eq!(s.check(&add("b", 2)).unwrap_err().code, "support.seq");
    let w = SupportEntry::Withdraw(Withdraw {
        member: "b".into(),
        version: 1,
        seq: 1,
        at: 1,
    });
    assert_eq!(s.check(&w).unwrap_err().code, "support.not_supporting");
    let mut wrong = add("b", 1);
    if let SupportEntry::Add(a) = &mut wrong {
        a.text_hash = [8; 32];
    }
    assert_eq!(s.check(&wrong).unwrap_err().code, "support.wrong_version");
    // a non-canonical payload (a space) and an unknown kind
    let p = br#"{"member":"a", "version":1}"#;
    assert!(SupportEntry::parse(kind::ADD, p).is_err());
    let mut bytes = add("b", 1).payload();
    bytes.insert(1, b' ');
    assert_eq!(
        SupportEntry::parse(kind::ADD, &bytes).unwrap_err().code,
        "support.not_canonical"
    );
    assert_eq!(
        SupportEntry::parse("support.bogus", b"{}")
            .unwrap_err()
            .code,
        "support.unknown_kind"
    );
}

#[test]
fn roll_must_match_its_hash_and_order() {
    let mut es = open(&["a", "b"], Threshold::Absolute(1));
    if let SupportEntry::Roll(p) = &mut es[1] {
        p.members = vec!["b".into(), "a".into()];
    }
    assert_eq!(replay(&es).unwrap_err().code, "support.order");
    let mut es = open(&["a", "b"], Threshold::Absolute(1));
    if let SupportEntry::Roll(p) = &mut es[1] {
        p.members = vec!["a".into(), "c".into()];
    }
    assert_eq!(replay(&es).unwrap_err().code, "support.roll_hash");
}

fn roll_add(ids: &[&str]) -> SupportEntry {
    SupportEntry::RollAdd(RollAdd {
        members: ids.iter().map(|s| s.to_string()).collect(),
        at: 150,
    })
}

#[test]
fn roll_add_lets_a_member_support_and_required_stays() {
    let mut es = open(&["a", "b"], Threshold::ShareBp(5000));
    let s = replay(&es).unwrap();
    assert_eq!(s.required(), 1);
    assert_eq!(s.check(&add("c", 1)).unwrap_err().code, "member.unknown");
    // bytes of the entry (canonical field order: members, at)
    assert_eq!(roll_add(&["c"]).payload(), br#"{"members":["c"],"at":150}"#);
    es.push(roll_add(&["c", "d", "e"]));
    let s = replay(&es).unwrap();
    assert_eq!((s.roll.len(), s.roll_added, s.required()), (5, 3, 1));
    assert!(s.check(&add("c", 1)).is_ok());
    // The share is of the roll at opening: 50 % of 2, not of 5.
    es.push(add("e", 1));
    let s = replay(&es).unwrap();
    assert!(s.freeze_due().is_some());
}

#[test]
fn roll_add_refusals() {
    let es = open(&["a", "b"], Threshold::Absolute(9));
    let s = replay(&es).unwrap();
    for bad in [
        roll_add(&[]),
        roll_add(&["d", "c"]),
        roll_add(&["c", "c"]),
        roll_add(&["b", "c"]),
        roll_add(&["x,y"]),
        roll_add(&[""]),
    ] {
        assert_eq!(
            s.check(&bad).unwrap_err().code,
            "support.roll_add",
            "{bad:?}"
        );
    }
    let many: Vec<String> = (0..=ROLL_PART).map(|i| format!("n{i:05}")).collect();
    let big = SupportEntry::RollAdd(RollAdd {
        members: many,
        at: 1,
    });
    assert_eq!(s.check(&big).unwrap_err().code, "support.roll_add");
    // Not between the roll parts and version 1, nor after the freeze.
    let mut early = open(&["a", "b"], Threshold::Absolute(1));
    early.insert(2, roll_add(&["c"]));
    assert_eq!(replay(&early).unwrap_err().code, "support.order");
    let mut es = open(&["a", "b"], Threshold::Absolute(1));
    es.push(add("a", 1));
    let s = replay(&es).unwrap();
    assert_eq!(
        s.check(&roll_add(&["c"])).unwrap_err().code,
        "support.freeze"
    );
    es.push(SupportEntry::Freeze(Freeze {
        version: 1,
        text_hash: [7; 32],
        count: 1,
        at_index: s.freeze_due().unwrap(),
        at: 103,
    }));
    let s = replay(&es).unwrap();
    assert_eq!(
        s.check(&roll_add(&["c"])).unwrap_err().code,
        "support.order"
    );
}

#[test]
fn roll_adds_are_the_new_ids_in_parts() {
    let roll: std::collections::BTreeSet<String> =
        ["a", "c"].iter().map(|s| s.to_string()).collect();
    let adds = roll_adds(&roll, ["d", "a", "b", "d"], 7);
    assert_eq!(
        adds,
        vec![RollAdd {
            members: vec!["b".into(), "d".into()],
            at: 7
        }]
    );
    assert!(roll_adds(&roll, ["a", "c"], 7).is_empty());
    let ids: Vec<String> = (0..ROLL_PART + 3).map(|i| format!("n{i:05}")).collect();
    let adds = roll_adds(&roll, ids.iter().map(String::as_str), 7);
    assert_eq!(adds.len(), 2);
    assert_eq!(
        (adds[0].members.len(), adds[1].members.len()),
        (ROLL_PART, 3)
    );
}

mod counting_rule {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Clone, Debug)]
    enum Op {
        Join(Vec<u8>),
        Add(u8),
        Withdraw(u8),
        Version,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            prop::collection::vec(0u8..12, 0..4).prop_map(Op::Join),
            (0u8..12).prop_map(Op::Add),
            (0u8..12).prop_map(Op::Withdraw),
            Just(Op::Version),
        ]
    }

    fn id(m: u8) -> String {
        format!("m{m:02}")
    }

    proptest! {
        /// The shared rule against a plain model: members on the roll so
        /// far (snapshot and roll-adds) support and withdraw, everyone
        /// else is refused; the count is the model's, `required` never
        /// moves, and the log replays from its bytes to the same state.
        #[test]
        fn matches_a_plain_model(ops in prop::collection::vec(op(), 0..60)) {
            let mut es = open(&["m00", "m01", "m02"], Threshold::ShareBp(10_000));
            let mut s = replay(&es).unwrap();
            let required = s.required();
            let mut roll: BTreeSet<String> = ["m00", "m01", "m02"].iter().map(|s| s.to_string()).collect();
            let mut standing: BTreeMap<String, u64> = BTreeMap::new();
            let mut version = 1u64;
            for o in ops {
                if s.freeze_due().is_some() {
                    break;
                }
                let e = match o {
                    Op::Join(ms) => {
                        let ids: Vec<String> = ms.into_iter().map(id).collect();
                        let adds = roll_adds(&s.roll, ids.iter().map(String::as_str), 1);
                        prop_assert!(adds.len() <= 1);
                        match adds.into_iter().next() {
                            None => continue,
                            Some(a) => {
                                roll.extend(a.members.iter().cloned());
                                SupportEntry::RollAdd(a)
                            }
                        }
                    }
                    Op::Version => {
                        version += 1;
                        SupportEntry::Version(VersionEntry { version, text_hash: [version as u8; 32], at: 1 })
                    }
                    Op::Add(m) => {
                        let m = id(m);
                        let e = SupportEntry::Add(Add {
                            member: m.clone(), version, text_hash: [if version == 1 { 7 } else { version as u8 }; 32],
                            seq: s.next_seq(&m), at: 1,
                        });
                        let ok = roll.contains(&m) && standing.get(&m) != Some(&version);
                        let r = s.check(&e);
                        prop_assert_eq!(r.is_ok(), ok, "{:?}", r);
                        if !roll.contains(&m) {
                            prop_assert_eq!(r.unwrap_err().code, "member.unknown");
                        }
                        if !ok { continue; }
                        standing.insert(m, version);
                        e
                    }
                    Op::Withdraw(m) => {
                        let m = id(m);
                        let Some(&v) = standing.get(&m) else {
                            let w = SupportEntry::Withdraw(Withdraw { member: m.clone(), version, seq: s.next_seq(&m), at: 1 });
                            prop_assert!(s.check(&w).is_err());
                            continue;
                        };
                        standing.remove(&m);
                        SupportEntry::Withdraw(Withdraw { member: m.clone(), version: v, seq: s.next_seq(&m), at: 1 })
                    }
                };
                s.apply(s.size, &e).unwrap();
                es.push(e);
                let model = standing.values().filter(|v| **v == version).count() as u64;
                prop_assert_eq!(s.count(), model);
                prop_assert_eq!(s.required(), required);
                prop_assert_eq!(&s.roll, &roll);
            }
            let again = replay(&es).unwrap();
            prop_assert_eq!(again.count(), s.count());
            prop_assert_eq!(again.roll_added, s.roll_added);
        }
    }
}
