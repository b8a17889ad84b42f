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
