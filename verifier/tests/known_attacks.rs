//! Known attacks on deployed systems, each carried out against Psephos and
//! shown to be caught (threats.md T2, T3, T13):
//!
//! - weak Fiat–Shamir (Helios: Bernhard, Pereira and Warinschi 2012; the
//!   SwissPost system: Haines, Lewis, Pereira and Teague 2020; the
//!   "Frozen Heart" class, Trail of Bits 2022): a prover
//!   who may choose part of the statement after the challenge forges
//!   proofs. The forgeries are built the way they work against a weak
//!   transcript (the statement element left out of the challenge), checked
//!   to satisfy the verification equations under that weak challenge, and
//!   then refused by the real verification, which absorbs it;
//! - trapdoored generators (the SwissPost shuffle's commitment parameters,
//!   Lewis, Pereira and Teague 2019): whoever knows `log_G H` opens a
//!   commitment to any value. `H` is recomputed here from its published
//!   label by the standard hash-to-group, and an election that tries to
//!   bring its own generator is refused.

mod support;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::elgamal::Ciphertext;
use psephos_crypto::encoding::point_hex;
use psephos_crypto::generators::{g, h};
use psephos_crypto::proofs::dleq::{self, DleqProof, DleqStatement};
use psephos_crypto::proofs::schnorr::{self, SchnorrProof};
use psephos_crypto::record::EncryptedTally;
use psephos_crypto::threshold::decryption::{decryption_transcript, verify_decryption_share};
use psephos_crypto::threshold::DecryptionShare;
use psephos_crypto::transcript::{labels, ProofContext, TranscriptExt};
use psephos_verifier::{verify, BytesSource, Options};
use rand_core::OsRng;
use sha2::Sha512;
use support::{honest, write_record};

/// Frozen Heart on the Schnorr proof of knowledge (the ceremony's
/// coefficient commitments and announcements, threshold.md §4.1): with
/// `c = H(…, A)` not covering `X`, anyone picks `A`, `z`, then
/// `X = c⁻¹(zG − A)` and "proves" knowledge of `log_G X`, e.g. a rogue
/// coefficient commitment chosen to cancel the other dealers' and control
/// the joint key. The transcript absorbs `X`: refused.
#[test]
fn frozen_heart_schnorr_statement_chosen_after_the_challenge_is_refused() {
    let ctx = ProofContext {
        election_id: [7; 32],
        election_key: (g() * Scalar::random(&mut OsRng)).into(),
        question_id: "ceremony".into(),
        credential: g().into(),
    };
    let base = ctx.transcript(labels::SCHNORR_POK);
    let a = g() * Scalar::random(&mut OsRng);
    let z = Scalar::random(&mut OsRng);
    let c_weak = {
        let mut t = base.clone();
        t.append_point(b"G", &g());
        t.append_point(b"A", &a);
        t.challenge_scalar(b"challenge")
    };
    let x_point = (g() * z - a) * c_weak.invert();
    let forged = SchnorrProof { a, z };
    // Under the weak challenge the forgery satisfies z·G = A + c·X.
    assert_eq!(g() * z, a + x_point * c_weak, "the weak-FS forgery holds");
    // Under the real one it does not.
    assert!(schnorr::verify(&mut base.clone(), &x_point, &forged, &mut OsRng).is_err());
    // An honest proof with the same transcript prefix verifies.
    let x = Scalar::random(&mut OsRng);
    let honest = schnorr::prove(&mut base.clone(), &x, &(g() * x), &mut OsRng);
    schnorr::verify(&mut base.clone(), &(g() * x), &honest, &mut OsRng).unwrap();
}

/// The weak-FS forgery of a Chaum–Pedersen proof with `D` left out of the
/// challenge: a trustee who knows its share `x` publishes `D' ≠ x·A` with
/// a proof (`U = aG`, any `V`, `c = H(G, X, A, U, V)`, `z = a + c·x`,
/// `D' = c⁻¹(zA − V)`).
fn forge_share<T: TranscriptExt + Clone>(
    t: &T,
    x: &Scalar,
    a_base: &RistrettoPoint,
) -> (RistrettoPoint, DleqProof) {
    let xp = g() * x;
    let nonce = Scalar::random(&mut OsRng);
    let u = g() * nonce;
    let v = RistrettoPoint::random(&mut OsRng);
    let c = {
        let mut t = t.clone();
        t.append_point(b"G", &g());
        t.append_point(b"X", &xp);
        t.append_point(b"A", a_base);
        t.append_point(b"U", &u);
        t.append_point(b"V", &v);
        t.challenge_scalar(b"challenge")
    };
    let z = nonce + c * x;
    let d = (a_base * z - v) * c.invert();
    assert_eq!(g() * z, u + xp * c, "first weak equation");
    assert_eq!(a_base * z, v + d * c, "second weak equation");
    assert_ne!(d, a_base * x, "the forged share is a lie");
    (d, DleqProof { u, v, z })
}

/// Frozen Heart on decryption shares (the Helios attack class): trustee
/// `j` replaces its share of the first tally value by a lie with a proof
/// that verifies under the weak transcript. The real verification of the
/// share and the verifier's step 8 on the whole record both refuse it.
#[test]
fn frozen_heart_decryption_share_chosen_after_the_challenge_is_refused() {
    let s = honest();
    let mut e = s.entries();
    let at_tally = e.iter().position(|(k, _)| k == "tally").unwrap();
    let tally: EncryptedTally = serde_json::from_slice(&e[at_tally].1).unwrap();
    let cts: Vec<Ciphertext> = tally.ciphertexts();
    let at_share = e.iter().position(|(k, _)| k == "decryption").unwrap();
    let mut share: DecryptionShare = serde_json::from_slice(&e[at_share].1).unwrap();
    let j = share.trustee;
    let trustee = &s.trustees[j as usize - 1];
    // The trustee's own secret share (a cheating trustee knows it).
    let secret: String =
        serde_json::from_value(serde_json::to_value(trustee).unwrap()["secret"].clone()).unwrap();
    let x = Scalar::from_canonical_bytes(hex::decode(secret).unwrap().try_into().unwrap()).unwrap();
    assert_eq!(&(g() * x), trustee.verification_key());
    let k = *trustee.joint_key();
    let t = decryption_transcript(&s.election_id, &k, j, &cts[0]);
    let (lie, proof) = forge_share(&t, &x, &cts[0].r);
    // The honest proof of the same value verifies on this very transcript.
    let honest_stmt = DleqStatement {
        x: g() * x,
        a: cts[0].r,
        d: share.values[0].share,
    };
    dleq::verify(
        &mut t.clone(),
        &honest_stmt,
        &share.values[0].proof,
        &mut OsRng,
    )
    .unwrap();
    let lying = DleqStatement {
        d: lie,
        ..honest_stmt
    };
    assert!(dleq::verify(&mut t.clone(), &lying, &proof, &mut OsRng).is_err());

    share.values[0].share = lie;
    share.values[0].proof = proof;
    assert!(verify_decryption_share(
        &s.election_id,
        &k,
        trustee.verification_key(),
        &cts,
        &share,
        &mut OsRng
    )
    .is_err());
    e[at_share].1 = serde_json::to_vec(&share).unwrap();
    let report = verify(
        &BytesSource(write_record(&s.key, s.election_id, &e, 4)),
        &Options::default(),
    )
    .unwrap();
    assert!(!report.valid);
    assert!(
        report.failures.iter().any(|f| f.step.starts_with('8')),
        "{}",
        report.to_text()
    );
}

/// `H` is nobody's choice: the RFC 9496 hash-to-group of SHA-512 of the
/// published label, recomputed here from the label's text, equal to the
/// pinned vector; it is none of the first 2¹⁶ multiples of `G` (a
/// generator picked as `tG` for a small `t` would be caught); and what a
/// trapdoor would give is shown on a generator that has one.
#[test]
fn trapdoored_generator_h_is_the_published_hash_to_group() {
    let recomputed = RistrettoPoint::hash_from_bytes::<Sha512>(b"psephos/v1/generator/H");
    assert_eq!(recomputed, h());
    let vector: serde_json::Value =
        serde_json::from_str(include_str!("../../specs/vectors/generators.json")).unwrap();
    assert_eq!(vector["h_label"], "psephos/v1/generator/H");
    assert_eq!(vector["h"], point_hex(&h()).as_str());
    assert_eq!(vector["g"], point_hex(&g()).as_str());
    let mut multiple = RistrettoPoint::default();
    for t in 0..(1u32 << 16) {
        assert_ne!(multiple, h(), "H = {t}·G");
        multiple += g();
    }

    // With a trapdoored H' = t·G, a commitment to 1 opens to 0 as well
    // (s' = s + 1/t): a range proof over H' would prove nothing.
    let t = Scalar::random(&mut OsRng);
    let h_trap = g() * t;
    let s = Scalar::random(&mut OsRng);
    let v = g() * Scalar::ONE + h_trap * s;
    let s_other = s + t.invert();
    assert_eq!(v, g() * Scalar::ZERO + h_trap * s_other);
}

/// An election cannot bring its own generator: the manifest has no such
/// field (strict decoding), so a manifest carrying `"h"` (say, a trapdoored
/// one) is refused at step 1, whatever it says.
#[test]
fn trapdoored_generator_in_a_manifest_is_refused() {
    let s = honest();
    let mut e = s.entries();
    let trap = point_hex(&(g() * Scalar::from(12345u64)));
    let text = String::from_utf8(e[0].1.clone()).unwrap();
    assert!(text.starts_with('{'));
    e[0].1 = format!("{{\"h\":\"{trap}\",{}", &text[1..]).into_bytes();
    let id = psephos_crypto::record::Manifest::election_id_of(&e[0].1);
    let report = verify(
        &BytesSource(write_record(&s.key, id, &e, 4)),
        &Options::default(),
    )
    .unwrap();
    assert!(!report.valid);
    assert!(
        report.failures.iter().any(|f| f.step.starts_with('1')),
        "{}",
        report.to_text()
    );
}
