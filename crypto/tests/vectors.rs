//! Known-answer vectors under `specs/vectors/` (spec README "Vectors").
//!
//! Each vector is produced from a fixed seed (ChaCha20Rng) by the same code
//! the booth, server and verifier run. The test regenerates it and requires
//! byte equality with the committed file, and verifies the committed
//! proofs. Set `PSEPHOS_REGEN_VECTORS=1` to rewrite the files after an
//! intended format change (and bump the spec version).

use std::path::PathBuf;

use curve25519_dalek::scalar::Scalar;
use psephos_crypto::ballot::{tracking_code, Ballot, BallotStatement, PlainAnswer, QuestionShape};
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::encoding::{point_hex, to_hex};
use psephos_crypto::generators::{g, h};
use psephos_crypto::questions::linear::{self, LinearAnswer};
use psephos_crypto::questions::score::{Score, Unrated};
use psephos_crypto::questions::yes_no::{YesNo, YesNoChoice};
use psephos_crypto::transcript::ProofContext;
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, SeedableRng};
use serde_json::{json, Value};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/vectors")
}

/// Compares `value` with the committed file (or rewrites it when asked).
fn pin(name: &str, value: &Value) {
    let path = vectors_dir().join(name);
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("PSEPHOS_REGEN_VECTORS").is_some() {
        std::fs::create_dir_all(vectors_dir()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with PSEPHOS_REGEN_VECTORS=1 once)",
            path.display()
        )
    });
    assert_eq!(
        committed, text,
        "vector {name} changed: the wire format is not stable"
    );
}

fn election_secret() -> Scalar {
    Scalar::from_bytes_mod_order([0x11; 32])
}

#[test]
fn generators() {
    pin(
        "generators.json",
        &json!({
            "g": point_hex(&g()),
            "h_label": "psephos/v1/generator/H",
            "h": point_hex(&h()),
        }),
    );
}

#[test]
fn credential_and_signature() {
    let mut rng = ChaCha20Rng::seed_from_u64(2024);
    let code = CredentialCode::generate(&mut rng);
    let election_id = [0x42u8; 32];
    let key = code.signing_key(&election_id);
    let sig = key.sign(&election_id, b"psephos test message", &mut rng);
    sig.verify(&election_id, &key.public(), b"psephos test message")
        .unwrap();
    pin(
        "credential.json",
        &json!({
            "seed": 2024,
            "code": code.grouped().as_str(),
            "election_id": to_hex(&election_id),
            "public_credential": point_hex(&key.public()),
            "message": "psephos test message",
            "signature": sig,
        }),
    );
}

#[test]
fn linear_answer_systemic_consensus() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let ctx = ProofContext {
        election_id: [0x01; 32],
        election_key: (g() * election_secret()).into(),
        question_id: "sc".into(),
        credential: (g() * Scalar::from(99u64)).into(),
    };
    let cons = Score {
        options: 10,
        max: 10,
        unrated: Unrated::CountsAsMax,
    }
    .constraints();
    let values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10];
    let (answer, opening) = linear::prove(&ctx, &cons, &values, &mut rng).unwrap();
    let committed: Value = serde_json::to_value(&answer).unwrap();
    pin(
        "linear-answer-sc10.json",
        &json!({
            "seed": 7,
            "election_id": to_hex(&ctx.election_id),
            "election_secret": to_hex(election_secret().as_bytes()),
            "election_key": point_hex(&ctx.election_key),
            "question_id": ctx.question_id,
            "credential": point_hex(&ctx.credential),
            "constraints": {"values": 10, "lo": 0, "hi": 10, "sum": null},
            "values": values,
            "opening": opening,
            "answer": committed,
        }),
    );
    // The committed answer verifies and opens.
    let back: LinearAnswer = serde_json::from_value(committed).unwrap();
    linear::verify(&ctx, &cons, &back, &mut OsRng).unwrap();
    linear::check_opening(&ctx.election_key, &cons, &back, &opening).unwrap();
}

#[test]
fn whole_ballot() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let stmt = BallotStatement {
        election_id: [0x05; 32],
        election_key: (g() * election_secret()).into(),
        questions: vec![(
            "proposal".into(),
            QuestionShape::Linear(YesNo { abstain: true }.constraints()),
        )],
    };
    let code = CredentialCode::generate(&mut rng);
    let key = code.signing_key(&stmt.election_id);
    let plain = [PlainAnswer::Linear(
        YesNo { abstain: true }.encode(YesNoChoice::No).unwrap(),
    )];
    let (ballot, _) = Ballot::cast(&stmt, &key, &plain, &mut rng).unwrap();
    let bytes = ballot.to_bytes();
    pin(
        "ballot-yes-no.json",
        &json!({
            "seed": 11,
            "election_id": to_hex(&stmt.election_id),
            "election_key": point_hex(&stmt.election_key),
            "credential_code": code.grouped().as_str(),
            "choice": "no",
            "ballot_bytes": String::from_utf8(bytes.clone()).unwrap(),
            "tracking_code": to_hex(&tracking_code(&bytes)),
        }),
    );
    Ballot::parse_canonical(&bytes)
        .unwrap()
        .verify(&stmt, &mut OsRng)
        .unwrap();
}
