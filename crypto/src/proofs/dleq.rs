//! Chaum–Pedersen proof of equal discrete logarithms (spec `threshold.md` §4.2).
//!
//! Statement: `(X, A, D)`. Witness: `x` with `X = xG` and `D = xA`.
//! Commitment form `(U, V, z)`:
//!
//! ```text
//! prover:   a ← hedged nonce,  U = aG,  V = aA,
//!           absorb G, X, A, D, U, V,  c = challenge,  z = a + c·x
//! verifier: absorb the same,  c = challenge,  check
//!           z·G − U − c·X = 0   and   z·A − V − c·D = 0
//! ```
//!
//! The caller's transcript holds the protocol label, the proof label and the
//! context; this module appends, in order, `"G"`, `"X"`, `"A"`, `"D"`,
//! `"U"`, `"V"` and draws `"challenge"`. Verification adds both equations,
//! each times its own random weight, to an [`Msm`]. `A` may be the identity
//! (the ciphertext of an empty tally); then `V` and `D` must be as well,
//! which the second equation enforces.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_COMPRESSED;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
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

/// A Chaum–Pedersen proof `(U, V, z)` that `log_G X = log_A D`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DleqProof {
    /// Commitment `U = aG`.
    #[serde(with = "encoding::point")]
    pub u: RistrettoPoint,
    /// Commitment `V = aA` (the identity when `A` is).
    #[serde(with = "encoding::element")]
    pub v: RistrettoPoint,
    /// Response `z = a + c·x`.
    #[serde(with = "encoding::scalar")]
    pub z: Scalar,
}

/// The public statement `(X, A, D)` of a [`DleqProof`]; the other base is `G`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DleqStatement {
    /// `X = xG`.
    pub x: RistrettoPoint,
    /// The second base `A`.
    pub a: RistrettoPoint,
    /// `D = xA`.
    pub d: RistrettoPoint,
}

/// The encodings of a statement's points, for callers that hold them already
/// (a verifier checking many proofs over the same `X` or `A` compresses each
/// point once). They must be the encodings of the statement's points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementBytes {
    /// `enc(X)`.
    pub x: CompressedRistretto,
    /// `enc(A)`.
    pub a: CompressedRistretto,
    /// `enc(D)`.
    pub d: CompressedRistretto,
}

impl StatementBytes {
    /// Compresses the three points of `s`.
    pub fn of(s: &DleqStatement) -> Self {
        StatementBytes {
            x: s.x.compress(),
            a: s.a.compress(),
            d: s.d.compress(),
        }
    }
}

fn absorb(
    t: &mut Transcript,
    s: &StatementBytes,
    u: &RistrettoPoint,
    v: &RistrettoPoint,
) -> Scalar {
    t.append_message(b"G", RISTRETTO_BASEPOINT_COMPRESSED.as_bytes());
    t.append_message(b"X", s.x.as_bytes());
    t.append_message(b"A", s.a.as_bytes());
    t.append_message(b"D", s.d.as_bytes());
    t.append_point(b"U", u);
    t.append_point(b"V", v);
    t.challenge_scalar(b"challenge")
}

/// Proves `log_G X = log_A D = x` (spec §4.2). The statement is taken as
/// given: if `X ≠ xG` or `D ≠ xA` the proof will not verify. The nonce is
/// hedged (transcript, witness, `rng`); the arithmetic on `x` and the nonce
/// is constant time.
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    x: &Scalar,
    statement: &DleqStatement,
    rng: &mut R,
) -> DleqProof {
    prove_encoded(t, x, statement, &StatementBytes::of(statement), rng)
}

/// [`prove`] with the statement's encodings supplied by the caller.
pub fn prove_encoded<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    x: &Scalar,
    statement: &DleqStatement,
    bytes: &StatementBytes,
    rng: &mut R,
) -> DleqProof {
    debug_assert_eq!(bytes, &StatementBytes::of(statement));
    let mut t_rng = t
        .build_rng()
        .rekey_with_witness_bytes(b"x", x.as_bytes())
        .finalize(rng);
    let nonce = Zeroizing::new(Scalar::random(&mut t_rng));
    let u = g_table() * &*nonce;
    let v = statement.a * *nonce;
    let c = absorb(t, bytes, &u, &v);
    DleqProof {
        u,
        v,
        z: *nonce + c * x,
    }
}

/// Replays the transcript and adds `w₁·(zG − U − cX) + w₂·(zA − V − cD)`
/// with fresh random weights to `msm`; the proof holds when the whole `msm`
/// is zero.
pub fn verify_into<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    statement: &DleqStatement,
    proof: &DleqProof,
    msm: &mut Msm,
    rng: &mut R,
) {
    verify_into_encoded(
        t,
        statement,
        &StatementBytes::of(statement),
        proof,
        msm,
        rng,
    );
}

/// [`verify_into`] with the statement's encodings supplied by the caller.
pub fn verify_into_encoded<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    statement: &DleqStatement,
    bytes: &StatementBytes,
    proof: &DleqProof,
    msm: &mut Msm,
    rng: &mut R,
) {
    debug_assert_eq!(bytes, &StatementBytes::of(statement));
    let c = absorb(t, bytes, &proof.u, &proof.v);
    let (w1, w2) = (random_weight(rng), random_weight(rng));
    msm.add_g(w1 * proof.z);
    msm.add(-w1, proof.u);
    msm.add(-w1 * c, statement.x);
    msm.add(w2 * proof.z, statement.a);
    msm.add(-w2, proof.v);
    msm.add(-w2 * c, statement.d);
}

/// Verifies one proof on its own (variable time: all inputs are public).
pub fn verify<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    statement: &DleqStatement,
    proof: &DleqProof,
    rng: &mut R,
) -> Result<()> {
    let mut msm = Msm::new();
    verify_into(t, statement, proof, &mut msm, rng);
    if msm.vartime_is_zero() {
        Ok(())
    } else {
        Err(CryptoError::InvalidProof("dleq"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::g;
    use curve25519_dalek::traits::Identity;
    use rand_core::OsRng;

    fn transcript() -> Transcript {
        let mut t = Transcript::new(crate::transcript::PROTOCOL_LABEL);
        t.append_message(b"proof", crate::transcript::labels::DECRYPTION_SHARE);
        t
    }

    fn statement(x: &Scalar) -> DleqStatement {
        let a = RistrettoPoint::random(&mut OsRng);
        DleqStatement {
            x: g() * x,
            a,
            d: a * x,
        }
    }

    #[test]
    fn honest_verifies_and_tampering_fails() {
        let x = Scalar::random(&mut OsRng);
        let s = statement(&x);
        let p = prove(&mut transcript(), &x, &s, &mut OsRng);
        verify(&mut transcript(), &s, &p, &mut OsRng).unwrap();
        for bad in [
            DleqProof { u: p.u + g(), ..p },
            DleqProof { v: p.v + g(), ..p },
            DleqProof {
                z: p.z + Scalar::ONE,
                ..p
            },
        ] {
            assert!(verify(&mut transcript(), &s, &bad, &mut OsRng).is_err());
        }
        let moved = DleqStatement { d: s.d + g(), ..s };
        assert!(verify(&mut transcript(), &moved, &p, &mut OsRng).is_err());
    }

    #[test]
    fn unequal_logs_fail() {
        // A prover who really tries: knows x, but D = (x+1)·A.
        let x = Scalar::random(&mut OsRng);
        let mut s = statement(&x);
        s.d += s.a;
        let p = prove(&mut transcript(), &x, &s, &mut OsRng);
        assert!(verify(&mut transcript(), &s, &p, &mut OsRng).is_err());
    }

    #[test]
    fn identity_base() {
        let x = Scalar::random(&mut OsRng);
        let id = RistrettoPoint::identity();
        let s = DleqStatement {
            x: g() * x,
            a: id,
            d: id,
        };
        let p = prove(&mut transcript(), &x, &s, &mut OsRng);
        verify(&mut transcript(), &s, &p, &mut OsRng).unwrap();
        let forged = DleqStatement { d: g(), ..s };
        let p = prove(&mut transcript(), &x, &forged, &mut OsRng);
        assert!(verify(&mut transcript(), &forged, &p, &mut OsRng).is_err());
    }
}
