//! The tamper suite: records built from an honest one, each changed in one
//! way, each rejected with the right step number (spec verification.md).

mod support;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::ballot::{AnswerProof, Ballot};
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::generators::g;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::{
    CredentialEntry, CredentialList, ElectionResult, EncryptedTally, Outcome, Transition,
};
use psephos_crypto::threshold::DecryptionShare;
use psephos_verifier::receipt::check_receipt;
use psephos_verifier::{verify, BytesSource, Options, Report};
use rand_core::OsRng;
use support::{honest, write_record, Scenario};

type Entries = Vec<(String, Vec<u8>)>;

fn run_with(s: &Scenario, entries: &Entries) -> Report {
    let record = BytesSource(write_record(&s.key, s.election_id, entries, 4));
    verify(
        &record,
        &Options {
            batch_size: 4,
            ..Options::default()
        },
    )
    .unwrap()
}

fn run(entries: &Entries) -> Report {
    run_with(honest(), entries)
}

#[track_caller]
fn rejected_at(report: &Report, step: &str) {
    if std::env::var_os("PSEPHOS_SHOW").is_some() {
        eprintln!("{}", report.to_text());
    }
    assert!(!report.valid, "accepted:\n{}", report.to_text());
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.step == step || f.step.starts_with(&format!("{step}."))),
        "no failure at step {step}:\n{}",
        report.to_text()
    );
}

fn position(e: &Entries, kind: &str) -> usize {
    e.iter().position(|(k, _)| k == kind).unwrap()
}

fn ballot_at(e: &Entries, i: usize) -> Ballot {
    Ballot::parse_canonical(&e[i].1).unwrap()
}

/// Re-signs a changed ballot with its voter's key, as a cheating voter would.
fn resign(s: &Scenario, voter: usize, mut b: Ballot) -> Vec<u8> {
    let msg = b.signed_message();
    b.signature = s.voters[voter].0.sign(&s.election_id, &msg, &mut OsRng);
    b.to_bytes()
}

fn with_json<T: serde::Serialize + serde::de::DeserializeOwned>(
    e: &mut Entries,
    kind: &str,
    f: impl FnOnce(&mut T),
) {
    let i = position(e, kind);
    let mut v: T = serde_json::from_slice(&e[i].1).unwrap();
    f(&mut v);
    e[i].1 = serde_json::to_vec(&v).unwrap();
}

// ---- step 1-3 --------------------------------------------------------

#[test]
fn t01_manifest_changed() {
    let mut e = honest().entries();
    let mut m = honest().manifest.clone();
    m.title.insert("fr".into(), "Autre".into());
    e[0].1 = m.to_bytes();
    rejected_at(&run(&e), "1.2");
}

#[test]
fn t02_first_entry_not_a_manifest() {
    let mut e = honest().entries();
    e.swap(0, 1);
    rejected_at(&run(&e), "1.1");
}

#[test]
fn t03_ceremony_key_is_not_the_manifest_key() {
    let s = honest();
    let mut e = s.entries();
    let mut m = s.manifest.clone();
    m.election_key = RistrettoPoint::random(&mut OsRng);
    e[0].1 = m.to_bytes();
    let mut s2 = s.clone();
    s2.election_id = psephos_crypto::record::Manifest::election_id_of(&e[0].1);
    rejected_at(&run_with(&s2, &e), "2.4");
}

#[test]
fn t04_duplicate_credential_on_the_list() {
    let mut e = honest().entries();
    with_json(&mut e, "credentials", |l: &mut CredentialList| {
        let first = l.credentials[0];
        l.credentials.push(first);
    });
    rejected_at(&run(&e), "3.2");
}

#[test]
fn t05_credential_list_after_opening() {
    let mut e = honest().entries();
    let c = position(&e, "credentials");
    let open = c + 1;
    e.swap(c, open);
    rejected_at(&run(&e), "3.1");
}

// ---- step 4 ----------------------------------------------------------

#[test]
fn t06_truncated_file() {
    let s = honest();
    let mut bytes = s.record();
    bytes.truncate(bytes.len() / 2);
    let report = verify(&BytesSource(bytes), &Options::default()).unwrap();
    rejected_at(&report, "4");
}

#[test]
fn t07_forged_checkpoint_signature() {
    let s = honest();
    let text = String::from_utf8(s.record()).unwrap();
    let at = text.find("\"signature\":\"").unwrap() + 13;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    rejected_at(
        &verify(&BytesSource(bytes), &Options::default()).unwrap(),
        "4.2",
    );
}

#[test]
fn t08_entry_index_gap() {
    let s = honest();
    let text = String::from_utf8(s.record()).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("{\"index\":5,"))
        .collect();
    let bytes = (lines.join("\n") + "\n").into_bytes();
    rejected_at(
        &verify(&BytesSource(bytes), &Options::default()).unwrap(),
        "4",
    );
}

#[test]
fn t09_close_before_open_is_illegal() {
    let mut e = honest().entries();
    let open = e
        .iter()
        .position(|(k, p)| k == "transition" && p.windows(6).any(|w| w == b"\"open\""))
        .unwrap();
    let mut t: Transition = serde_json::from_slice(&e[open].1).unwrap();
    t.transition = psephos_crypto::record::TransitionKind::Close;
    e[open].1 = serde_json::to_vec(&t).unwrap();
    rejected_at(&run(&e), "4.4");
}

#[test]
fn t10_ballot_after_close() {
    let mut e = honest().entries();
    let i = position(&e, "ballot") + 1;
    let b = e.remove(i);
    let close = e
        .iter()
        .rposition(|(k, p)| k == "transition" && p.windows(7).any(|w| w == b"\"close\""))
        .unwrap();
    e.insert(close + 1, b);
    rejected_at(&run(&e), "4.5");
}

#[test]
fn t11_unknown_entry_kind() {
    let mut e = honest().entries();
    let i = position(&e, "tally");
    e.insert(i, ("note".into(), b"hello".to_vec()));
    rejected_at(&run(&e), "4.3");
}

#[test]
fn t12_dropped_ballot_is_caught_by_receipt_and_earlier_checkpoint() {
    // The server drops a ballot and rewrites and re-signs the whole board,
    // re-tallying honestly: the record alone is consistent...
    let s = honest();
    let honest_entries = s.entries();
    let victim = position(&honest_entries, "ballot") + 3;
    let receipt = s.receipt(&honest_entries, victim as u64, 4);
    let mut dropped = s.clone();
    let voter = dropped
        .ballots
        .remove(victim - position(&honest_entries, "ballot"))
        .0;
    assert_ne!(voter, 0);
    let record = BytesSource(write_record(&s.key, s.election_id, &dropped.entries(), 4));
    // ... but the voter's receipt shows it, and so does the checkpoint
    // the receipt carries.
    let r = check_receipt(&record, &receipt, &Options::default()).unwrap();
    assert!(r.receipt_valid);
    assert!(!r.on_board || !r.consistent);
    assert!(!r.ok());
    rejected_at(&r.record, "4.2");
    let observer = Options {
        known: vec![receipt.checkpoint],
        ..Options::default()
    };
    rejected_at(&verify(&record, &observer).unwrap(), "4.2");
}

// ---- step 5 ----------------------------------------------------------

#[test]
fn t13_flipped_byte_in_a_proof() {
    let mut e = honest().entries();
    let i = position(&e, "ballot");
    let text = String::from_utf8(e[i].1.clone()).unwrap();
    let at = text.find("\"range\":\"").unwrap() + 9 + 300;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
    e[i].1 = bytes;
    let r = run(&e);
    rejected_at(&r, "5");
    assert!(r
        .failures
        .iter()
        .any(|f| f.index == Some(i as u64) && f.tracking_code.is_some()));
}

#[test]
fn t14_ballot_for_another_election() {
    let s = honest();
    let mut e = s.entries();
    let mut other = s.clone();
    other.statement.election_id[0] ^= 1;
    other.election_id[0] ^= 1;
    let b = other.cast(1, &mut OsRng);
    e.insert(position(&e, "ballot"), ("ballot".into(), b.to_bytes()));
    rejected_at(&run(&e), "5.1");
}

#[test]
fn t15_proofs_of_another_credential() {
    // Voter 2 takes voter 1's answers and signs them as its own.
    let s = honest();
    let mut e = s.entries();
    let i = position(&e, "ballot") + 1;
    let mut b = ballot_at(&e, i);
    b.body.credential = s.voters[2].0.public().into();
    e[i].1 = resign(s, 2, b);
    rejected_at(&run(&e), "5.3");
}

#[test]
fn t16_swapped_ciphertexts() {
    let s = honest();
    let mut e = s.entries();
    let i = position(&e, "ballot") + 2;
    let mut b = ballot_at(&e, i);
    if let AnswerProof::Linear(a) = &mut b.body.answers[1].proof {
        a.ciphertexts.swap(0, 1);
    }
    e[i].1 = resign(s, 2, b);
    rejected_at(&run(&e), "5.3");
}

#[test]
fn t17_credential_not_on_the_list() {
    let s = honest();
    let mut e = s.entries();
    let stranger = CredentialCode::generate(&mut OsRng).signing_key(&s.election_id);
    let plain = support::plain(&mut OsRng);
    let (b, _) = Ballot::cast(&s.statement, &stranger, &plain, &mut OsRng).unwrap();
    e.insert(position(&e, "ballot"), ("ballot".into(), b.to_bytes()));
    rejected_at(&run(&e), "5.2");
}

#[test]
fn t18_non_canonical_point() {
    let mut e = honest().entries();
    let i = position(&e, "ballot");
    let text = String::from_utf8(e[i].1.clone()).unwrap();
    let b = ballot_at(&e, i);
    let v = if let AnswerProof::Linear(a) = &b.body.answers[0].proof {
        a.commitments[0]
    } else {
        unreachable!()
    };
    let hex_v = psephos_crypto::encoding::point_hex(&v);
    e[i].1 = text.replacen(&hex_v, &"f".repeat(64), 1).into_bytes();
    rejected_at(&run(&e), "5.1");
}

#[test]
fn t19_identity_point() {
    let mut e = honest().entries();
    let i = position(&e, "ballot");
    let text = String::from_utf8(e[i].1.clone()).unwrap();
    let b = ballot_at(&e, i);
    let r = if let AnswerProof::Linear(a) = &b.body.answers[0].proof {
        a.link.a_r
    } else {
        unreachable!()
    };
    e[i].1 = text
        .replacen(&psephos_crypto::encoding::point_hex(&r), &"0".repeat(64), 1)
        .into_bytes();
    rejected_at(&run(&e), "5.1");
}

#[test]
fn t20_forged_voter_signature() {
    let mut e = honest().entries();
    let i = position(&e, "ballot") + 4;
    let mut b = ballot_at(&e, i);
    b.signature.z += Scalar::ONE;
    e[i].1 = b.to_bytes();
    let r = run(&e);
    rejected_at(&r, "5.4");
    assert_eq!(
        r.failures
            .iter()
            .filter(|f| f.step.starts_with('5'))
            .count(),
        1
    );
}

#[test]
fn t21_one_bad_ballot_among_many_is_named() {
    let s = honest();
    let mut e = s.entries();
    let first = position(&e, "ballot");
    let bad = first + 7;
    let mut b = ballot_at(&e, bad);
    if let AnswerProof::Ranked(a) = &mut b.body.answers[2].proof {
        a.link.z_m += Scalar::ONE;
    }
    e[bad].1 = resign(s, 7, b);
    let record = BytesSource(write_record(&s.key, s.election_id, &e, 4));
    // By count (3, 64 ballots) and by bytes (a budget under one ballot:
    // every ballot is a batch of its own).
    for (batch_size, batch_bytes) in [(3, 16 << 20), (64, 16 << 20), (64, 1)] {
        let r = verify(
            &record,
            &Options {
                batch_size,
                batch_bytes,
                ..Options::default()
            },
        )
        .unwrap();
        let named: Vec<u64> = r
            .failures
            .iter()
            .filter(|f| f.step.starts_with('5'))
            .filter_map(|f| f.index)
            .collect();
        assert_eq!(named, vec![bad as u64], "{}", r.to_text());
    }
}

// ---- steps 6-10 ------------------------------------------------------

#[test]
fn t22_revote_under_once_policy() {
    let mut s = Scenario::new(3, RevotePolicy::Once, 9);
    let again = s.cast(1, &mut OsRng);
    s.ballots.push((1, again));
    let e = s.entries();
    rejected_at(&run_with(&s, &e), "6.1");
}

#[test]
fn t23_duplicate_ballot_counted_twice() {
    let s = honest();
    let mut e = s.entries();
    let (v, b) = &s.ballots[3];
    let w = s.voters[*v].1;
    with_json(&mut e, "tally", |t: &mut EncryptedTally| {
        t.add(b, w).unwrap();
    });
    rejected_at(&run(&e), "7.1");
}

#[test]
fn t24_superseded_ballot_counted() {
    // The tally counts voter 0's first ballot as well as its revote.
    let s = honest();
    let mut e = s.entries();
    let (_, first) = &s.ballots[0];
    with_json(&mut e, "tally", |t: &mut EncryptedTally| {
        t.add(first, s.voters[0].1).unwrap();
        t.ballots -= 1;
        t.weight -= s.voters[0].1;
    });
    rejected_at(&run(&e), "7.1");
}

#[test]
fn t25_tally_missing_a_question() {
    let mut e = honest().entries();
    with_json(&mut e, "tally", |t: &mut EncryptedTally| {
        t.questions.pop();
    });
    rejected_at(&run(&e), "7.1");
}

#[test]
fn t26_forged_decryption_share() {
    let mut e = honest().entries();
    with_json(&mut e, "decryption", |d: &mut DecryptionShare| {
        d.values[0].share += g();
    });
    let r = run(&e);
    rejected_at(&r, "8");
}

#[test]
fn t27_share_of_an_unknown_trustee() {
    let mut e = honest().entries();
    with_json(&mut e, "decryption", |d: &mut DecryptionShare| {
        d.trustee = 9;
    });
    rejected_at(&run(&e), "8");
}

#[test]
fn t28_wrong_published_total() {
    let mut e = honest().entries();
    with_json(&mut e, "result", |r: &mut ElectionResult| {
        r.questions[1].totals[2] += 1;
    });
    rejected_at(&run(&e), "8.2");
}

#[test]
fn t29_wrong_schulze_ranking() {
    let mut e = honest().entries();
    with_json(&mut e, "result", |r: &mut ElectionResult| {
        if let Outcome::Ranked(o) = &mut r.questions[2].outcome {
            o.schulze.ranking.reverse();
            o.schulze.winners = o.schulze.ranking[0].clone();
        }
    });
    rejected_at(&run(&e), "9.1");
}

#[test]
fn t30_yes_no_outcome_flipped() {
    use psephos_crypto::results::YesNoOutcome;
    let mut e = honest().entries();
    with_json(&mut e, "result", |r: &mut ElectionResult| {
        if let Outcome::YesNo(y) = &mut r.questions[0].outcome {
            y.outcome = if y.outcome == YesNoOutcome::Accepted {
                YesNoOutcome::Rejected
            } else {
                YesNoOutcome::Accepted
            };
        }
    });
    rejected_at(&run(&e), "9.1");
}

#[test]
fn t31_audited_ballot_counted() {
    let mut s = honest().clone();
    let audited = s.audited[0].ballot.clone();
    s.ballots.push((5, audited));
    let e = s.entries();
    rejected_at(&run_with(&s, &e), "10.3");
}

#[test]
fn t32_audited_opening_lies() {
    let mut s = honest().clone();
    if let psephos_crypto::ballot::Opening::Linear(o) = &mut s.audited[0].openings[1] {
        o.values[0] = (o.values[0] + 1) % 11;
    }
    let e = s.entries();
    rejected_at(&run_with(&s, &e), "10.2");
}

#[test]
fn t33_weight_inflated_on_the_list() {
    // The list gives voter 3 ten times the weight; the tally follows it.
    let mut s = honest().clone();
    let target = s.voters[3].0.public();
    let entries: Vec<CredentialEntry> = s
        .credentials
        .credentials
        .iter()
        .map(|c| CredentialEntry {
            weight: if c.credential == target { 10 } else { c.weight },
            ..*c
        })
        .collect();
    s.credentials = CredentialList::new(s.election_id, entries);
    let honest_tally = honest().tally();
    let e = {
        let mut e = s.entries();
        let t = serde_json::to_vec(&honest_tally).unwrap();
        let i = position(&e, "tally");
        e[i].1 = t;
        e
    };
    rejected_at(&run_with(&s, &e), "7.1");
}

#[test]
fn t34_re_encrypted_tally_total() {
    let s = honest();
    let mut e = s.entries();
    with_json(&mut e, "tally", |t: &mut EncryptedTally| {
        let (z, _) = Ciphertext::encrypt(&s.manifest.election_key, 0, &mut OsRng);
        t.questions[0].totals[0] += z;
    });
    rejected_at(&run(&e), "7.1");
}

#[test]
fn t35_replayed_ballot_revives_a_replaced_vote() {
    // A malicious board appends voter 0's first ballot again after its
    // revote, so that the old vote would be the last one.
    let mut s = honest().clone();
    let first = s.ballots[0].1.clone();
    s.ballots.push((0, first));
    let e = s.entries();
    let r = run_with(&s, &e);
    rejected_at(&r, "5.1");
    assert!(r
        .failures
        .iter()
        .any(|f| f.code.as_deref() == Some("ballot.replayed")));
}
