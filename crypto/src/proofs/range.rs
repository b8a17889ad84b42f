//! Aggregated Bulletproofs range proofs over many statements
//! (spec `protocol.md` §6.2).
//!
//! Each statement is a Pedersen commitment `Wᵢ = wᵢG + tᵢH` that the
//! verifier derives linearly from published commitments; the proof shows
//! `0 ≤ wᵢ < 2ⁿ` for all `i`, `n ∈ {8, 16, 32, 64}` fixed by the public
//! statement. `bulletproofs` aggregates only a power-of-two number of
//! statements, so the `q` statements are cut into **chunks whose sizes are
//! the binary digits of `q`**, largest first (`20 = 16 + 4`), each one
//! aggregated proof, all on one transcript. Padding `q` up to a power of two
//! instead would waste up to half the prover's work (a 10-option systemic
//! consensus has 20 statements: 256 padded bits against 160).
//!
//! Transcript, after the caller's statement and earlier sub-proofs:
//! `append_u64("range-bits", n)`, `append_u64("range-statements", q)`, then
//! for each chunk the `bulletproofs` protocol itself (`"rangeproof v1"`, n,
//! chunk size, its `Wᵢ`, A, S, y, z, T₁, T₂, x, …).
//!
//! The proof bytes are the chunks' `RangeProof::to_bytes` concatenated, each
//! `A‖S‖T₁‖T₂‖t_x‖t̃_x‖ẽ‖L₁‖R₁‖…‖L_p‖R_p‖a‖b`, `p = log₂(n·chunk)`; the
//! decoder accepts exactly that total length.

use bulletproofs::RangeProof;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};

use crate::error::{CryptoError, Result};
use crate::generators::{bulletproof_gens, pedersen_gens};
use crate::point::AsPoint;

/// Bit sizes `bulletproofs` supports.
pub const SUPPORTED_BITS: [usize; 4] = [8, 16, 32, 64];

/// Largest number of statements in one proof.
pub const MAX_STATEMENTS: usize = 1024;

/// Smallest supported `n` with `width < 2ⁿ`.
pub fn bits_for(width: u64) -> usize {
    SUPPORTED_BITS
        .into_iter()
        .find(|&n| n == 64 || width < (1u64 << n))
        .unwrap_or(64)
}

/// The chunk sizes of `q` statements: its binary digits, largest first.
pub fn chunks(q: usize) -> Vec<usize> {
    (0..usize::BITS)
        .rev()
        .map(|b| 1usize << b)
        .filter(|c| q & c != 0)
        .collect()
}

/// Exact byte length of one aggregated proof of `m` (a power of two)
/// statements of `bits` bits.
fn chunk_len(bits: usize, m: usize) -> usize {
    let p = (bits * m).trailing_zeros() as usize;
    32 * (9 + 2 * p)
}

/// Exact byte length of the proof of `q` statements of `bits` bits.
pub fn proof_len(bits: usize, q: usize) -> usize {
    chunks(q).into_iter().map(|m| chunk_len(bits, m)).sum()
}

fn check_params(bits: usize, q: usize) -> Result<()> {
    if !SUPPORTED_BITS.contains(&bits) {
        return Err(CryptoError::Unsupported(format!(
            "range proof of {bits} bits"
        )));
    }
    if q == 0 || q > MAX_STATEMENTS {
        return Err(CryptoError::Unsupported(format!("{q} range statements")));
    }
    Ok(())
}

/// Proves `0 ≤ wᵢ < 2^bits` for the openings `(wᵢ, tᵢ)`; returns the proof
/// bytes and the commitments the proof is about (in statement order).
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    bits: usize,
    openings: &[(u64, Scalar)],
    rng: &mut R,
) -> Result<(Vec<u8>, Vec<CompressedRistretto>)> {
    check_params(bits, openings.len())?;
    t.append_u64(b"range-bits", bits as u64);
    t.append_u64(b"range-statements", openings.len() as u64);
    let mut bytes = Vec::with_capacity(proof_len(bits, openings.len()));
    let mut commitments = Vec::with_capacity(openings.len());
    let mut rest = openings;
    for m in chunks(openings.len()) {
        let (chunk, tail) = rest.split_at(m);
        rest = tail;
        let values: Vec<u64> = chunk.iter().map(|o| o.0).collect();
        let blindings: Vec<Scalar> = chunk.iter().map(|o| o.1).collect();
        let gens = bulletproof_gens(bits, m);
        let (proof, cs) = RangeProof::prove_multiple_with_rng(
            &gens,
            &pedersen_gens(),
            t,
            &values,
            &blindings,
            bits,
            rng,
        )
        .map_err(|_| CryptoError::InvalidPlaintext("value outside its range".into()))?;
        bytes.extend_from_slice(&proof.to_bytes());
        commitments.extend(cs);
    }
    Ok((bytes, commitments))
}

/// Splits proof bytes into the byte strings of the chunk proofs of `q`
/// statements, refusing any length other than the exact one.
pub fn split_proof_bytes(bits: usize, q: usize, proof: &[u8]) -> Result<Vec<&[u8]>> {
    check_params(bits, q)?;
    if proof.len() != proof_len(bits, q) {
        return Err(CryptoError::InvalidProof("range"));
    }
    let mut rest = proof;
    Ok(chunks(q)
        .into_iter()
        .map(|m| {
            let (bytes, tail) = rest.split_at(chunk_len(bits, m));
            rest = tail;
            bytes
        })
        .collect())
}

/// Splits proof bytes into the parsed chunk proofs of `q` statements.
pub fn split_proof(bits: usize, q: usize, proof: &[u8]) -> Result<Vec<(usize, RangeProof)>> {
    split_proof_bytes(bits, q, proof)?
        .into_iter()
        .zip(chunks(q))
        .map(|(bytes, m)| {
            RangeProof::from_bytes(bytes)
                .map(|p| (m, p))
                .map_err(|_| CryptoError::InvalidProof("range"))
        })
        .collect()
}

/// Verifies a proof about the derived commitments `Wᵢ`.
pub fn verify<R: RngCore + CryptoRng, P: AsPoint>(
    t: &mut Transcript,
    bits: usize,
    commitments: &[P],
    proof: &[u8],
    rng: &mut R,
) -> Result<()> {
    let proofs = split_proof(bits, commitments.len(), proof)?;
    t.append_u64(b"range-bits", bits as u64);
    t.append_u64(b"range-statements", commitments.len() as u64);
    let compressed: Vec<CompressedRistretto> = commitments.iter().map(|p| p.encoded()).collect();
    let mut rest = compressed.as_slice();
    for (m, proof) in proofs {
        let (chunk, tail) = rest.split_at(m);
        rest = tail;
        let gens = bulletproof_gens(bits, m);
        proof
            .verify_multiple_with_rng(&gens, &pedersen_gens(), t, chunk, bits, rng)
            .map_err(|_| CryptoError::InvalidProof("range"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::{g, h};
    use rand_core::OsRng;

    #[test]
    fn bits_chunks_and_lengths() {
        assert_eq!(bits_for(0), 8);
        assert_eq!(bits_for(255), 8);
        assert_eq!(bits_for(256), 16);
        assert_eq!(bits_for(u64::MAX), 64);
        assert_eq!(chunks(20), vec![16, 4]);
        assert_eq!(chunks(1), vec![1]);
        assert_eq!(chunks(380), vec![256, 64, 32, 16, 8, 4]);
        assert_eq!(proof_len(8, 32), 32 * (9 + 2 * 8));
        assert_eq!(proof_len(8, 20), 32 * (9 + 2 * 7) + 32 * (9 + 2 * 5));
    }

    #[test]
    fn prove_verify_and_reject() {
        for q in [1usize, 5, 8, 20] {
            let openings: Vec<(u64, Scalar)> = (0..q)
                .map(|i| (i as u64 * 12, Scalar::random(&mut OsRng)))
                .collect();
            let ws: Vec<curve25519_dalek::ristretto::RistrettoPoint> = openings
                .iter()
                .map(|(w, t)| g() * Scalar::from(*w) + h() * t)
                .collect();
            let (proof, comms) =
                prove(&mut Transcript::new(b"t"), 8, &openings, &mut OsRng).unwrap();
            assert_eq!(comms.len(), q);
            assert_eq!(comms[q - 1], ws[q - 1].compress());
            verify(&mut Transcript::new(b"t"), 8, &ws, &proof, &mut OsRng).unwrap();
            assert!(verify(&mut Transcript::new(b"u"), 8, &ws, &proof, &mut OsRng).is_err());
            let mut shifted = ws.clone();
            shifted[q - 1] += g();
            assert!(verify(&mut Transcript::new(b"t"), 8, &shifted, &proof, &mut OsRng).is_err());
            assert!(verify(
                &mut Transcript::new(b"t"),
                8,
                &ws[..q - 1],
                &proof,
                &mut OsRng
            )
            .is_err());
            let mut swapped = ws.clone();
            swapped.reverse();
            if q > 1 {
                assert!(
                    verify(&mut Transcript::new(b"t"), 8, &swapped, &proof, &mut OsRng).is_err()
                );
            }
        }
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
