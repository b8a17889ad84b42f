//! Helpers shared by the ranked-question tests.
#![allow(dead_code)]

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use psephos_crypto::generators::g;
use psephos_crypto::questions::ranked::order::{self, Tiers};
use psephos_crypto::transcript::ProofContext;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// A deterministic RNG for reproducible tests.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A proof context with a known election secret key.
pub fn ctx_with_secret(seed: u64) -> (ProofContext, Scalar) {
    let mut r = rng(seed ^ 0x5eed);
    let x = Scalar::random(&mut r);
    let ctx = ProofContext {
        election_id: [seed as u8; 32],
        election_key: (g() * x).into(),
        question_id: "q-ranked".into(),
        credential: (RistrettoPoint::random(&mut r)).into(),
    };
    (ctx, x)
}

/// A proof context.
pub fn ctx(seed: u64) -> ProofContext {
    ctx_with_secret(seed).0
}

/// Every weak order over `n` options as helper ranks `0..k` onto a prefix
/// (the Fubini number of them: 1, 3, 13, 75, 541, 4683 for n = 1..6).
pub fn all_weak_orders(n: usize) -> Vec<Vec<u64>> {
    let mut out = Vec::new();
    let mut r = vec![0u64; n];
    loop {
        let max = *r.iter().max().unwrap_or(&0);
        if (0..=max).all(|v| r.contains(&v)) {
            out.push(r.clone());
        }
        let mut i = 0;
        loop {
            if i == n {
                return out;
            }
            r[i] += 1;
            if r[i] < n as u64 {
                break;
            }
            r[i] = 0;
            i += 1;
        }
    }
}

/// The tiers of helper ranks onto a prefix `0..k` (best first).
pub fn tiers_of(ranks: &[u64]) -> Tiers {
    let k = ranks.iter().max().map_or(0, |m| m + 1);
    (0..k)
        .map(|t| (0..ranks.len()).filter(|&o| ranks[o] == t).collect())
        .collect()
}

/// A random weak order over `n` options, given as tiers, with a random
/// number of options left unlisted.
pub fn random_tiers(n: usize, r: &mut impl RngCore) -> Tiers {
    let mut opts: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        opts.swap(i, (r.next_u32() as usize) % (i + 1));
    }
    let listed = (r.next_u32() as usize) % (n + 1);
    let mut tiers: Tiers = Vec::new();
    for &o in &opts[..listed] {
        if tiers.is_empty() || r.next_u32() < u32::MAX / 3 {
            tiers.push(vec![o]);
        } else {
            tiers.last_mut().unwrap().push(o);
        }
    }
    tiers
}

/// Bits (as scalars) of a pattern given per unordered pair: 0 = tie,
/// 1 = a above b, 2 = b above a.
pub fn bits_of_patterns(n: usize, patterns: &[u8]) -> Vec<Scalar> {
    let mut bits = vec![Scalar::ZERO; order::ordered_len(n)];
    for (p, &k) in order::unordered_pairs(n).zip(patterns) {
        match k {
            1 => bits[p.ab] = Scalar::ONE,
            2 => bits[p.ba] = Scalar::ONE,
            _ => {}
        }
    }
    bits
}
