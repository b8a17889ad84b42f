//! Schnorr proof of knowledge of a discrete logarithm (spec `threshold.md` §4.1).
//!
//! Statement: `X`. Witness: `x` with `X = xG`. Commitment form `(A, z)`:
//!
//! ```text
//! prover:   a ← hedged nonce,  A = aG,  absorb G, X, A,  c = challenge,  z = a + c·x
//! verifier: absorb G, X, A,  c = challenge,  check  z·G − A − c·X = 0
//! ```
//!
//! The caller's transcript already holds the protocol label, the proof label
//! and the context (ceremony, purpose, indices); this module appends the
//! statement and the commitment, in this order:
//! `"G"`, `"X"`, `"A"`, then draws `"challenge"`. Verification adds the one
//! equation, times a random weight, to an [`Msm`], so a batch verifier
//! accumulates many proofs with this very code.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_COMPRESSED;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::generators::g_table;
use crate::msm::{random_weight, Msm};
use crate::transcript::TranscriptExt;

/// A Schnorr proof `(A, z)` of knowledge of `log_G X`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchnorrProof {
    /// Commitment `A = aG`.
    #[serde(with = "encoding::point")]
    pub a: RistrettoPoint,
    /// Response `z = a + c·x`.
    #[serde(with = "encoding::scalar")]
    pub z: Scalar,
}

fn absorb(t: &mut Transcript, x_point: &RistrettoPoint, a: &RistrettoPoint) -> Scalar {
    t.append_message(b"G", RISTRETTO_BASEPOINT_COMPRESSED.as_bytes());
    t.append_point(b"X", x_point);
    t.append_point(b"A", a);
    t.challenge_scalar(b"challenge")
}

/// Proves knowledge of `x` with `x_point = x·G` (spec §4.1). The statement
/// `x_point` is taken as given: if it is not `x·G` the proof will not verify.
/// The nonce is hedged: derived from the transcript, the witness and `rng`.
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    x: &Scalar,
    x_point: &RistrettoPoint,
    rng: &mut R,
) -> SchnorrProof {
    let mut t_rng = t
        .build_rng()
        .rekey_with_witness_bytes(b"x", x.as_bytes())
        .finalize(rng);
    let nonce = Zeroizing::new(Scalar::random(&mut t_rng));
    let a = g_table() * &*nonce;
    let c = absorb(t, x_point, &a);
    SchnorrProof {
        a,
        z: *nonce + c * x,
    }
}

/// Replays the transcript and adds `w·(z·G − A − c·X)` with a fresh random
/// weight `w` to `msm`; the proof holds when the whole `msm` is zero.
pub fn verify_into<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    x_point: &RistrettoPoint,
    proof: &SchnorrProof,
    msm: &mut Msm,
    rng: &mut R,
) {
    let c = absorb(t, x_point, &proof.a);
    let w = random_weight(rng);
    msm.add_g(w * proof.z);
    msm.add(-w, proof.a);
    msm.add(-w * c, *x_point);
}

/// Verifies one proof on its own (variable time: all inputs are public).
pub fn verify<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    x_point: &RistrettoPoint,
    proof: &SchnorrProof,
    rng: &mut R,
) -> Result<()> {
    let mut msm = Msm::new();
    verify_into(t, x_point, proof, &mut msm, rng);
    if msm.vartime_is_zero() {
        Ok(())
    } else {
        Err(CryptoError::InvalidProof("schnorr"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::g;
    use rand_core::OsRng;

    fn transcript(ctx: &'static [u8]) -> Transcript {
        let mut t = Transcript::new(crate::transcript::PROTOCOL_LABEL);
        t.append_message(b"proof", crate::transcript::labels::SCHNORR_POK);
        t.append_message(b"ctx", ctx);
        t
    }

    #[test]
    fn honest_verifies_and_tampering_fails() {
        let x = Scalar::random(&mut OsRng);
        let xp = g() * x;
        let p = prove(&mut transcript(b"a"), &x, &xp, &mut OsRng);
        verify(&mut transcript(b"a"), &xp, &p, &mut OsRng).unwrap();
        assert!(verify(&mut transcript(b"b"), &xp, &p, &mut OsRng).is_err());
        assert!(verify(&mut transcript(b"a"), &(xp + g()), &p, &mut OsRng).is_err());
        let bad_z = SchnorrProof {
            z: p.z + Scalar::ONE,
            ..p
        };
        assert!(verify(&mut transcript(b"a"), &xp, &bad_z, &mut OsRng).is_err());
        let bad_a = SchnorrProof { a: p.a + g(), ..p };
        assert!(verify(&mut transcript(b"a"), &xp, &bad_a, &mut OsRng).is_err());
    }

    #[test]
    fn wrong_witness_fails() {
        let x = Scalar::random(&mut OsRng);
        let xp = g() * (x + Scalar::ONE);
        let p = prove(&mut transcript(b"a"), &x, &xp, &mut OsRng);
        assert!(verify(&mut transcript(b"a"), &xp, &p, &mut OsRng).is_err());
    }
}
