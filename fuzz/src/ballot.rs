//! Ballots and manifests: the voter's and the officer's documents.

use std::sync::OnceLock;

use curve25519_dalek::ristretto::CompressedRistretto;
use psephos_crypto::ballot::{tracking_code, Ballot, BallotStatement, QuestionShape};
use psephos_crypto::batch::Batch;
use psephos_crypto::questions::yes_no::YesNo;
use psephos_crypto::record::manifest::Manifest;
use psephos_crypto::record::{compute_outcome, total_bound, QuestionKind};

use crate::common::rng;

/// The ballot vector of the spec (specs/vectors/ballot-yes-no.json).
const VECTOR: &str = include_str!("../../specs/vectors/ballot-yes-no.json");
/// The manifest of the demo record the seeds come from (one question of
/// every kind, ranked included), so that mutated demo ballots reach the
/// proofs of every kind.
const DEMO_MANIFEST: &[u8] = include_bytes!("../data/demo-manifest.json");

fn hex32(v: &serde_json::Value, field: &str) -> [u8; 32] {
    let s = v[field].as_str().expect("vector field");
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).expect("vector hex");
    out
}

/// The statements every fuzzed ballot is checked against: the vector's
/// yes/no/abstain election and the demo election.
fn statements() -> &'static [BallotStatement] {
    static S: OnceLock<Vec<BallotStatement>> = OnceLock::new();
    S.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(VECTOR).expect("vector JSON");
        let election_key = CompressedRistretto(hex32(&v, "election_key"))
            .decompress()
            .expect("vector key");
        let vector = BallotStatement {
            election_id: hex32(&v, "election_id"),
            election_key: election_key.into(),
            questions: vec![(
                "proposal".into(),
                QuestionShape::Linear(YesNo { abstain: true }.constraints()),
            )],
        };
        let m = Manifest::parse(DEMO_MANIFEST).expect("demo manifest");
        let demo = m
            .ballot_statement(Manifest::election_id_of(DEMO_MANIFEST))
            .expect("demo statement");
        vec![vector, demo]
    })
}

/// Ballot bytes (protocol.md §10, encoding.md §3).
///
/// - Any JSON a `Ballot` decodes from has a canonical form that
///   `parse_canonical` accepts and that decodes to the same ballot.
/// - Accepted canonical bytes re-serialise to themselves; the signed
///   message cut out of them (`body_bytes`) is the body's encoding.
/// - Against each fixed statement: when the form checks, verifying each
///   proof on its own and verifying everything in one batch agree.
pub fn ballot(data: &[u8]) {
    if let Ok(any) = serde_json::from_slice::<Ballot>(data) {
        let canonical = any.to_bytes();
        if canonical.len() <= psephos_crypto::ballot::MAX_BALLOT_BYTES {
            let back = Ballot::parse_canonical(&canonical).expect("canonical form is accepted");
            assert_eq!(back, any, "canonical form decodes to another ballot");
        }
    }
    let Ok(b) = Ballot::parse_canonical(data) else {
        return;
    };
    assert_eq!(b.to_bytes(), data, "accepted bytes are not canonical");
    let _ = tracking_code(data);
    let message = b.signed_message();
    assert_eq!(
        Ballot::body_bytes(data),
        Some(message.as_slice()),
        "body_bytes differs from the signed message"
    );
    for stmt in statements() {
        if b.check_form(stmt).is_err() {
            continue;
        }
        let single = b.verify(stmt, &mut rng()).is_ok();
        let mut batch = Batch::new();
        let batched = b
            .verify_into_batch_signed(stmt, &message, &mut batch, &mut rng())
            .is_ok()
            && batch.vartime_is_zero();
        assert_eq!(single, batched, "single and batch verification disagree");
    }
}

/// Manifest bytes (record.md §2).
///
/// - An accepted manifest re-serialises to bytes that parse to the same
///   manifest, and that encoding is a fixed point.
/// - Every accepted manifest has a ballot statement with one shape per
///   question, and its counting rules resolve.
/// - Counting any question of it over all-zero, all-full and uneven totals
///   never panics (it may refuse totals out of bounds).
pub fn manifest(data: &[u8]) {
    let Ok(m) = Manifest::parse(data) else {
        return;
    };
    let bytes = m.to_bytes();
    let again = Manifest::parse(&bytes).expect("canonical manifest parses");
    assert_eq!(again, m, "manifest round trip");
    assert_eq!(
        again.to_bytes(),
        bytes,
        "manifest encoding is not a fixed point"
    );
    let stmt = m
        .ballot_statement(Manifest::election_id_of(data))
        .expect("a valid manifest has a statement");
    assert_eq!(stmt.questions.len(), m.questions.len());
    for q in &m.questions {
        q.shape().expect("validated question has a shape");
        q.passive_solution().expect("validated passive solution");
        if matches!(q.kind, QuestionKind::Ranked { .. }) {
            q.ranked_rules().expect("validated ranked rules");
        }
        let n = q.options.len();
        let cells = match q.kind {
            QuestionKind::Ranked { .. } => n * n.saturating_sub(1),
            _ => n,
        };
        for ballots in [0u64, 1, 7] {
            let bound = total_bound(q, ballots);
            let patterns: [Vec<u64>; 3] = [
                vec![0; cells],
                vec![bound; cells],
                (0..cells as u64).map(|i| i % (bound + 1)).collect(),
            ];
            for totals in &patterns {
                let _ = compute_outcome(q, totals, ballots, ballots + 3);
            }
        }
    }
}
