//! What trustees, officers and the API exchange: ceremony messages and
//! decryption shares (threshold.md), the API's wire types
//! (server-api.md) and the member roll (server-api.md §5).

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT as G;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::record::credentials::MAX_WEIGHT;
use psephos_crypto::threshold::ceremony::CeremonyRecord;
use psephos_crypto::threshold::decryption::verify_decryption_share;
use psephos_crypto::threshold::{
    CeremonyOutcome, CeremonyParameters, Complaint, DealerCommitments, DecryptionShare,
    EncryptedShare, TrusteeAnnouncement,
};
use psephos_trustee::roll::{parse_roll, Member, MAX_MEMBERS};
use psephos_trustee::wire;

use crate::common::{json_roundtrip, rng};

/// Checks every ceremony message kind against `params`; never panics.
fn check_messages(data: &[u8], params: &CeremonyParameters) {
    if let Some(a) = json_roundtrip::<TrusteeAnnouncement>(data) {
        let _ = a.verify(params, &mut rng());
    }
    if let Some(c) = json_roundtrip::<DealerCommitments>(data) {
        let _ = c.verify(params, &mut rng());
    }
    if let Some(s) = json_roundtrip::<EncryptedShare>(data) {
        let _ = s.check_form(params);
    }
    if let Some(c) = json_roundtrip::<Complaint>(data) {
        let share = EncryptedShare {
            spec_version: c.spec_version,
            ceremony_id: c.ceremony_id,
            dealer: c.dealer,
            recipient: c.complainer,
            ephemeral: G,
            ciphertext: vec![0; psephos_crypto::threshold::messages::SHARE_CIPHERTEXT_LEN],
        };
        let _ = c.verify_proof(params, &G, &share, &mut rng());
    }
}

/// Ceremony messages, whole ceremony records, outcomes and decryption
/// shares (threshold.md §5–§11): each round-trips through JSON; checking
/// never panics, against fixed 2-of-3 parameters and, for a ceremony
/// record, its own. A derived outcome has one verification key per
/// trustee, at least `t` qualified dealers, and round-trips.
pub fn threshold_messages(data: &[u8]) {
    let fixed = CeremonyParameters::new([0xc3; 32], 3, 2).expect("2-of-3");
    check_messages(data, &fixed);
    if let Some(rec) = json_roundtrip::<CeremonyRecord>(data) {
        if let Ok(outcome) = rec.derive(&mut rng()) {
            let p = &rec.parameters;
            assert_eq!(outcome.verification_keys.len(), p.trustees as usize);
            assert!(outcome.qualified.len() >= p.threshold as usize);
            let bytes = serde_json::to_vec(&outcome).expect("serialises");
            assert_eq!(json_roundtrip::<CeremonyOutcome>(&bytes), Some(outcome));
        }
        if rec.parameters.validate().is_ok() {
            for a in &rec.announcements {
                let _ = a.verify(&rec.parameters, &mut rng());
            }
            for c in &rec.commitments {
                let _ = c.verify(&rec.parameters, &mut rng());
            }
        }
    }
    if let Some(o) = json_roundtrip::<CeremonyOutcome>(data) {
        for j in 0..=o.parameters.trustees.saturating_add(1).min(300) {
            let _ = o.verification_key(j);
        }
    }
    if let Some(s) = json_roundtrip::<DecryptionShare>(data) {
        let cts = vec![Ciphertext { r: G, c: G }; s.values.len()];
        let _ = verify_decryption_share(&s.election_id, &G, &G, &cts, &s, &mut rng());
        let _ = verify_decryption_share(
            &s.election_id,
            &G,
            &G,
            &cts[1.min(cts.len())..],
            &s,
            &mut rng(),
        );
    }
}

/// Round-trips `data` through every listed wire type.
macro_rules! roundtrip_all {
    ($data:expr, $($t:ty),* $(,)?) => {
        $( let _ = json_roundtrip::<$t>($data); )*
    };
}

/// The API's request and response bodies (`psephos_trustee::wire`,
/// server-api.md): each decodes or refuses without panicking, and what
/// decodes round-trips.
pub fn trustee_wire(data: &[u8]) {
    roundtrip_all!(
        data,
        wire::ErrorBody,
        wire::RoundDraft,
        wire::RollSummary,
        wire::DecryptionStatus,
        wire::RoundStatus,
        wire::RoundSummary,
        wire::CeremonySetup,
        wire::TrusteeToken,
        wire::CeremonyStarted,
        wire::CeremonyView,
        wire::Dealing,
        wire::ComplaintList,
        wire::CredentialsIssued,
        wire::TransitionRequest,
        wire::CastReceipt,
        wire::TallyView,
        wire::ShareAccepted,
        wire::EntriesPage,
        wire::Health,
        Vec<wire::RoundSummary>,
    );
    if let Ok(d) = serde_json::from_slice::<wire::Dealing>(data) {
        let p = CeremonyParameters::new(d.commitments.ceremony_id, 3, 2).expect("2-of-3");
        let _ = d.commitments.verify(&p, &mut rng());
        for s in &d.shares {
            let _ = s.check_form(&p);
        }
    }
}

/// Writes members as a roll CSV with a weight column, quoting as needed.
fn write_roll(members: &[Member]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["member_id", "email", "weight"])
        .expect("in memory");
    for m in members {
        w.write_record([
            m.member_id.as_str(),
            m.email.as_str(),
            &m.weight.to_string(),
        ])
        .expect("in memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
}

/// The member roll CSV (server-api.md §5): never panics; an accepted roll
/// has 1..=MAX_MEMBERS members with distinct ids and weights in range,
/// and written back as CSV it parses to the same members.
pub fn roll_csv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let result = parse_roll(&text);
    let members = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = (e.code(), e.lines(), e.to_string());
            return;
        }
    };
    assert!(!members.is_empty() && members.len() <= MAX_MEMBERS);
    let mut ids = std::collections::BTreeSet::new();
    for m in &members {
        assert!((1..=MAX_WEIGHT).contains(&m.weight), "weight out of range");
        assert!(ids.insert(m.member_id.as_str()), "duplicate member id");
    }
    let again = parse_roll(&write_roll(&members)).expect("a written roll parses");
    assert_eq!(again, members, "roll round trip");
    let _ = psephos_trustee::roll::total_weight(&members);
}
