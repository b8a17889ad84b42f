//! Proofs of the threshold protocol (spec `threshold.md` §3, §4, §5, §10):
//! honest proofs verify; tampered fields, and proofs moved to another
//! ceremony, election, trustee or statement by a cheater who builds them,
//! are rejected. Plus serde round trips of every message.

mod threshold_support;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::generators::g;
use psephos_crypto::proofs::{dleq, schnorr};
use psephos_crypto::threshold::decryption::decryption_transcript;
use psephos_crypto::threshold::messages::{
    announcement_transcript, coefficient_transcript, complaint_transcript,
};
use psephos_crypto::threshold::*;
use psephos_crypto::CryptoError;
use serde::{de::DeserializeOwned, Serialize};
use threshold_support::*;

fn faulty_index(e: CryptoError) -> u32 {
    match e {
        CryptoError::FaultyTrustee { index, .. } => index,
        other => panic!("expected a faulty trustee, got {other:?}"),
    }
}

#[test]
fn announcement_proofs() {
    let mut r = rng(1);
    let p = params(4, 2);
    let (session, ann) = TrusteeSession::new(&p, 2, &mut r).unwrap();
    ann.verify(&p, &mut r).unwrap();

    let mut bad = ann.clone();
    bad.proof.z += Scalar::ONE;
    assert_eq!(faulty_index(bad.verify(&p, &mut r).unwrap_err()), 2);
    let mut bad = ann.clone();
    bad.proof.a += g();
    assert!(bad.verify(&p, &mut r).is_err());
    let mut bad = ann.clone();
    bad.encryption_key += g();
    assert!(bad.verify(&p, &mut r).is_err());

    // Copied to another index: relabelled, and rebuilt by the key's owner
    // for index 3 but published as index 2's.
    let mut moved = ann.clone();
    moved.trustee = 3;
    assert_eq!(faulty_index(moved.verify(&p, &mut r).unwrap_err()), 3);
    // (The owner knows p₂ only inside the session; rebuild from a known key.)
    let secret = Scalar::from(77u64);
    let key = g() * secret;
    let for_3 = schnorr::prove(&mut announcement_transcript(&p, 3), &secret, &key, &mut r);
    let cheat = TrusteeAnnouncement {
        trustee: 2,
        encryption_key: key,
        proof: for_3,
        ..ann.clone()
    };
    assert!(cheat.verify(&p, &mut r).is_err());
    let honest_2 = schnorr::prove(&mut announcement_transcript(&p, 2), &secret, &key, &mut r);
    TrusteeAnnouncement {
        proof: honest_2,
        ..cheat.clone()
    }
    .verify(&p, &mut r)
    .unwrap();

    // Another ceremony: an honest proof there, published here.
    let other = CeremonyParameters::new([0x11; 32], 4, 2).unwrap();
    let (_, ann_b) = TrusteeSession::new(&other, 2, &mut r).unwrap();
    ann_b.verify(&other, &mut r).unwrap();
    assert!(ann_b.verify(&p, &mut r).is_err());
    let relabelled = TrusteeAnnouncement {
        ceremony_id: p.ceremony_id,
        ..ann_b
    };
    assert!(relabelled.verify(&p, &mut r).is_err());
    // Other (t, n) with the same id: the transcript absorbs them too.
    let other_t = CeremonyParameters::new(p.ceremony_id, 4, 3).unwrap();
    assert!(ann.verify(&other_t, &mut r).is_err());
    drop(session);
}

#[test]
fn commitment_proofs() {
    let mut r = rng(2);
    let p = params(3, 3);
    let (s1, _) = TrusteeSession::new(&p, 1, &mut r).unwrap();
    let (s2, _) = TrusteeSession::new(&p, 2, &mut r).unwrap();
    let c1 = s1.commitments(&mut r);
    let c2 = s2.commitments(&mut r);
    c1.verify(&p, &mut r).unwrap();
    c2.verify(&p, &mut r).unwrap();
    assert_eq!(c1.commitments.len(), 3);

    for k in 0..3 {
        let mut bad = c1.clone();
        bad.commitments[k] += g();
        assert_eq!(faulty_index(bad.verify(&p, &mut r).unwrap_err()), 1);
        let mut bad = c1.clone();
        bad.proofs[k].z += Scalar::ONE;
        assert!(bad.verify(&p, &mut r).is_err());
    }
    // Proofs in the wrong positions.
    let mut swapped = c1.clone();
    swapped.commitments.swap(0, 1);
    swapped.proofs.swap(0, 1);
    assert!(swapped.verify(&p, &mut r).is_err());
    // Too few or too many.
    let mut short = c1.clone();
    short.commitments.pop();
    short.proofs.pop();
    assert!(short.verify(&p, &mut r).is_err());
    // Dealer 2 republishes dealer 1's constant term and proof as its own
    // (a rogue key it does not know the logarithm of): rejected.
    let mut rogue = c2.clone();
    rogue.commitments[0] = c1.commitments[0];
    rogue.proofs[0] = c1.proofs[0];
    assert_eq!(faulty_index(rogue.verify(&p, &mut r).unwrap_err()), 2);
    let relabelled = DealerCommitments {
        dealer: 2,
        ..c1.clone()
    };
    assert!(relabelled.verify(&p, &mut r).is_err());
    // A cheater who knows the coefficient builds the proof for position 1
    // and publishes it at position 0.
    let a = Scalar::from(5u64);
    let mut cheat = c1.clone();
    cheat.commitments[0] = g() * a;
    cheat.proofs[0] = schnorr::prove(
        &mut coefficient_transcript(&p, 1, 1),
        &a,
        &(g() * a),
        &mut r,
    );
    assert!(cheat.verify(&p, &mut r).is_err());
    cheat.proofs[0] = schnorr::prove(
        &mut coefficient_transcript(&p, 1, 0),
        &a,
        &(g() * a),
        &mut r,
    );
    cheat.verify(&p, &mut r).unwrap();
    // Another ceremony.
    let other = CeremonyParameters::new([0x12; 32], 3, 3).unwrap();
    assert!(c1.verify(&other, &mut r).is_err());
    let moved = DealerCommitments {
        ceremony_id: other.ceremony_id,
        ..c1.clone()
    };
    assert!(moved.verify(&other, &mut r).is_err());
}

#[test]
fn complaint_proofs() {
    let mut r = rng(3);
    let p = params(3, 2);
    let c = Ceremony::dealt(&p, &mut r);
    let key3 = c.record.announcements[2].encryption_key;
    let share13 = c
        .record
        .shares
        .iter()
        .find(|s| s.dealer == 1 && s.recipient == 3)
        .unwrap();
    let share23 = c
        .record
        .shares
        .iter()
        .find(|s| s.dealer == 2 && s.recipient == 3)
        .unwrap();
    let complaint = c.sessions[2].complain(share13, &mut r).unwrap();
    complaint.verify_proof(&p, &key3, share13, &mut r).unwrap();

    let mut bad = complaint.clone();
    bad.shared_secret += g();
    assert_eq!(
        faulty_index(bad.verify_proof(&p, &key3, share13, &mut r).unwrap_err()),
        3
    );
    let mut bad = complaint.clone();
    bad.proof.v += g();
    assert!(bad.verify_proof(&p, &key3, share13, &mut r).is_err());
    // Moved to another dealer's share.
    let moved = Complaint {
        dealer: 2,
        ..complaint.clone()
    };
    assert!(moved.verify_proof(&p, &key3, share23, &mut r).is_err());
    assert!(complaint.verify_proof(&p, &key3, share23, &mut r).is_err());
    // A cheater reveals a wrong S and proves it as well as it can.
    let wrong_s = complaint.shared_secret + g();
    let secret = Scalar::from(9u64);
    let statement = dleq::DleqStatement {
        x: key3,
        a: share13.ephemeral,
        d: wrong_s,
    };
    let forged = dleq::prove(
        &mut complaint_transcript(&p, share13),
        &secret,
        &statement,
        &mut r,
    );
    let cheat = Complaint {
        shared_secret: wrong_s,
        proof: forged,
        ..complaint.clone()
    };
    assert!(cheat.verify_proof(&p, &key3, share13, &mut r).is_err());
    // Another ceremony.
    let other = CeremonyParameters::new([0x13; 32], 3, 2).unwrap();
    let moved = Complaint {
        ceremony_id: other.ceremony_id,
        ..complaint.clone()
    };
    let share_moved = EncryptedShare {
        ceremony_id: other.ceremony_id,
        ..share13.clone()
    };
    assert!(moved
        .verify_proof(&other, &key3, &share_moved, &mut r)
        .is_err());
}

struct Decryption {
    outcome: CeremonyOutcome,
    shares: Vec<TrusteeShare>,
    cts: Vec<Ciphertext>,
}

fn decryption_setup(seed: u8) -> Decryption {
    let mut r = rng(seed);
    let (_, outcome, shares) = honest(4, 3, &mut r);
    let cts = (0..3)
        .map(|m| Ciphertext::encrypt(&outcome.joint_key, m, &mut r).0)
        .collect();
    Decryption {
        outcome,
        shares,
        cts,
    }
}

#[test]
fn decryption_share_proofs() {
    let mut r = rng(4);
    let d = decryption_setup(4);
    let eid = [0xe1; 32];
    let k = d.outcome.joint_key;
    let x = |j: u32| *d.outcome.verification_key(j).unwrap();
    let share2 = d.shares[1].decrypt(&eid, &d.cts, &mut r);
    verify_decryption_share(&eid, &k, &x(2), &d.cts, &share2, &mut r).unwrap();

    for v in 0..3 {
        let mut bad = share2.clone();
        bad.values[v].share += g();
        assert_eq!(
            faulty_index(
                verify_decryption_share(&eid, &k, &x(2), &d.cts, &bad, &mut r).unwrap_err()
            ),
            2
        );
        for f in 0..3 {
            let mut bad = share2.clone();
            match f {
                0 => bad.values[v].proof.u += g(),
                1 => bad.values[v].proof.v += g(),
                _ => bad.values[v].proof.z += Scalar::ONE,
            }
            assert!(verify_decryption_share(&eid, &k, &x(2), &d.cts, &bad, &mut r).is_err());
        }
    }
    // Wrong count, wrong key, another ciphertext with the same R.
    assert!(verify_decryption_share(&eid, &k, &x(2), &d.cts[..2], &share2, &mut r).is_err());
    assert!(verify_decryption_share(&eid, &(k + g()), &x(2), &d.cts, &share2, &mut r).is_err());
    let mut other_cts = d.cts.clone();
    other_cts[1].c += g();
    assert!(verify_decryption_share(&eid, &k, &x(2), &other_cts, &share2, &mut r).is_err());

    // Moved to another election: honest for election B, relabelled as A.
    let eid_b = [0xe2; 32];
    let share_b = d.shares[1].decrypt(&eid_b, &d.cts, &mut r);
    verify_decryption_share(&eid_b, &k, &x(2), &d.cts, &share_b, &mut r).unwrap();
    let relabelled = DecryptionShare {
        election_id: eid,
        ..share_b.clone()
    };
    assert!(verify_decryption_share(&eid, &k, &x(2), &d.cts, &relabelled, &mut r).is_err());
    // Moved to another trustee index.
    let as_3 = DecryptionShare {
        trustee: 3,
        ..share2.clone()
    };
    assert!(verify_decryption_share(&eid, &k, &x(3), &d.cts, &as_3, &mut r).is_err());
    assert!(verify_decryption_share(&eid, &k, &x(2), &d.cts, &as_3, &mut r).is_err());

    // A cheater who knows x₂ proves a wrong D with the right transcript.
    let secret = secret_of(&d.shares[1]);
    let ct = d.cts[0];
    let wrong = dleq::DleqStatement {
        x: x(2),
        a: ct.r,
        d: ct.r * secret + g(),
    };
    let proof = dleq::prove(
        &mut decryption_transcript(&eid, &k, 2, &ct),
        &secret,
        &wrong,
        &mut r,
    );
    let mut forged = share2.clone();
    forged.values[0] = PartialDecryption {
        share: wrong.d,
        proof,
    };
    assert!(verify_decryption_share(&eid, &k, &x(2), &d.cts, &forged, &mut r).is_err());
    // The same cheater's honest statement verifies (the check is not vacuous).
    let right = dleq::DleqStatement {
        d: ct.r * secret,
        ..wrong
    };
    let proof = dleq::prove(
        &mut decryption_transcript(&eid, &k, 2, &ct),
        &secret,
        &right,
        &mut r,
    );
    forged.values[0] = PartialDecryption {
        share: right.d,
        proof,
    };
    verify_decryption_share(&eid, &k, &x(2), &d.cts, &forged, &mut r).unwrap();
}

fn round_trip<T: Serialize + DeserializeOwned>(v: &T) -> T {
    let json = serde_json::to_string(v).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    // Unknown fields are refused at the top level.
    let mut obj: serde_json::Value = serde_json::from_str(&json).unwrap();
    if let Some(map) = obj.as_object_mut() {
        map.insert("extra".into(), serde_json::Value::Bool(true));
        assert!(
            serde_json::from_value::<T>(obj).is_err(),
            "unknown field accepted: {json}"
        );
    }
    back
}

#[test]
fn every_message_round_trips() {
    let mut r = rng(5);
    let mut c = Ceremony::dealt(&params(3, 2), &mut r);
    let share = c.record.shares[0].clone();
    let recipient = share.recipient as usize - 1;
    c.record
        .complaints
        .push(c.sessions[recipient].complain(&share, &mut r).unwrap());
    let outcome = c.record.derive(&mut r).unwrap();
    assert_eq!(round_trip(&c.record), c.record);
    assert_eq!(round_trip(&c.record.parameters), c.record.parameters);
    assert_eq!(
        round_trip(&c.record.announcements[0]),
        c.record.announcements[0]
    );
    assert_eq!(
        round_trip(&c.record.commitments[1]),
        c.record.commitments[1]
    );
    assert_eq!(round_trip(&share), share);
    assert_eq!(round_trip(&c.record.complaints[0]), c.record.complaints[0]);
    assert_eq!(round_trip(&outcome), outcome);
    assert_eq!(
        round_trip(&outcome.rejected_complaints[0]),
        outcome.rejected_complaints[0]
    );
    assert_eq!(
        round_trip(&c.record.announcements[0].proof),
        c.record.announcements[0].proof
    );
    round_trip(&c.sessions[0]);

    let (_, outcome, shares) = honest(3, 2, &mut r);
    let (ct, _) = Ciphertext::encrypt(&outcome.joint_key, 4, &mut r);
    let eid = [3; 32];
    let dshare = shares[0].decrypt(&eid, &[ct, Ciphertext::zero()], &mut r);
    assert_eq!(round_trip(&dshare), dshare);
    assert_eq!(round_trip(&dshare.values[0].proof), dshare.values[0].proof);
    let back = round_trip(&shares[2]);
    assert_eq!(back.verification_key(), shares[2].verification_key());
    let dshares: Vec<_> = shares
        .iter()
        .map(|s| s.decrypt(&eid, &[ct], &mut r))
        .collect();
    let comb = combine(&outcome, &eid, &[ct], &dshares, &mut r).unwrap();
    assert_eq!(round_trip(&comb), comb);
}

#[test]
fn decoders_are_strict() {
    let mut r = rng(6);
    let p = params(2, 1);
    let (session, ann) = TrusteeSession::new(&p, 1, &mut r).unwrap();
    let json = serde_json::to_value(&ann).unwrap();
    let with = |field: &str, value: serde_json::Value| {
        let mut v = json.clone();
        v[field] = value;
        serde_json::from_value::<TrusteeAnnouncement>(v)
    };
    let key = json["encryption_key"].as_str().unwrap().to_string();
    assert!(with("encryption_key", key.to_uppercase().into()).is_err());
    assert!(
        with("encryption_key", "00".repeat(32).into()).is_err(),
        "identity accepted"
    );
    assert!(
        with("encryption_key", "ff".repeat(32).into()).is_err(),
        "non-canonical accepted"
    );
    assert!(
        with("encryption_key", key[..62].into()).is_err(),
        "truncated accepted"
    );
    assert!(
        with("encryption_key", format!("{key}00").into()).is_err(),
        "over-long accepted"
    );
    let mut v = json.clone();
    v["proof"]["z"] = "ff".repeat(32).into();
    assert!(
        serde_json::from_value::<TrusteeAnnouncement>(v).is_err(),
        "scalar ≥ ℓ accepted"
    );
    assert!(with("encryption_key", key.into()).is_ok());

    // A secret state whose polynomial has the wrong degree is refused.
    let mut s = serde_json::to_value(&session).unwrap();
    let extra = s["encryption_secret"].clone();
    s["coefficients"].as_array_mut().unwrap().push(extra);
    assert!(serde_json::from_value::<TrusteeSession>(s).is_err());
    // A share whose secret does not match its verification key is refused.
    let (_, _, shares) = honest(2, 2, &mut r);
    serde_json::from_value::<TrusteeShare>(serde_json::to_value(&shares[0]).unwrap()).unwrap();
    let mut v = serde_json::to_value(&shares[0]).unwrap();
    v["verification_key"] = serde_json::to_value(&shares[1]).unwrap()["verification_key"].clone();
    assert!(serde_json::from_value::<TrusteeShare>(v).is_err());
}

#[test]
fn secrets_do_not_print() {
    let mut r = rng(7);
    let (_, _, shares) = honest(2, 2, &mut r);
    let (session, _) = TrusteeSession::new(&params(2, 2), 1, &mut r).unwrap();
    let printed = format!("{:?} {:?}", shares[0], session);
    assert!(printed.contains("<secret>"));
    let secret_hex = serde_json::to_value(&shares[0]).unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!printed.contains(&secret_hex[..16]));
    assert!(!printed.contains("Scalar"));
    let _: RistrettoPoint = *shares[0].joint_key();
}
