//! Linking proof: each ciphertext and its Pedersen commitment hide the same
//! value, all `k` values proven at once (spec `protocol.md` §6.1).
//!
//! Statement, for `j = 1..k`: `Xⱼ = (Rⱼ, Cⱼ, Vⱼ)`. Witness `wⱼ = (mⱼ, rⱼ, sⱼ)`:
//!
//! ```text
//! Rⱼ = rⱼG,   Cⱼ = mⱼG + rⱼK,   Vⱼ = mⱼG + sⱼH,   i.e.  Xⱼ = φ(wⱼ).
//! ```
//!
//! `φ(m, r, s) = (rG, mG + rK, mG + sH)` is a group homomorphism
//! `ℤ_ℓ³ → 𝔾³`, so `Σ λʲ⁻¹·Xⱼ = φ(Σ λʲ⁻¹·wⱼ)`. With `λ` drawn from the
//! transcript after the whole statement, one sigma proof of a preimage of
//! the combination `X* = Σ λʲ⁻¹·Xⱼ` proves all `k` links:
//!
//! ```text
//! prover:   nonces (aₘ, aᵣ, aₛ);  Aᴿ = aᵣG,  Aᶜ = aₘG + aᵣK,  Aⱽ = aₘG + aₛH;
//!           c from the transcript;  z = a + c·w*   with w* = Σ λʲ⁻¹·wⱼ
//! verifier: zᵣG = Aᴿ + cR*,   zₘG + zᵣK = Aᶜ + cC*,   zₘG + zₛH = Aⱽ + cV*
//! ```
//!
//! Extraction: two answers to different `c` give `w*` for that `λ`; `k`
//! distinct `λ` give a Vandermonde system whose solution is every `wⱼ`. A
//! prover lacking some `wⱼ` succeeds for at most `k − 1` values of `λ`.
//! `R` pins `r`, so `C` pins `m = log_G(C) − r·x` even for a prover who
//! knows `x = log_G K` (colluding trustees); `V` then commits to that same
//! `m` under the independent `H`, and the range proof bounds it. (Proving
//! only `C − V = rK − sH` would NOT do: it lets `C` hide `m + t·log_G H`.)

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::elgamal::{EncodedCiphertext, Randomness};
use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::generators::{g, g_table, h, h_table};
use crate::msm::{random_weight, Msm};
use crate::point::{AsPoint, Point};
use crate::transcript::TranscriptExt;

/// The linking proof of all values of an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkProof {
    /// `Aᴿ = aᵣG`.
    pub a_r: Point,
    /// `Aᶜ = aₘG + aᵣK`.
    pub a_c: Point,
    /// `Aⱽ = aₘG + aₛH`.
    pub a_v: Point,
    /// `zₘ = aₘ + c·Σ λʲ⁻¹mⱼ`.
    #[serde(with = "encoding::scalar")]
    pub z_m: Scalar,
    /// `zᵣ = aᵣ + c·Σ λʲ⁻¹rⱼ`.
    #[serde(with = "encoding::scalar")]
    pub z_r: Scalar,
    /// `zₛ = aₛ + c·Σ λʲ⁻¹sⱼ`.
    #[serde(with = "encoding::scalar")]
    pub z_s: Scalar,
}

/// The secret side of one linked value.
pub struct LinkWitness<'a> {
    /// Plaintext value `m`.
    pub m: Scalar,
    /// ElGamal randomness `r`.
    pub r: &'a Randomness,
    /// Pedersen blinding `s`.
    pub s: Scalar,
}

/// Draws `λ` (after the statement, spec §6.1 step 1) and returns the
/// weights `1, λ, …, λᵏ⁻¹`.
fn lambda_powers(t: &mut Transcript, k: usize) -> Vec<Scalar> {
    t.append_u64(b"link-count", k as u64);
    let lambda = t.challenge_scalar(b"link-lambda");
    let mut out = Vec::with_capacity(k);
    let mut p = Scalar::ONE;
    for _ in 0..k {
        out.push(p);
        p *= lambda;
    }
    out
}

fn absorb_commitments(t: &mut Transcript, a_r: &Point, a_c: &Point, a_v: &Point) -> Scalar {
    t.append_point(b"A_R", a_r);
    t.append_point(b"A_C", a_c);
    t.append_point(b"A_V", a_v);
    t.challenge_scalar(b"link-challenge")
}

/// Proves the link for every value. The transcript must already hold the
/// context and the statement `(R, C, V)ⱼ` (spec §6.1, step 1).
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    witnesses: &[LinkWitness<'_>],
    rng: &mut R,
) -> LinkProof {
    let weights = lambda_powers(t, witnesses.len());
    let mut combined = Zeroizing::new([Scalar::ZERO; 3]);
    for (w, l) in witnesses.iter().zip(&weights) {
        combined[0] += l * w.m;
        combined[1] += l * w.r.0;
        combined[2] += l * w.s;
    }
    let mut nonce_rng = t
        .build_rng()
        .rekey_with_witness_bytes(b"m", combined[0].as_bytes())
        .rekey_with_witness_bytes(b"r", combined[1].as_bytes())
        .rekey_with_witness_bytes(b"s", combined[2].as_bytes())
        .finalize(rng);
    let nonces = Zeroizing::new([
        Scalar::random(&mut nonce_rng),
        Scalar::random(&mut nonce_rng),
        Scalar::random(&mut nonce_rng),
    ]);
    let [am, ar, as_] = *nonces;
    let am_g = g_table() * &am;
    let a_r = Point::new(g_table() * &ar);
    let a_c = Point::new(am_g + key * ar);
    let a_v = Point::new(am_g + h_table() * &as_);
    let c = absorb_commitments(t, &a_r, &a_c, &a_v);
    LinkProof {
        a_r,
        a_c,
        a_v,
        z_m: am + c * combined[0],
        z_r: ar + c * combined[1],
        z_s: as_ + c * combined[2],
    }
}

/// Replays the transcript and adds the proof's three equations, each with
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
///
/// With weights `ω₁, ω₂, ω₃` the three equations become
/// `ω₁(Aᴿ + cR* − zᵣG) + ω₂(Aᶜ + cC* − zₘG − zᵣK) + ω₃(Aⱽ + cV* − zₘG − zₛH)`,
/// and `R*, C*, V*` are spread back onto the `Rⱼ, Cⱼ, Vⱼ` with `λʲ⁻¹`.
pub fn verify_into_folded<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    ciphertexts: &[EncodedCiphertext],
    proof: &LinkProof,
    msm: &mut Msm,
    v_coeffs: &mut [Scalar],
    rng: &mut R,
) -> Result<()> {
    let k = ciphertexts.len();
    if k == 0 || v_coeffs.len() != k {
        return Err(CryptoError::Shape(format!(
            "a link proof over {k} ciphertexts and {} commitments",
            v_coeffs.len()
        )));
    }
    if proof.a_r.is_identity() || proof.a_c.is_identity() || proof.a_v.is_identity() {
        return Err(CryptoError::InvalidProof("link"));
    }
    let weights = lambda_powers(t, k);
    let c = absorb_commitments(t, &proof.a_r, &proof.a_c, &proof.a_v);
    let (w1, w2, w3) = (random_weight(rng), random_weight(rng), random_weight(rng));
    msm.add_g(-(w1 * proof.z_r + (w2 + w3) * proof.z_m));
    msm.add_h(-(w3 * proof.z_s));
    msm.add(-(w2 * proof.z_r), *key);
    msm.add(w1, proof.a_r);
    msm.add(w2, proof.a_c);
    msm.add(w3, proof.a_v);
    let (c1, c2, c3) = (w1 * c, w2 * c, w3 * c);
    for ((ct, v), l) in ciphertexts.iter().zip(v_coeffs).zip(&weights) {
        msm.add(c1 * l, ct.r);
        msm.add(c2 * l, ct.c);
        *v += c3 * l;
    }
    Ok(())
}

/// The reference check: replays the transcript, forms `R*, C*, V*` and
/// evaluates the three equations one by one, without random weights.
/// Slower than [`verify_into`]; the combined check is tested against it.
pub fn vartime_verify_each<P: AsPoint>(
    t: &mut Transcript,
    key: &RistrettoPoint,
    ciphertexts: &[EncodedCiphertext],
    commitments: &[P],
    proof: &LinkProof,
) -> Result<()> {
    let k = ciphertexts.len();
    if k == 0 || commitments.len() != k {
        return Err(CryptoError::Shape("link proof length".into()));
    }
    let weights = lambda_powers(t, k);
    let c = absorb_commitments(t, &proof.a_r, &proof.a_c, &proof.a_v);
    let combine =
        |points: Vec<RistrettoPoint>| RistrettoPoint::vartime_multiscalar_mul(&weights, points);
    let r = combine(ciphertexts.iter().map(|ct| *ct.r).collect());
    let cc = combine(ciphertexts.iter().map(|ct| *ct.c).collect());
    let v = combine(commitments.iter().map(AsPoint::to_point).collect());
    let holds = |scalars: &[Scalar], points: &[RistrettoPoint]| {
        RistrettoPoint::vartime_multiscalar_mul(scalars, points).is_identity()
    };
    let (one, p) = (Scalar::ONE, proof);
    let ok = holds(&[p.z_r, -one, -c], &[g(), *p.a_r, r])
        && holds(&[p.z_m, p.z_r, -one, -c], &[g(), *key, *p.a_c, cc])
        && holds(&[p.z_m, p.z_s, -one, -c], &[g(), h(), *p.a_v, v]);
    if ok {
        Ok(())
    } else {
        Err(CryptoError::InvalidProof("link"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elgamal::Ciphertext;
    use rand_core::OsRng;

    /// A statement of `k` values, the V of `shifted` committing to `m + 1`
    /// while its ciphertext encrypts `m`; the proof made with the `m`s.
    fn case(
        k: usize,
        shifted: Option<usize>,
    ) -> (
        RistrettoPoint,
        Vec<EncodedCiphertext>,
        Vec<Point>,
        LinkProof,
    ) {
        let key = RistrettoPoint::random(&mut OsRng);
        let m: Vec<Scalar> = (0..k as u64).map(|i| Scalar::from(i % 11)).collect();
        let r: Vec<Randomness> = (0..k).map(|_| Randomness::random(&mut OsRng)).collect();
        let s: Vec<Scalar> = (0..k).map(|_| Scalar::random(&mut OsRng)).collect();
        let cts: Vec<EncodedCiphertext> = m
            .iter()
            .zip(&r)
            .map(|(m, r)| Ciphertext::encrypt_with(&key, m, r).into())
            .collect();
        let vs: Vec<Point> = (0..k)
            .map(|j| {
                let mj = m[j] + Scalar::from(u64::from(shifted == Some(j)));
                Point::new(g_table() * &mj + h_table() * &s[j])
            })
            .collect();
        let witnesses: Vec<LinkWitness<'_>> = (0..k)
            .map(|j| LinkWitness {
                m: m[j],
                r: &r[j],
                s: s[j],
            })
            .collect();
        let proof = prove(&mut statement(&cts, &vs), &key, &witnesses, &mut OsRng);
        (key, cts, vs, proof)
    }

    fn statement(cts: &[EncodedCiphertext], vs: &[Point]) -> Transcript {
        let mut t = Transcript::new(b"link test");
        for (ct, v) in cts.iter().zip(vs) {
            t.append_point(b"R", &ct.r);
            t.append_point(b"C", &ct.c);
            t.append_point(b"V", v);
        }
        t
    }

    fn verdicts(
        key: &RistrettoPoint,
        cts: &[EncodedCiphertext],
        vs: &[Point],
        p: &LinkProof,
    ) -> (bool, bool) {
        let mut msm = Msm::new();
        let combined = verify_into(
            &mut statement(cts, vs),
            key,
            cts,
            vs,
            p,
            &mut msm,
            &mut OsRng,
        )
        .is_ok()
            && msm.vartime_is_zero();
        let each = vartime_verify_each(&mut statement(cts, vs), key, cts, vs, p).is_ok();
        (combined, each)
    }

    #[test]
    fn honest_links_verify_both_ways() {
        for k in [1, 2, 10, 90] {
            let (key, cts, vs, p) = case(k, None);
            assert_eq!(verdicts(&key, &cts, &vs, &p), (true, true), "k = {k}");
        }
    }

    #[test]
    fn a_commitment_to_another_value_is_rejected() {
        for j in [0, 4, 9] {
            let (key, cts, vs, p) = case(10, Some(j));
            assert_eq!(verdicts(&key, &cts, &vs, &p), (false, false), "value {j}");
        }
    }

    #[test]
    fn reordered_or_replaced_statements_are_rejected() {
        let (key, mut cts, mut vs, p) = case(10, None);
        cts.swap(2, 3);
        vs.swap(2, 3);
        assert_eq!(verdicts(&key, &cts, &vs, &p), (false, false), "swapped");
        let (key, mut cts, vs, p) = case(10, None);
        cts[5] =
            Ciphertext::encrypt_with(&key, &Scalar::from(5u64), &Randomness::random(&mut OsRng))
                .into();
        assert_eq!(
            verdicts(&key, &cts, &vs, &p),
            (false, false),
            "re-encrypted"
        );
        let (key, cts, vs, mut p) = case(10, None);
        p.z_r += Scalar::ONE;
        assert_eq!(verdicts(&key, &cts, &vs, &p), (false, false), "response");
        assert!(verify_into(
            &mut statement(&cts, &vs),
            &key,
            &cts[..9],
            &vs,
            &p,
            &mut Msm::new(),
            &mut OsRng
        )
        .is_err());
    }
}
