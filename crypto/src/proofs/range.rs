//! One aggregated Bulletproofs range proof over many statements
//! (spec `protocol.md` §6.2).
//!
//! Each statement is a Pedersen commitment `Wᵢ = wᵢG + tᵢH` that the
//! verifier derives linearly from published commitments; the proof shows
//! `0 ≤ wᵢ < 2ⁿ` for all `i` at once, `n ∈ {8, 16, 32, 64}` fixed by the
//! public statement. `bulletproofs` aggregates only a power-of-two number of
//! statements, so the list is padded with `(w, t) = (0, 0)`, whose
//! commitment is the identity, derived by the verifier as well.
//!
//! Transcript, after the caller's statement and earlier sub-proofs:
//! `append_u64("range-bits", n)`, `append_u64("range-statements", m)` with
//! the unpadded count, then the `bulletproofs` protocol itself
//! (`"rangeproof v1"`, n, padded m, every `Wᵢ`, A, S, y, z, T₁, T₂, x, …).
//!
//! The proof bytes are `RangeProof::to_bytes` of `bulletproofs` 5.0:
//! `A‖S‖T₁‖T₂‖t_x‖t̃_x‖ẽ‖L₁‖R₁‖…‖L_q‖R_q‖a‖b`, `q = log₂(n·m_padded)`, and
//! the decoder accepts exactly that length.

use bulletproofs::RangeProof;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};

use crate::error::{CryptoError, Result};
use crate::generators::{bulletproof_gens, pedersen_gens};

/// Bit sizes `bulletproofs` supports.
pub const SUPPORTED_BITS: [usize; 4] = [8, 16, 32, 64];

/// Largest number of statements in one proof (after padding).
pub const MAX_STATEMENTS: usize = 1024;

/// Smallest supported `n` with `width < 2ⁿ`.
pub fn bits_for(width: u64) -> usize {
    SUPPORTED_BITS
        .into_iter()
        .find(|&n| n == 64 || width < (1u64 << n))
        .unwrap_or(64)
}

/// Number of statements after padding.
pub fn padded_len(m: usize) -> usize {
    m.max(1).next_power_of_two()
}

/// Exact byte length of a proof for `m` statements of `bits` bits.
pub fn proof_len(bits: usize, m: usize) -> usize {
    let q = (bits * padded_len(m)).trailing_zeros() as usize;
    32 * (9 + 2 * q)
}

fn check_params(bits: usize, m: usize) -> Result<()> {
    if !SUPPORTED_BITS.contains(&bits) {
        return Err(CryptoError::Unsupported(format!(
            "range proof of {bits} bits"
        )));
    }
    if m == 0 || padded_len(m) > MAX_STATEMENTS {
        return Err(CryptoError::Unsupported(format!("{m} range statements")));
    }
    Ok(())
}

/// Proves `0 ≤ wᵢ < 2^bits` for the openings `(wᵢ, tᵢ)`; returns the proof
/// bytes and the padded list of commitments the proof is about.
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    bits: usize,
    openings: &[(u64, Scalar)],
    rng: &mut R,
) -> Result<(Vec<u8>, Vec<CompressedRistretto>)> {
    check_params(bits, openings.len())?;
    t.append_u64(b"range-bits", bits as u64);
    t.append_u64(b"range-statements", openings.len() as u64);
    let m = padded_len(openings.len());
    let mut values: Vec<u64> = openings.iter().map(|o| o.0).collect();
    let mut blindings: Vec<Scalar> = openings.iter().map(|o| o.1).collect();
    values.resize(m, 0);
    blindings.resize(m, Scalar::ZERO);
    let gens = bulletproof_gens(bits, m);
    let (proof, commitments) = RangeProof::prove_multiple_with_rng(
        &gens,
        &pedersen_gens(),
        t,
        &values,
        &blindings,
        bits,
        rng,
    )
    .map_err(|_| CryptoError::InvalidPlaintext("value outside its range".into()))?;
    Ok((proof.to_bytes(), commitments))
}

/// Verifies a proof about the derived commitments `Wᵢ` (unpadded; the
/// identity padding is added here).
pub fn verify<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    bits: usize,
    commitments: &[RistrettoPoint],
    proof: &[u8],
    rng: &mut R,
) -> Result<()> {
    check_params(bits, commitments.len())?;
    if proof.len() != proof_len(bits, commitments.len()) {
        return Err(CryptoError::InvalidProof("range"));
    }
    let proof = RangeProof::from_bytes(proof).map_err(|_| CryptoError::InvalidProof("range"))?;
    t.append_u64(b"range-bits", bits as u64);
    t.append_u64(b"range-statements", commitments.len() as u64);
    let m = padded_len(commitments.len());
    let mut compressed: Vec<CompressedRistretto> =
        commitments.iter().map(|p| p.compress()).collect();
    compressed.resize(m, RistrettoPoint::identity().compress());
    let gens = bulletproof_gens(bits, m);
    proof
        .verify_multiple_with_rng(&gens, &pedersen_gens(), t, &compressed, bits, rng)
        .map_err(|_| CryptoError::InvalidProof("range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::{g, h};
    use rand_core::OsRng;

    #[test]
    fn bits_and_lengths() {
        assert_eq!(bits_for(0), 8);
        assert_eq!(bits_for(255), 8);
        assert_eq!(bits_for(256), 16);
        assert_eq!(bits_for(u64::MAX), 64);
        assert_eq!(padded_len(5), 8);
        assert_eq!(proof_len(8, 32), 32 * (9 + 2 * 8));
    }

    #[test]
    fn prove_verify_and_reject() {
        let openings: Vec<(u64, Scalar)> = (0..5)
            .map(|i| (i * 50, Scalar::random(&mut OsRng)))
            .collect();
        let ws: Vec<RistrettoPoint> = openings
            .iter()
            .map(|(w, t)| g() * Scalar::from(*w) + h() * t)
            .collect();
        let (proof, comms) = prove(&mut Transcript::new(b"t"), 8, &openings, &mut OsRng).unwrap();
        assert_eq!(comms.len(), 8);
        assert_eq!(comms[0], ws[0].compress());
        verify(&mut Transcript::new(b"t"), 8, &ws, &proof, &mut OsRng).unwrap();
        assert!(verify(&mut Transcript::new(b"u"), 8, &ws, &proof, &mut OsRng).is_err());
        let mut shifted = ws.clone();
        shifted[2] += g();
        assert!(verify(&mut Transcript::new(b"t"), 8, &shifted, &proof, &mut OsRng).is_err());
        assert!(verify(&mut Transcript::new(b"t"), 8, &ws[..4], &proof, &mut OsRng).is_err());
    }

    #[test]
    fn value_over_range_does_not_verify() {
        // A prover who really tries: 256 has no 8-bit decomposition, so it
        // commits to 256 but proves the bits of 256 mod 2⁸ = 0.
        let t_ = Scalar::random(&mut OsRng);
        let (proof, _) = prove(&mut Transcript::new(b"t"), 8, &[(0, t_)], &mut OsRng).unwrap();
        let w = g() * Scalar::from(256u64) + h() * t_;
        assert!(verify(&mut Transcript::new(b"t"), 8, &[w], &proof, &mut OsRng).is_err());
    }
}
