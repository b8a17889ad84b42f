//! Property tests: proofs verify for random sizes and fail for wrong
//! roots, sizes, indices and paths; garbage never panics.

use proptest::prelude::*;
use psephos_board::merkle::leaf_hash;
use psephos_board::{verify_consistency, verify_inclusion, Hash, MerkleTree};

fn tree(n: u64) -> MerkleTree {
    MerkleTree::from_leaves((0..n).map(|i| leaf_hash(&i.to_be_bytes())))
}

fn flip(h: &Hash, bit: u8) -> Hash {
    let mut b = h.0;
    b[(bit / 8) as usize % 32] ^= 1 << (bit % 8);
    Hash(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inclusion_verifies_and_rejects(n in 1u64..3000, i in any::<u64>(), bit in any::<u8>(), delta in 1u64..5) {
        // Five leaves more than the proof's size, for the roots of wrong sizes.
        let t = tree(n + 5);
        let index = i % n;
        let root = t.root_at(n).unwrap();
        let leaf = t.leaf(index).unwrap();
        let p = t.inclusion_proof(index, n).unwrap();
        prop_assert_eq!(&p, &tree(n).inclusion_proof(index, n).unwrap());
        prop_assert!(p.verify(&leaf, &root).is_ok());
        // Wrong root, wrong leaf.
        prop_assert!(p.verify(&leaf, &flip(&root, bit)).is_err());
        prop_assert!(p.verify(&flip(&leaf, bit), &root).is_err());
        // Wrong index.
        for other in [index.wrapping_add(delta), index.wrapping_sub(delta)] {
            if other != index {
                prop_assert!(verify_inclusion(&leaf, other, n, &p.path, &root).is_err());
            }
        }
        // Wrong size, claimed with the true root of that size (a size and a
        // root come together in a checkpoint; the root alone does not bind
        // the size, RFC 9162 §2.1.3.2).
        for m in [n + delta, n.saturating_sub(delta)] {
            if m != n && m > index {
                let r = t.root_at(m).unwrap();
                prop_assert!(verify_inclusion(&leaf, index, m, &p.path, &r).is_err());
            }
        }
        // Tampered path: a flipped, dropped or extra hash.
        if !p.path.is_empty() {
            let mut bad = p.path.clone();
            let k = bit as usize % bad.len();
            bad[k] = flip(&bad[k], bit);
            prop_assert!(verify_inclusion(&leaf, index, n, &bad, &root).is_err());
            let mut short = p.path.clone();
            short.pop();
            prop_assert!(verify_inclusion(&leaf, index, n, &short, &root).is_err());
        }
        let mut long = p.path.clone();
        long.push(root);
        prop_assert!(verify_inclusion(&leaf, index, n, &long, &root).is_err());
    }

    #[test]
    fn consistency_verifies_and_rejects(n in 1u64..3000, m0 in any::<u64>(), bit in any::<u8>(), delta in 1u64..5) {
        let t = tree(n + 5);
        let m = m0 % n + 1;
        let (old, new) = (t.root_at(m).unwrap(), t.root_at(n).unwrap());
        let p = t.consistency_proof(m, n).unwrap();
        prop_assert!(p.verify(&old, &new).is_ok());
        prop_assert!(p.verify(&flip(&old, bit), &new).is_err());
        prop_assert!(p.verify(&old, &flip(&new, bit)).is_err());
        // Wrong sizes, each with the true root of the size claimed.
        for m2 in [m + delta, m.saturating_sub(delta)] {
            if m2 != m && m2 >= 1 && m2 <= n {
                let r = t.root_at(m2).unwrap();
                prop_assert!(verify_consistency(m2, n, &p.path, &r, &new).is_err());
            }
        }
        for n2 in [n + delta, n.saturating_sub(delta)] {
            if n2 != n && n2 >= m {
                let r = t.root_at(n2).unwrap();
                prop_assert!(verify_consistency(m, n2, &p.path, &old, &r).is_err());
            }
        }
        if !p.path.is_empty() {
            let mut bad = p.path.clone();
            let k = bit as usize % bad.len();
            bad[k] = flip(&bad[k], bit);
            prop_assert!(verify_consistency(m, n, &bad, &old, &new).is_err());
        }
        // A different log of the same sizes is not consistent with this one.
        let other = MerkleTree::from_leaves((0..n).map(|i| leaf_hash(&(i + 1).to_le_bytes())));
        prop_assert!(verify_consistency(m, n, &p.path, &old, &other.root()).is_err());
    }

    #[test]
    fn garbage_never_panics(index in any::<u64>(), size in any::<u64>(), old in any::<u64>(),
                            path in proptest::collection::vec(any::<[u8; 32]>(), 0..140),
                            a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
        let path: Vec<Hash> = path.into_iter().map(Hash).collect();
        let _ = verify_inclusion(&Hash(a), index, size, &path, &Hash(b));
        let _ = verify_consistency(old, size, &path, &Hash(a), &Hash(b));
        let _ = verify_consistency(old % (size.max(1)), size, &path, &Hash(a), &Hash(b));
    }
}
