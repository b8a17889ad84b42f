//! The booth core natively: a ballot for every question kind is encrypted,
//! verified as the server verifies it, audited (opened to exactly the
//! choices), and its receipt and board lookup are checked; a typo in the
//! code, a tampered receipt and a wrong tracking code are refused.

use std::collections::BTreeMap;

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::scalar::Scalar;
use psephos_board::{Checkpoint, ElectionId, Entry, LogEntry, MerkleTree, Receipt, SigningKey};
use psephos_booth_wasm::board::{check_lookup, check_receipt, Lookup};
use psephos_booth_wasm::choices::Choice;
use psephos_booth_wasm::session::{parse_manifest, Session};
use psephos_crypto::ballot::Ballot;
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{
    CeremonyRef, Manifest, Question, QuestionKind, RevotePolicy, Schedule,
};
use psephos_crypto::results::{Majority, YesNoRules};
use rand_core::OsRng;

fn text(s: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("en".to_string(), s.to_string())])
}

fn q(id: &str, options: &[&str], kind: QuestionKind) -> Question {
    Question::in_english(id, id, options, kind)
}

fn manifest(board: &SigningKey) -> Vec<u8> {
    let m = Manifest {
        spec_version: 1,
        election: "booth-test".into(),
        title: text("Booth test"),
        questions: vec![
            q(
                "statutes",
                &["yes", "no", "abstain"],
                QuestionKind::YesNo {
                    rules: YesNoRules {
                        quorum: None,
                        majority: Majority::two_thirds(),
                    },
                },
            ),
            q(
                "chair",
                &["ana", "bo", "cy"],
                QuestionKind::Choice {
                    min: 1,
                    max: 1,
                    seats: 1,
                },
            ),
            q(
                "tools",
                &["wiki", "chat", "mail"],
                QuestionKind::Approval {
                    min: 0,
                    max: 3,
                    seats: 1,
                },
            ),
            q(
                "venue",
                &["a", "b"],
                QuestionKind::Score {
                    max: 5,
                    unrated: Unrated::CountsAsMax,
                },
            ),
            q(
                "budget",
                &["keep", "x", "y"],
                QuestionKind::SystemicConsensus {
                    max_resistance: 10,
                    passive_solution: Some("keep".into()),
                    unrated: Unrated::CountsAsMax,
                },
            ),
            q(
                "logo",
                &["p", "q", "r", "none"],
                QuestionKind::Ranked {
                    default_option: None,
                },
            ),
        ],
        election_key: RISTRETTO_BASEPOINT_POINT * Scalar::from(987_654_321u64),
        ceremony: CeremonyRef {
            ceremony_id: [7; 32],
            threshold: 2,
            trustees: 3,
        },
        board_key: board.verifying_key().to_bytes(),
        schedule: Schedule {
            opens_at: 1,
            closes_at: 2,
        },
        revote: RevotePolicy::LastCounts,
    };
    m.to_bytes()
}

fn choices() -> BTreeMap<String, Choice> {
    serde_json::from_str(
        r#"{"statutes": "yes", "chair": "bo", "tools": ["wiki", "mail"],
            "venue": {"a": 3}, "budget": {"keep": 0, "x": 4, "y": 10},
            "logo": [["q"], ["p", "r"]]}"#,
    )
    .expect("choices")
}

fn code() -> String {
    CredentialCode::generate(&mut OsRng).grouped().to_string()
}

#[test]
fn a_typo_in_the_code_is_caught_by_its_check_symbol() {
    let c = code();
    assert!(psephos_booth_wasm::code::normalise(&c.to_lowercase()).is_ok());
    let mut typo: Vec<char> = c.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let e = psephos_booth_wasm::code::parse(&typo.iter().collect::<String>()).unwrap_err();
    assert_eq!(e.code, "code.check");
    assert_eq!(
        psephos_booth_wasm::code::parse("ABC").unwrap_err().code,
        "code.length"
    );
    let bad = format!("U{}", &c[1..]);
    assert_eq!(
        psephos_booth_wasm::code::parse(&bad).unwrap_err().code,
        "code.symbol"
    );
}

#[test]
fn every_kind_encrypts_verifies_audits_and_checks_on_the_board() {
    let board = SigningKey::from_bytes(&[9; 32]);
    let bytes = manifest(&board);
    let (m, id) = parse_manifest(&bytes).expect("manifest");
    let mut s = Session::new(&bytes, &code()).expect("session");

    // Encrypt and audit: every answer opens to the choice.
    s.encrypt(&choices()).expect("encrypt");
    let audit = s.audit().expect("audit");
    assert!(audit.answers.iter().all(|a| a.matches));
    assert!(
        s.ballot_bytes().is_err(),
        "an audited ballot cannot be cast"
    );

    // Encrypt afresh and cast: the server's own check accepts it.
    let enc = s.encrypt(&choices()).expect("encrypt");
    let ballot = s.ballot_bytes().expect("bytes");
    let parsed = Ballot::parse_canonical(&ballot).expect("canonical");
    parsed
        .verify(&m.ballot_statement(id).expect("statement"), &mut OsRng)
        .expect("valid ballot");
    assert_ne!(enc.tracking_code, audit.tracking_code);

    // A board holding the manifest and the ballot; receipt and lookup.
    let entries = [
        Entry::new("manifest", &bytes).expect("entry"),
        Entry::new("ballot", &ballot).expect("entry"),
    ];
    let tree = MerkleTree::from_leaves(entries.iter().map(|e| e.leaf_hash()));
    let cp = Checkpoint {
        election: ElectionId(id),
        size: 2,
        root: tree.root(),
        time: 5,
    }
    .sign(&board);
    let receipt = Receipt {
        index: 1,
        leaf_hash: entries[1].leaf_hash(),
        checkpoint: cp,
        inclusion: tree.inclusion_proof(1, 2).expect("proof"),
    };
    let receipt_json = serde_json::to_string(&receipt).expect("json");
    check_receipt(&m, &bytes, &receipt_json, "ballot", &ballot).expect("receipt");
    assert!(check_receipt(&m, &bytes, &receipt_json, "ballot", b"{}").is_err());

    let entry_json = serde_json::to_string(&LogEntry {
        index: 1,
        entry: entries[1].clone(),
    })
    .expect("json");
    let cp_json = serde_json::to_string(&cp).expect("json");
    let incl = serde_json::to_string(&receipt.inclusion).expect("json");
    let cons = serde_json::to_string(&tree.consistency_proof(2, 2).expect("proof")).expect("json");
    let lookup = Lookup {
        tracking_code: &enc.tracking_code,
        entry_json: &entry_json,
        checkpoint_json: &cp_json,
        inclusion_json: &incl,
        receipt_json: Some(&receipt_json),
        consistency_json: Some(&cons),
    };
    let ok = check_lookup(&m, &bytes, &lookup).expect("lookup");
    assert!(ok.receipt_checked && ok.consistent);
    let wrong = Lookup {
        tracking_code: &audit.tracking_code,
        ..lookup
    };
    assert_eq!(
        check_lookup(&m, &bytes, &wrong).unwrap_err().code,
        "board.tracking_mismatch"
    );
    let other_board = SigningKey::from_bytes(&[8; 32]);
    let forged = serde_json::to_string(
        &Checkpoint {
            election: ElectionId(id),
            size: 2,
            root: tree.root(),
            time: 5,
        }
        .sign(&other_board),
    )
    .expect("json");
    let forged_lookup = Lookup {
        checkpoint_json: &forged,
        receipt_json: None,
        consistency_json: None,
        ..lookup
    };
    assert_eq!(
        check_lookup(&m, &bytes, &forged_lookup).unwrap_err().code,
        "board.signature"
    );
}

#[test]
fn choices_that_break_the_rules_are_refused_before_encryption() {
    let board = SigningKey::from_bytes(&[9; 32]);
    let bytes = manifest(&board);
    let mut s = Session::new(&bytes, &code()).expect("session");
    let mut c = choices();
    c.insert(
        "chair".into(),
        Choice::Many(vec!["ana".into(), "bo".into()]),
    );
    assert_eq!(s.encrypt(&c).unwrap_err().code, "choice.invalid");
    let mut c = choices();
    c.remove("logo");
    assert_eq!(s.encrypt(&c).unwrap_err().code, "choice.missing");
    let mut c = choices();
    c.insert(
        "budget".into(),
        Choice::Points(BTreeMap::from([("x".into(), 11)])),
    );
    assert_eq!(s.encrypt(&c).unwrap_err().code, "choice.invalid");
}
