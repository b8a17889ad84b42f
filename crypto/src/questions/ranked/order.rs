//! Weak orders and their pairwise bits (spec `ranked.md` §2–§3).
//!
//! A voter's plaintext is a weak order over the options `0..n`, given as
//! *tiers*: a list of lists of option indices, best first; options in one
//! tier are tied; options that no tier lists tie below every listed one.
//! Every option appears at most once and no tier is empty.
//!
//! Its encoding is the bit `d_ab = [a strictly above b]` of every ordered
//! pair `a ≠ b`, in **row-major order skipping the diagonal**: the pair
//! `(a, b)` has index `a·(n−1) + b` if `b < a`, and `a·(n−1) + b − 1` if
//! `b > a` (spec §3.1). Unordered pairs `{a, b}`, `a < b`, are taken in
//! lexicographic order `(0,1), (0,2), …, (0,n−1), (1,2), …` (spec §3.2).
//!
//! The honest helper rank of an option is the index of its tier, and the
//! number of tiers for an unlisted option (spec §3.3).

use crate::error::{CryptoError, Result};

/// Fewest options of a ranked question.
pub const MIN_OPTIONS: usize = 2;

/// Most options of a ranked question (spec §1): `n(n−1) = 380` encrypted
/// bits and 380 range statements at most.
pub const MAX_OPTIONS: usize = 20;

/// A weak order as tiers of option indices, best first.
pub type Tiers = Vec<Vec<usize>>;

/// Checks `MIN_OPTIONS ≤ n ≤ MAX_OPTIONS`.
pub fn check_options(n: usize) -> Result<()> {
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&n) {
        return Err(CryptoError::Unsupported(format!(
            "ranked question over {n} options ({MIN_OPTIONS}..={MAX_OPTIONS} supported)"
        )));
    }
    Ok(())
}

/// Number of ordered pairs, `n(n−1)`: the number of encrypted bits.
pub fn ordered_len(n: usize) -> usize {
    n.saturating_mul(n.saturating_sub(1))
}

/// Number of unordered pairs, `n(n−1)/2`: the number of OR proofs.
pub fn unordered_len(n: usize) -> usize {
    ordered_len(n) / 2
}

/// Index of the ordered pair `(a, b)` (spec §3.1), `None` if `a = b` or an
/// option is out of range.
pub fn ordered_index(n: usize, a: usize, b: usize) -> Option<usize> {
    if a >= n || b >= n || a == b {
        return None;
    }
    a.checked_mul(n - 1)?
        .checked_add(if b < a { b } else { b - 1 })
}

/// The ordered pairs `(a, b)`, `a ≠ b`, in index order.
pub fn ordered_pairs(n: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..n).flat_map(move |a| (0..n).filter(move |&b| b != a).map(move |b| (a, b)))
}

/// The unordered pairs `(a, b)`, `a < b`, in lexicographic order, each with
/// the ordered indices of `(a, b)` and `(b, a)`.
pub fn unordered_pairs(n: usize) -> impl Iterator<Item = UnorderedPair> {
    (0..n).flat_map(move |a| {
        (a + 1..n).map(move |b| UnorderedPair {
            a,
            b,
            ab: a * (n - 1) + b - 1,
            ba: b * (n - 1) + a,
        })
    })
}

/// An unordered pair `a < b` with the indices of its two ordered pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnorderedPair {
    /// The smaller option.
    pub a: usize,
    /// The larger option.
    pub b: usize,
    /// Index of `(a, b)`.
    pub ab: usize,
    /// Index of `(b, a)`.
    pub ba: usize,
}

/// The honest helper ranks of `tiers` (spec §3.3): the tier index of each
/// listed option, the number of tiers for the others. Rejects options out
/// of range, repeated options and empty tiers.
pub fn ranks_from_tiers(n: usize, tiers: &[Vec<usize>]) -> Result<Vec<u64>> {
    check_options(n)?;
    let mut rank: Vec<Option<u64>> = vec![None; n];
    for (i, tier) in tiers.iter().enumerate() {
        if tier.is_empty() {
            return Err(CryptoError::InvalidPlaintext(format!("tier {i} is empty")));
        }
        for &o in tier {
            match rank.get_mut(o) {
                None => return Err(CryptoError::InvalidPlaintext(format!("no option {o}"))),
                Some(Some(_)) => {
                    return Err(CryptoError::InvalidPlaintext(format!(
                        "option {o} ranked twice"
                    )))
                }
                Some(r) => *r = Some(i as u64),
            }
        }
    }
    let unlisted = tiers.len() as u64;
    Ok(rank.into_iter().map(|r| r.unwrap_or(unlisted)).collect())
}

/// The bits `d_ab = [rank_a < rank_b]` in ordered-pair order (a lower rank is
/// a better tier).
pub fn bits_from_ranks(n: usize, ranks: &[u64]) -> Vec<u64> {
    ordered_pairs(n)
        .map(|(a, b)| u64::from(ranks.get(a) < ranks.get(b)))
        .collect()
}

/// The bits of a weak order given as tiers.
pub fn bits_from_tiers(n: usize, tiers: &[Vec<usize>]) -> Result<Vec<u64>> {
    Ok(bits_from_ranks(n, &ranks_from_tiers(n, tiers)?))
}

/// Decodes bits into the canonical tiers of the weak order they encode:
/// every option listed, options within a tier ascending (spec §3.4).
/// Fails unless every bit is 0 or 1 and the bits come from a weak order.
///
/// Test: with `above(a)` the number of options `b` with `d_ba = 1`, the
/// bits come from a weak order iff they equal `bits_from_ranks(above)`.
pub fn tiers_from_bits(n: usize, bits: &[u64]) -> Result<Tiers> {
    check_options(n)?;
    if bits.len() != ordered_len(n) {
        return Err(CryptoError::Shape(format!(
            "{} bits for {n} options, expected {}",
            bits.len(),
            ordered_len(n)
        )));
    }
    if bits.iter().any(|&d| d > 1) {
        return Err(CryptoError::InvalidPlaintext(
            "a pairwise bit is not 0 or 1".into(),
        ));
    }
    let mut above = vec![0u64; n];
    for ((_, b), d) in ordered_pairs(n).zip(bits) {
        above[b] += d;
    }
    if bits_from_ranks(n, &above) != bits {
        return Err(CryptoError::InvalidPlaintext(
            "the pairwise bits are not a weak order".into(),
        ));
    }
    let mut levels: Vec<u64> = above.clone();
    levels.sort_unstable();
    levels.dedup();
    Ok(levels
        .into_iter()
        .map(|l| (0..n).filter(|&o| above[o] == l).collect())
        .collect())
}

/// The canonical form of `tiers` (every option listed, each tier ascending).
pub fn canonical_tiers(n: usize, tiers: &[Vec<usize>]) -> Result<Tiers> {
    tiers_from_bits(n, &bits_from_tiers(n, tiers)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_indices_are_row_major_without_diagonal() {
        for n in MIN_OPTIONS..=MAX_OPTIONS {
            for (i, (a, b)) in ordered_pairs(n).enumerate() {
                assert_eq!(ordered_index(n, a, b), Some(i));
            }
            assert_eq!(ordered_pairs(n).count(), ordered_len(n));
            let un: Vec<_> = unordered_pairs(n).collect();
            assert_eq!(un.len(), unordered_len(n));
            for p in un {
                assert!(p.a < p.b);
                assert_eq!(ordered_index(n, p.a, p.b), Some(p.ab));
                assert_eq!(ordered_index(n, p.b, p.a), Some(p.ba));
            }
        }
        assert_eq!(ordered_index(3, 1, 1), None);
        assert_eq!(ordered_index(3, 3, 1), None);
        assert_eq!(ordered_index(3, 2, 0), Some(4));
    }

    #[test]
    fn tiers_round_trip_and_rejections() {
        let n = 5;
        let t = vec![vec![3], vec![0, 4]];
        let bits = bits_from_tiers(n, &t).unwrap();
        assert_eq!(
            tiers_from_bits(n, &bits).unwrap(),
            vec![vec![3], vec![0, 4], vec![1, 2]]
        );
        assert_eq!(canonical_tiers(n, &[]).unwrap(), vec![vec![0, 1, 2, 3, 4]]);
        assert!(ranks_from_tiers(n, &[vec![5]]).is_err());
        assert!(ranks_from_tiers(n, &[vec![1], vec![1]]).is_err());
        assert!(ranks_from_tiers(n, &[vec![1], vec![]]).is_err());
        assert!(ranks_from_tiers(1, &[]).is_err());
        assert!(ranks_from_tiers(21, &[]).is_err());
        // A 3-cycle 0 > 1 > 2 > 0 is not a weak order.
        let mut cyc = vec![0u64; ordered_len(3)];
        for (a, b) in [(0, 1), (1, 2), (2, 0)] {
            cyc[ordered_index(3, a, b).unwrap()] = 1;
        }
        assert!(tiers_from_bits(3, &cyc).is_err());
        assert!(tiers_from_bits(3, &cyc[1..]).is_err());
    }
}
