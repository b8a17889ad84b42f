//! Soundness of the ranked validity proof (spec `ranked.md` §6): the
//! constraint model is exact, and cheating provers that do their best are
//! rejected by the proof that must reject them.

mod ranked_common;

use curve25519_dalek::scalar::Scalar;
use psephos_crypto::elgamal::Randomness;
use psephos_crypto::msm::Msm;
use psephos_crypto::proofs::range;
use psephos_crypto::questions::ranked::{self, or3, order, RankedAnswer};
use psephos_crypto::transcript::ProofContext;
use psephos_crypto::CryptoError;
use ranked_common::{all_weak_orders, bits_of_patterns, ctx, rng};

const BOUND: u64 = 1 << ranked::RANGE_BITS;

fn is_small(e: &Scalar) -> bool {
    e.as_bytes()[1..].iter().all(|&b| b == 0) && u64::from(e.as_bytes()[0]) < BOUND
}

fn int(x: i64) -> Scalar {
    if x >= 0 {
        Scalar::from(x as u64)
    } else {
        -Scalar::from(x.unsigned_abs())
    }
}

/// The range values `E1, E2` of every unordered pair, as scalars.
fn range_values(n: usize, bits: &[Scalar], ranks: &[Scalar]) -> Vec<Scalar> {
    let nn = Scalar::from(n as u64);
    order::unordered_pairs(n)
        .flat_map(|p| {
            let delta = ranks[p.b] - ranks[p.a];
            [
                delta - bits[p.ab] + nn * bits[p.ba],
                -delta - bits[p.ba] + nn * bits[p.ab],
            ]
        })
        .collect()
}

fn satisfied(n: usize, bits: &[Scalar], ranks: &[Scalar]) -> usize {
    range_values(n, bits, ranks)
        .iter()
        .filter(|e| is_small(e))
        .count()
}

/// The best helper ranks a cheater can find for `bits` (n ≤ 4): rank 0 for
/// option 0, every other rank among the integers in `−2n..=2n` (and the
/// half-integers between them for n ≤ 3), maximising the number of
/// satisfied range statements.
fn best_ranks(n: usize, bits: &[Scalar]) -> Vec<Scalar> {
    let half = Scalar::from(2u8).invert();
    let span = 2 * n as i64;
    let candidates: Vec<Scalar> = if n <= 3 {
        (-2 * span..=2 * span).map(|k| int(k) * half).collect()
    } else {
        (-span..=span).map(int).collect()
    };
    let mut best = (0, vec![Scalar::ZERO; n]);
    let mut idx = vec![0usize; n - 1];
    loop {
        let ranks: Vec<Scalar> = std::iter::once(Scalar::ZERO)
            .chain(idx.iter().map(|&i| candidates[i]))
            .collect();
        let s = satisfied(n, bits, &ranks);
        if s > best.0 {
            best = (s, ranks);
        }
        let mut i = 0;
        loop {
            if i == idx.len() {
                return best.1;
            }
            idx[i] += 1;
            if idx[i] < candidates.len() {
                break;
            }
            idx[i] = 0;
            i += 1;
        }
    }
}

fn cheat(c: &ProofContext, n: usize, bits: &[Scalar], ranks: &[Scalar], seed: u64) -> RankedAnswer {
    let mut r = rng(seed);
    let k = order::ordered_len(n);
    let rs: Vec<Randomness> = (0..k).map(|_| Randomness::random(&mut r)).collect();
    let ss: Vec<Scalar> = (0..k).map(|_| Scalar::random(&mut r)).collect();
    let ts: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut r)).collect();
    ranked::prove_with(c, n, bits, ranks, &rs, &ss, &ts, &mut r).unwrap()
}

/// (link and OR equations hold, range proof holds, verify's verdict).
fn judge(c: &ProofContext, n: usize, a: &RankedAnswer) -> (bool, bool, Result<(), CryptoError>) {
    let mut r = rng(99);
    let mut msm = Msm::new();
    let mut t = ranked::verify_into(c, n, a, &mut msm, &mut r).unwrap();
    let w = ranked::derived_commitments(n, &a.commitments, &a.ranks).unwrap();
    let range_ok = range::verify(&mut t, ranked::RANGE_BITS, &w, &a.range, &mut r).is_ok();
    (
        msm.vartime_is_zero(),
        range_ok,
        ranked::verify(c, n, a, &mut r),
    )
}

/// A cheater whose bits are valid OR patterns but no weak order: link and
/// OR proofs hold, the range proof must fail.
fn assert_range_rejects(n: usize, bits: &[Scalar], ranks: &[Scalar], seed: u64) {
    assert!(satisfied(n, bits, ranks) < order::ordered_len(n));
    let c = ctx(seed);
    let a = cheat(&c, n, bits, ranks, seed);
    let (sigma, range_ok, verdict) = judge(&c, n, &a);
    assert!(sigma, "the cheater's link and OR proofs should hold");
    assert!(!range_ok);
    assert_eq!(verdict, Err(CryptoError::InvalidProof("range")));
}

/// A cheater with bits outside the OR patterns and ranks that satisfy every
/// range statement: link and range proofs hold, the OR proof must fail.
fn assert_or_rejects(n: usize, bits: &[Scalar], ranks: &[Scalar], seed: u64) {
    assert_eq!(
        satisfied(n, bits, ranks),
        order::ordered_len(n),
        "the cheater should satisfy every E"
    );
    let c = ctx(seed);
    let a = cheat(&c, n, bits, ranks, seed);
    let (sigma, range_ok, verdict) = judge(&c, n, &a);
    assert!(range_ok, "the cheater's range proof should hold");
    assert!(!sigma);
    assert_eq!(verdict, Err(CryptoError::InvalidProof("or")));
}

fn is_weak_order(n: usize, bits: &[Scalar]) -> bool {
    let b: Option<Vec<u64>> = bits
        .iter()
        .map(|d| (d == &Scalar::ZERO || d == &Scalar::ONE).then_some(u64::from(d == &Scalar::ONE)))
        .collect();
    b.is_some_and(|b| order::tiers_from_bits(n, &b).is_ok())
}

/// Whether integer helper ranks satisfy the windows `0 ≤ E1, E2 < 2⁸` of
/// every pair (difference constraints; Floyd–Warshall finds a negative
/// cycle iff there are none). `use_e1`/`use_e2` drop one family.
fn feasible(n: usize, patterns: &[u8], use_e1: bool, use_e2: bool) -> bool {
    const INF: i64 = i64::MAX / 4;
    let (nn, hi) = (n as i64, BOUND as i64 - 1);
    let mut d = vec![vec![INF; n]; n];
    (0..n).for_each(|i| d[i][i] = 0);
    for (p, &k) in order::unordered_pairs(n).zip(patterns) {
        let (x, y) = match k {
            0 => (0, 0),
            1 => (1, 0),
            _ => (0, 1),
        };
        // E1 = δ − x + n·y ∈ [0, hi] and E2 = −δ − y + n·x ∈ [0, hi].
        let (mut lo, mut up) = (i64::MIN / 4, i64::MAX / 4);
        if use_e1 {
            lo = lo.max(x - nn * y);
            up = up.min(x - nn * y + hi);
        }
        if use_e2 {
            lo = lo.max(nn * x - y - hi);
            up = up.min(nn * x - y);
        }
        // r_b − r_a ≤ up and r_a − r_b ≤ −lo.
        d[p.a][p.b] = d[p.a][p.b].min(up);
        d[p.b][p.a] = d[p.b][p.a].min(-lo);
    }
    for m in 0..n {
        for i in 0..n {
            for j in 0..n {
                if d[i][m] < INF && d[m][j] < INF {
                    d[i][j] = d[i][j].min(d[i][m] + d[m][j]);
                }
            }
        }
    }
    (0..n).all(|i| d[i][i] >= 0)
}

fn all_patterns(n: usize) -> Vec<Vec<u8>> {
    let m = order::unordered_len(n);
    (0..3usize.pow(m as u32))
        .map(|mut code| {
            (0..m)
                .map(|_| {
                    let k = (code % 3) as u8;
                    code /= 3;
                    k
                })
                .collect()
        })
        .collect()
}

#[test]
fn range_windows_force_the_claimed_differences() {
    // For each OR pattern, every scalar δ with E1 ∈ [0, 2⁸) is E1 + x − n·y;
    // keep those with E2 ∈ [0, 2⁸) too. They must be exactly δ = 0,
    // 1 ≤ δ ≤ n and −n ≤ δ ≤ −1.
    for n in order::MIN_OPTIONS..=order::MAX_OPTIONS {
        let nn = n as i64;
        for (k, (x, y)) in or3::BRANCHES.iter().enumerate() {
            let (x, y) = (i64::from(*x), i64::from(*y));
            let accepted: Vec<i64> = (0..BOUND as i64)
                .map(|e1| e1 + x - nn * y)
                .filter(|&delta| is_small(&(int(-delta - y + nn * x))))
                .collect();
            let expected: Vec<i64> = match k {
                0 => vec![0],
                1 => (1..=nn).collect(),
                _ => (-nn..=-1).collect(),
            };
            assert_eq!(accepted, expected, "n={n} pattern ({x},{y})");
        }
    }
}

#[test]
fn constraint_model_accepts_exactly_the_weak_orders() {
    for n in 2..=5 {
        let mut accepted = 0;
        for pat in all_patterns(n) {
            let bits = bits_of_patterns(n, &pat);
            let weak = is_weak_order(n, &bits);
            assert_eq!(feasible(n, &pat, true, true), weak, "n={n} {pat:?}");
            accepted += usize::from(weak);
        }
        assert_eq!(accepted, [0, 0, 3, 13, 75, 541][n]);
    }
}

#[test]
fn neither_range_family_can_be_dropped() {
    // A 3-cycle 0 > 1 > 2 > 0 satisfies all E1 alone, and all E2 alone.
    let cycle = [1u8, 2, 1]; // pairs (0,1), (0,2), (1,2)
    assert!(!feasible(3, &cycle, true, true));
    assert!(feasible(3, &cycle, true, false));
    assert!(feasible(3, &cycle, false, true));
    // Ties alone are not transitive without both: 0~1, 1~2, 0 > 2.
    let ties = [0u8, 1, 0];
    assert!(!feasible(3, &ties, true, true));
    assert!(feasible(3, &ties, true, false));
}

#[test]
fn every_weak_order_of_six_options_encodes_within_the_constraints() {
    let n = 6;
    let orders = all_weak_orders(n);
    assert_eq!(orders.len(), 4683);
    let mut seen = std::collections::HashSet::new();
    for ranks in &orders {
        let bits = order::bits_from_ranks(n, ranks);
        let bs: Vec<Scalar> = bits.iter().map(|&d| Scalar::from(d)).collect();
        let rs: Vec<Scalar> = ranks.iter().map(|&r| Scalar::from(r)).collect();
        // Every pair is a real OR branch and every E is in 0..=n−1.
        for p in order::unordered_pairs(n) {
            let k = or3::branch_of(&bs[p.ab], &bs[p.ba]);
            assert_eq!(
                or3::BRANCHES[k as usize],
                (bits[p.ab] as u8, bits[p.ba] as u8)
            );
        }
        for e in range_values(n, &bs, &rs) {
            assert!(is_small(&e) && u64::from(e.as_bytes()[0]) < n as u64);
        }
        let tiers = order::tiers_from_bits(n, &bits).unwrap();
        assert_eq!(order::bits_from_tiers(n, &tiers).unwrap(), bits);
        assert_eq!(tiers, ranked_common::tiers_of(ranks));
        assert!(seen.insert(bits));
    }
}

#[test]
fn every_pattern_of_three_options_verifies_iff_weak_order() {
    let n = 3;
    let (mut ok, mut rejected) = (0, 0);
    for (i, pat) in all_patterns(n).into_iter().enumerate() {
        let bits = bits_of_patterns(n, &pat);
        let ranks = best_ranks(n, &bits);
        if is_weak_order(n, &bits) {
            let c = ctx(i as u64);
            let a = cheat(&c, n, &bits, &ranks, i as u64);
            ranked::verify(&c, n, &a, &mut rng(1)).unwrap();
            ok += 1;
        } else {
            assert_range_rejects(n, &bits, &ranks, i as u64);
            rejected += 1;
        }
    }
    assert_eq!((ok, rejected), (13, 14));
}

#[test]
fn sampled_patterns_of_four_options_verify_iff_weak_order() {
    let n = 4;
    let pats = all_patterns(n);
    assert_eq!(pats.len(), 729);
    let (mut ok, mut rejected) = (0, 0);
    // Every weak order and every sixth of the other patterns.
    for (i, pat) in pats.into_iter().enumerate() {
        let bits = bits_of_patterns(n, &pat);
        if i % 6 != 0 && !is_weak_order(n, &bits) {
            continue;
        }
        let ranks = best_ranks(n, &bits);
        if is_weak_order(n, &bits) {
            let c = ctx(i as u64);
            let a = cheat(&c, n, &bits, &ranks, i as u64);
            ranked::verify(&c, n, &a, &mut rng(2)).unwrap();
            ok += 1;
        } else {
            assert_range_rejects(n, &bits, &ranks, i as u64);
            rejected += 1;
        }
    }
    assert_eq!(ok, 75);
    assert!(rejected >= 100, "{rejected}");
}

#[test]
fn cycles_and_intransitive_ties_are_rejected_by_the_range_proof() {
    // n = 3, best ranks by search.
    for pat in [[1u8, 2, 1], [2, 1, 2], [0, 1, 0], [1, 0, 0], [0, 0, 1]] {
        let bits = bits_of_patterns(3, &pat);
        assert!(!is_weak_order(3, &bits));
        assert_range_rejects(3, &bits, &best_ranks(3, &bits), 30);
    }
    // n = 6: 0 > 1 > 2 > 0 on top of a strict order 0 > 1 > ... > 5 with
    // its honest ranks; only pair (0,2) is inconsistent.
    let n = 6;
    let ranks: Vec<u64> = (0..n as u64).collect();
    let mut bits: Vec<Scalar> = order::bits_from_ranks(n, &ranks)
        .iter()
        .map(|&d| Scalar::from(d))
        .collect();
    bits[order::ordered_index(n, 0, 2).unwrap()] = Scalar::ZERO;
    bits[order::ordered_index(n, 2, 0).unwrap()] = Scalar::ONE;
    let rs: Vec<Scalar> = ranks.iter().map(|&r| Scalar::from(r)).collect();
    assert_eq!(satisfied(n, &bits, &rs), order::ordered_len(n) - 1);
    assert_range_rejects(n, &bits, &rs, 31);
}

#[test]
fn both_bits_set_is_rejected_by_the_or_proof() {
    // (d01, d10) = (1, 1) with 0 ~ 1 above 2: every range statement holds.
    let mut bits = bits_of_patterns(3, &[0, 1, 1]);
    bits[order::ordered_index(3, 0, 1).unwrap()] = Scalar::ONE;
    bits[order::ordered_index(3, 1, 0).unwrap()] = Scalar::ONE;
    assert_or_rejects(3, &bits, &best_ranks(3, &bits), 40);
    // The same at n = 8 with honest ranks (0 and 1 tied).
    let n = 8;
    let ranks = [0u64, 0, 1, 2, 2, 3, 4, 4];
    let mut bits: Vec<Scalar> = order::bits_from_ranks(n, &ranks)
        .iter()
        .map(|&d| Scalar::from(d))
        .collect();
    bits[order::ordered_index(n, 0, 1).unwrap()] = Scalar::ONE;
    bits[order::ordered_index(n, 1, 0).unwrap()] = Scalar::ONE;
    let rs: Vec<Scalar> = ranks.iter().map(|&r| Scalar::from(r)).collect();
    assert_or_rejects(n, &bits, &rs, 41);
}

#[test]
fn a_bit_equal_to_two_is_rejected_by_the_or_proof() {
    // d01 = 2 in 0 > 1 > 2: ranks (0, 2, 3) satisfy every range statement.
    let mut bits = bits_of_patterns(3, &[1, 1, 1]);
    bits[order::ordered_index(3, 0, 1).unwrap()] = Scalar::from(2u8);
    let ranks = best_ranks(3, &bits);
    assert_or_rejects(3, &bits, &ranks, 50);
    // n = 10: 0 in tier 0, 1 in tier 2 (δ = 2), honest elsewhere.
    let n = 10;
    let ranks = [0u64, 2, 1, 3, 4, 5, 6, 7, 8, 9];
    let mut bits: Vec<Scalar> = order::bits_from_ranks(n, &ranks)
        .iter()
        .map(|&d| Scalar::from(d))
        .collect();
    bits[order::ordered_index(n, 0, 1).unwrap()] = Scalar::from(2u8);
    let rs: Vec<Scalar> = ranks.iter().map(|&r| Scalar::from(r)).collect();
    assert_or_rejects(n, &bits, &rs, 51);
}

#[test]
fn non_integer_bits_are_rejected_by_the_or_proof() {
    let half = Scalar::from(2u8).invert();
    // d01 = d10 = 1/2: half a vote each way. With δ = (n−1)/2 the range
    // values are E1 = n−1, E2 = 0, so for odd n (and n = 2 with δ = 1/2)
    // only the OR proof stands in the way.
    for n in [2usize, 3] {
        let mut bits = bits_of_patterns(n, &vec![1; order::unordered_len(n)]);
        bits[order::ordered_index(n, 0, 1).unwrap()] = half;
        bits[order::ordered_index(n, 1, 0).unwrap()] = half;
        assert_or_rejects(n, &bits, &best_ranks(n, &bits), 60 + n as u64);
    }
    let n = 7;
    let ranks = [0u64, 3, 1, 2, 4, 5, 6];
    let mut bits: Vec<Scalar> = order::bits_from_ranks(n, &ranks)
        .iter()
        .map(|&d| Scalar::from(d))
        .collect();
    bits[order::ordered_index(n, 0, 1).unwrap()] = half;
    bits[order::ordered_index(n, 1, 0).unwrap()] = half;
    let rs: Vec<Scalar> = ranks.iter().map(|&r| Scalar::from(r)).collect();
    assert_or_rejects(n, &bits, &rs, 67);
    // A lone half bit cannot even satisfy the range statements; it fails.
    let mut bits = bits_of_patterns(3, &[1, 1, 1]);
    bits[order::ordered_index(3, 0, 1).unwrap()] = half;
    let ranks = best_ranks(3, &bits);
    let c = ctx(68);
    let a = cheat(&c, 3, &bits, &ranks, 68);
    assert!(ranked::verify(&c, 3, &a, &mut rng(3)).is_err());
}
