//! Steps 1–3: manifest, key ceremony, credential list
//! (spec `verification.md` steps 1–3).

use std::collections::HashMap;

use psephos_board::BoardPublicKey;
use psephos_crypto::ballot::BallotStatement;
use psephos_crypto::generators::{h, H_LABEL};
use psephos_crypto::record::{CredentialList, Manifest};
use psephos_crypto::threshold::{CeremonyOutcome, CeremonyRecord};
use rand_core::OsRng;
use sha2::Sha512;

use crate::report::{Collector, Failure};

/// What steps 1–3 establish.
pub struct Setup {
    /// The manifest.
    pub manifest: Manifest,
    /// Its election id.
    pub election_id: [u8; 32],
    /// The statement ballots are checked against.
    pub statement: std::sync::Arc<BallotStatement>,
    /// The board's key from the manifest.
    pub board_key: BoardPublicKey,
}

/// Step 1 on the first entry. `None` when the manifest is unusable (the
/// failure is recorded; nothing else can be checked).
pub fn manifest(
    c: &mut Collector,
    header_election: &[u8; 32],
    kind: &str,
    payload: &[u8],
) -> Option<Setup> {
    if kind != "manifest" {
        c.fail(
            Failure::new(
                "1.1",
                format!("the first entry is {kind:?}, not the manifest"),
            )
            .at(0),
        );
        return None;
    }
    let manifest = match Manifest::parse(payload) {
        Ok(m) => m,
        Err(e) => {
            let step = if matches!(e, psephos_crypto::CryptoError::Unsupported(_)) {
                "1.3"
            } else {
                "1.1"
            };
            c.fail(Failure::new(step, e.to_string()).at(0).code(e.code()));
            return None;
        }
    };
    let election_id = Manifest::election_id_of(payload);
    if &election_id != header_election {
        c.fail(
            Failure::new(
                "1.2",
                "the record's election id is not SHA-256 of its manifest",
            )
            .at(0),
        );
    }
    let statement = match manifest.ballot_statement(election_id) {
        Ok(s) => s,
        Err(e) => {
            c.fail(Failure::new("1.3", e.to_string()).at(0).code(e.code()));
            return None;
        }
    };
    if h() != curve25519_dalek::ristretto::RistrettoPoint::hash_from_bytes::<Sha512>(H_LABEL) {
        c.fail(Failure::new(
            "1.4",
            "the generator H is not the pinned derivation",
        ));
    }
    let board_key = BoardPublicKey(manifest.board_key);
    if board_key.verifying_key().is_err() {
        c.fail(Failure::new("1.4", "the board key is not a valid Ed25519 key").at(0));
    }
    c.ran(1, format!("{} questions", manifest.questions.len()));
    Some(Setup {
        manifest,
        election_id,
        statement: std::sync::Arc::new(statement),
        board_key,
    })
}

/// Step 2 on the `ceremony` entry.
pub fn ceremony(
    c: &mut Collector,
    setup: &Setup,
    index: u64,
    payload: &[u8],
) -> Option<CeremonyOutcome> {
    let record: CeremonyRecord = match serde_json::from_slice(payload) {
        Ok(r) => r,
        Err(e) => {
            c.fail(Failure::new("2.1", format!("ceremony record: {e}")).at(index));
            return None;
        }
    };
    let reference = &setup.manifest.ceremony;
    let p = &record.parameters;
    if p.ceremony_id != reference.ceremony_id
        || p.threshold != reference.threshold
        || p.trustees != reference.trustees
    {
        c.fail(Failure::new("2.1", "the ceremony is not the one the manifest names").at(index));
    }
    let outcome = match record.derive(&mut OsRng) {
        Ok(o) => o,
        Err(e) => {
            c.fail(Failure::new("2.3", e.to_string()).at(index).code(e.code()));
            return None;
        }
    };
    if outcome.joint_key != setup.manifest.election_key {
        c.fail(
            Failure::new(
                "2.4",
                "the joint key of the ceremony is not the manifest's election key",
            )
            .at(index),
        );
    }
    c.ran(
        2,
        format!(
            "{}-of-{}, {} qualified dealers, {} excluded",
            p.threshold,
            p.trustees,
            outcome.qualified.len(),
            outcome.disqualified.len()
        ),
    );
    Some(outcome)
}

/// Step 3 on the `credentials` entry: credential → weight.
pub fn credentials(
    c: &mut Collector,
    setup: &Setup,
    index: u64,
    payload: &[u8],
) -> Option<(HashMap<[u8; 32], u64>, u64)> {
    let list: CredentialList = match serde_json::from_slice(payload) {
        Ok(l) => l,
        Err(e) => {
            c.fail(Failure::new("3.2", format!("credential list: {e}")).at(index));
            return None;
        }
    };
    if let Err(e) = list.validate(&setup.election_id) {
        c.fail(Failure::new("3.2", e.to_string()).at(index).code(e.code()));
    }
    let map: HashMap<[u8; 32], u64> = list
        .credentials
        .iter()
        .map(|e| (e.credential.compress().to_bytes(), e.weight))
        .collect();
    c.ran(
        3,
        format!(
            "{} credentials, total weight {}",
            map.len(),
            list.total_weight()
        ),
    );
    Some((map, list.total_weight()))
}
