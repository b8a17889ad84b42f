//! Linking proof: each ciphertext and its Pedersen commitment hide the same
//! value (spec `protocol.md` §6.1).
//!
//! Statement, for `j = 1..k`: `(Rⱼ, Cⱼ, Vⱼ)`. Witness: `(mⱼ, rⱼ, sⱼ)` with
//!
//! ```text
//! Rⱼ = rⱼG,   Cⱼ = mⱼG + rⱼK,   Vⱼ = mⱼG + sⱼH.
//! ```
//!
//! Prover: nonces `(aₘ, aᵣ, aₛ)ⱼ`, commitments
//! `Aᴿⱼ = aᵣG`, `Aᶜⱼ = aₘG + aᵣK`, `Aⱽⱼ = aₘG + aₛH`, all absorbed; one
//! challenge `c`; responses `zₘ = aₘ + c·m`, `zᵣ = aᵣ + c·r`, `zₛ = aₛ + c·s`.
//!
//! Verifier, for every `j`:
//!
//! ```text
//! zᵣG = Aᴿ + cR,   zₘG + zᵣK = Aᶜ + cC,   zₘG + zₛH = Aⱽ + cV.
//! ```
//!
//! `R` pins `r`, so `C` pins `m = log_G(C) − r·x` even for a prover who knows
//! `x = log_G K` (colluding trustees); `V` then commits to that same `m`
//! under the independent `H`, and the range proof bounds it. (Proving only
//! `C − V = rK − sH` would NOT do: it lets `C` hide `m + t·log_G H` for any t.)

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::elgamal::{EncodedCiphertext, Randomness};
use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::generators::{g, g_table, h, h_table};
use crate::msm::{random_weight, Msm};
use crate::point::{AsPoint, Encoded, Point};
use crate::transcript::TranscriptExt;

/// One value's part of a [`LinkProof`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkItem {
    /// `Aᴿ = aᵣG`.
    pub a_r: Point,
    /// `Aᶜ = aₘG + aᵣK`.
    pub a_c: Point,
    /// `Aⱽ = aₘG + aₛH`.
    pub a_v: Point,
    /// `zₘ`.
    #[serde(with = "encoding::scalar")]
    pub z_m: Scalar,
    /// `zᵣ`.
    #[serde(with = "encoding::scalar")]
    pub z_r: Scalar,
    /// `zₛ`.
    #[serde(with = "encoding::scalar")]
    pub z_s: Scalar,
}

/// Linking proof over `k` values, one shared challenge.
pub type LinkProof = Vec<LinkItem>;

/// The secret side of one linked value.
pub struct LinkWitness<'a> {
    /// Plaintext value `m`.
    pub m: Scalar,
    /// ElGamal randomness `r`.
    pub r: &'a Randomness,
    /// Pedersen blinding `s`.
    pub s: Scalar,
}

/// Proves the link for every value. The transcript must already hold the
/// context and the statement `(R, C, V)ⱼ` (spec §6.1, step 1).
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    witnesses: &[LinkWitness<'_>],
    rng: &mut R,
) -> LinkProof {
    let mut nonce_rng = {
        let mut b = t.build_rng();
        for w in witnesses {
            b = b
                .rekey_with_witness_bytes(b"m", w.m.as_bytes())
                .rekey_with_witness_bytes(b"r", w.r.0.as_bytes())
                .rekey_with_witness_bytes(b"s", w.s.as_bytes());
        }
        b.finalize(rng)
    };
    let nonces: Vec<[Scalar; 3]> = witnesses
        .iter()
        .map(|_| {
            [
                Scalar::random(&mut nonce_rng),
                Scalar::random(&mut nonce_rng),
                Scalar::random(&mut nonce_rng),
            ]
        })
        .collect();
    let commitments: Vec<[Point; 3]> = nonces
        .iter()
        .map(|[am, ar, as_]| {
            let am_g = g_table() * am;
            [
                Point::new(g_table() * ar),
                Point::new(am_g + key * ar),
                Point::new(am_g + h_table() * as_),
            ]
        })
        .collect();
    absorb_commitments(t, commitments.iter().map(|c| (&c[0], &c[1], &c[2])));
    let c = t.challenge_scalar(b"link-challenge");
    witnesses
        .iter()
        .zip(nonces)
        .zip(commitments)
        .map(|((w, [am, ar, as_]), [a_r, a_c, a_v])| LinkItem {
            a_r,
            a_c,
            a_v,
            z_m: am + c * w.m,
            z_r: ar + c * w.r.0,
            z_s: as_ + c * w.s,
        })
        .collect()
}

fn absorb_commitments<'a, P: Encoded + 'a>(
    t: &mut Transcript,
    items: impl ExactSizeIterator<Item = (&'a P, &'a P, &'a P)>,
) {
    t.append_u64(b"link-count", items.len() as u64);
    for (a_r, a_c, a_v) in items {
        t.append_point(b"A_R", a_r);
        t.append_point(b"A_C", a_c);
        t.append_point(b"A_V", a_v);
    }
}

/// Replays the transcript and adds the proof's `3k` equations, each with
/// its own random weight, to `msm` (spec §6.1, verifier). The equations are
/// checked when `msm` is evaluated.
pub fn verify_into<R: RngCore + CryptoRng, P: AsPoint>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    ciphertexts: &[EncodedCiphertext],
    commitments: &[P],
    proof: &LinkProof,
    msm: &mut Msm,
    rng: &mut R,
) -> Result<()> {
    let mut v_coeffs = vec![Scalar::ZERO; commitments.len()];
    verify_into_folded(t, key, ciphertexts, proof, msm, &mut v_coeffs, rng)?;
    for (s, v) in v_coeffs.into_iter().zip(commitments) {
        msm.add(s, v.to_point());
    }
    Ok(())
}

/// [`verify_into`] without the commitments: the coefficient of each `Vⱼ`
/// is added to `v_coeffs[j]`, for a caller that adds more terms on the same
/// `Vⱼ` (the range proof's derived commitments) and multiplies it once.
pub fn verify_into_folded<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    ciphertexts: &[EncodedCiphertext],
    proof: &LinkProof,
    msm: &mut Msm,
    v_coeffs: &mut [Scalar],
    rng: &mut R,
) -> Result<()> {
    if ciphertexts.len() != proof.len() || v_coeffs.len() != proof.len() {
        return Err(CryptoError::Shape(format!(
            "link proof has {} items for {} ciphertexts and {} commitments",
            proof.len(),
            ciphertexts.len(),
            v_coeffs.len()
        )));
    }
    if proof
        .iter()
        .any(|i| i.a_r.is_identity() || i.a_c.is_identity() || i.a_v.is_identity())
    {
        return Err(CryptoError::InvalidProof("link"));
    }
    absorb_commitments(t, proof.iter().map(|i| (&i.a_r, &i.a_c, &i.a_v)));
    let c = t.challenge_scalar(b"link-challenge");
    let mut k_coeff = Scalar::ZERO;
    for ((item, ct), v) in proof.iter().zip(ciphertexts).zip(v_coeffs) {
        let (w1, w2, w3) = (random_weight(rng), random_weight(rng), random_weight(rng));
        // w1·(zᵣG − Aᴿ − cR) + w2·(zₘG + zᵣK − Aᶜ − cC) + w3·(zₘG + zₛH − Aⱽ − cV)
        msm.add_g(w1 * item.z_r + (w2 + w3) * item.z_m);
        msm.add_h(w3 * item.z_s);
        k_coeff += w2 * item.z_r;
        msm.add(-w1, item.a_r);
        msm.add(-w1 * c, ct.r);
        msm.add(-w2, item.a_c);
        msm.add(-w2 * c, ct.c);
        msm.add(-w3, item.a_v);
        *v -= w3 * c;
    }
    msm.add(k_coeff, *key);
    Ok(())
}

/// The reference check: replays the transcript and evaluates the `3k`
/// equations one by one, without random weights. Slower than
/// [`verify_into`]; the combined check is tested against it.
pub fn vartime_verify_each<P: AsPoint>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    ciphertexts: &[EncodedCiphertext],
    commitments: &[P],
    proof: &LinkProof,
) -> Result<()> {
    if ciphertexts.len() != proof.len() || commitments.len() != proof.len() {
        return Err(CryptoError::Shape("link proof length".into()));
    }
    absorb_commitments(t, proof.iter().map(|i| (&i.a_r, &i.a_c, &i.a_v)));
    let c = t.challenge_scalar(b"link-challenge");
    let holds = |scalars: &[Scalar], points: &[RistrettoPoint]| {
        RistrettoPoint::vartime_multiscalar_mul(scalars, points).is_identity()
    };
    for ((i, ct), v) in proof.iter().zip(ciphertexts).zip(commitments) {
        let one = Scalar::ONE;
        let ok = holds(&[i.z_r, -one, -c], &[g(), *i.a_r, *ct.r])
            && holds(&[i.z_m, i.z_r, -one, -c], &[g(), *key, *i.a_c, *ct.c])
            && holds(&[i.z_m, i.z_s, -one, -c], &[g(), h(), *i.a_v, v.to_point()]);
        if !ok {
            return Err(CryptoError::InvalidProof("link"));
        }
    }
    Ok(())
}
