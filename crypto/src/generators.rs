//! Fixed generators (spec `protocol.md` §2).
//!
//! - `G` is the Ristretto255 basepoint.
//! - `H = hash_to_group(SHA-512("psephos/v1/generator/H"))` with RFC 9496's
//!   one-way map on the 64-byte digest. Nobody knows `log_G H`; in particular
//!   it is independent of the election key `K`, so trustees who pool their
//!   shares of `log_G K` still cannot open a Pedersen commitment two ways.
//! - The Bulletproofs vector generators are those of the `bulletproofs` crate
//!   (SHAKE256 chains labelled per party), equally without known relations.

use std::sync::{Arc, OnceLock, RwLock};

use bulletproofs::{BulletproofGens, PedersenGens};
use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_POINT, RISTRETTO_BASEPOINT_TABLE};
use curve25519_dalek::ristretto::{RistrettoBasepointTable, RistrettoPoint};
use sha2::Sha512;

/// The published label from which `H` is derived.
pub const H_LABEL: &[u8] = b"psephos/v1/generator/H";

/// The basepoint `G`.
pub fn g() -> RistrettoPoint {
    RISTRETTO_BASEPOINT_POINT
}

/// Precomputed table for fixed-base multiplication by `G` (constant time).
pub fn g_table() -> &'static RistrettoBasepointTable {
    RISTRETTO_BASEPOINT_TABLE
}

/// The independent blinding generator `H`.
pub fn h() -> RistrettoPoint {
    *h_table_and_point().1
}

/// Precomputed table for fixed-base multiplication by `H` (constant time).
pub fn h_table() -> &'static RistrettoBasepointTable {
    h_table_and_point().0
}

fn h_table_and_point() -> (&'static RistrettoBasepointTable, &'static RistrettoPoint) {
    static H: OnceLock<(RistrettoBasepointTable, RistrettoPoint)> = OnceLock::new();
    let (t, p) = H.get_or_init(|| {
        let p = RistrettoPoint::hash_from_bytes::<Sha512>(H_LABEL);
        (RistrettoBasepointTable::create(&p), p)
    });
    (t, p)
}

/// `x·G` for a public integer `x`: from a table for `x < 4096` (the bounds
/// of every question kind), by fixed-base multiplication above.
pub fn small_multiple_of_g(x: u64) -> RistrettoPoint {
    const SIZE: usize = 4096;
    static TABLE: OnceLock<Vec<RistrettoPoint>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = Vec::with_capacity(SIZE);
        let mut acc = curve25519_dalek::traits::Identity::identity();
        for _ in 0..SIZE {
            t.push(acc);
            acc += g();
        }
        t
    });
    match table.get(x as usize) {
        Some(p) if x < SIZE as u64 => *p,
        _ => g_table() * &curve25519_dalek::scalar::Scalar::from(x),
    }
}

/// Pedersen generators for Bulletproofs: value base `G`, blinding base `H`.
pub fn pedersen_gens() -> PedersenGens {
    PedersenGens {
        B: g(),
        B_blinding: h(),
    }
}

/// Bulletproofs vector generators for `bits`-bit proofs over at least
/// `parties` statements. Generators of a party do not depend on the
/// capacity, so a cache that only grows returns the same points.
pub fn bulletproof_gens(bits: usize, parties: usize) -> Arc<BulletproofGens> {
    type Cache = RwLock<Vec<(usize, Arc<BulletproofGens>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| RwLock::new(Vec::new()));
    if let Ok(read) = cache.read() {
        if let Some((_, gens)) = read
            .iter()
            .find(|(b, gens)| *b == bits && gens.party_capacity >= parties)
        {
            return gens.clone();
        }
    }
    let capacity = parties.next_power_of_two().max(8);
    let gens = Arc::new(BulletproofGens::new(bits, capacity));
    if let Ok(mut write) = cache.write() {
        write.retain(|(b, _)| *b != bits);
        write.push((bits, gens.clone()));
    }
    gens
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::traits::IsIdentity;

    #[test]
    fn h_is_fixed_and_independent_of_g() {
        // Known answer: the compressed H, pinned so the derivation cannot drift.
        assert_eq!(
            crate::encoding::point_hex(&h()),
            "604e48bcfe04304831fc51229dc0b52d9684529cf5389a1c555f9cab4699216b"
        );
        assert_ne!(h(), g());
        assert!(!h().is_identity());
        assert_eq!(&h_table().basepoint(), &h());
    }

    #[test]
    fn small_multiples() {
        use curve25519_dalek::scalar::Scalar;
        for x in [0u64, 1, 2, 10, 4095, 4096, 1 << 40] {
            assert_eq!(small_multiple_of_g(x), g() * Scalar::from(x));
        }
    }

    #[test]
    fn gens_cache_grows() {
        let a = bulletproof_gens(8, 4);
        let b = bulletproof_gens(8, 64);
        assert!(b.party_capacity >= 64);
        assert_eq!(a.share(3).G(8).next(), b.share(3).G(8).next());
    }
}
