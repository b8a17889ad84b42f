//! The Merkle tree against a naive, literal transcription of RFC 9162 §2.1
//! (MTH, PATH, PROOF/SUBPROOF) on every size 1..=70 and every index/size
//! pair, plus the published Certificate Transparency test vectors.

use psephos_board::merkle::{empty_root, leaf_hash, node_hash};
use psephos_board::{verify_consistency, verify_inclusion, Hash, MerkleTree, RootAccumulator};

/// Largest power of two strictly below `n`, by counting up (no bit tricks).
fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.1 MTH over raw entries.
fn mth(d: &[Vec<u8>]) -> Hash {
    match d.len() {
        0 => empty_root(),
        1 => leaf_hash(&d[0]),
        n => {
            let k = k_of(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.1 PATH(m, D[n]).
fn path(m: usize, d: &[Vec<u8>]) -> Vec<Hash> {
    let n = d.len();
    if n == 1 {
        return vec![];
    }
    let k = k_of(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b).
fn subproof(m: usize, d: &[Vec<u8>], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(d)] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn data(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
}

#[test]
fn roots_paths_and_proofs_match_the_rfc_on_sizes_1_to_70() {
    let all = data(70);
    let tree = MerkleTree::from_leaves(all.iter().map(|d| leaf_hash(d)));
    let mut acc = RootAccumulator::new();
    for n in 1..=70usize {
        acc.push(leaf_hash(&all[n - 1]));
        let d = &all[..n];
        let root = mth(d);
        assert_eq!(tree.root_at(n as u64).unwrap(), root, "root of {n}");
        assert_eq!(acc.root(), root, "streamed root of {n}");
        for m in 0..n {
            let p = tree.inclusion_proof(m as u64, n as u64).unwrap();
            assert_eq!(p.path, path(m, d), "PATH({m}, D[{n}])");
            verify_inclusion(&leaf_hash(&d[m]), m as u64, n as u64, &p.path, &root)
                .unwrap_or_else(|e| panic!("inclusion {m} in {n}: {e}"));
        }
        for m in 1..=n {
            let p = tree.consistency_proof(m as u64, n as u64).unwrap();
            assert_eq!(p.path, subproof(m, d, true), "PROOF({m}, D[{n}])");
            verify_consistency(m as u64, n as u64, &p.path, &mth(&d[..m]), &root)
                .unwrap_or_else(|e| panic!("consistency {m} -> {n}: {e}"));
        }
    }
}

#[test]
fn empty_and_single_trees() {
    let t = MerkleTree::new();
    assert_eq!(t.root(), empty_root());
    assert_eq!(
        empty_root().to_string(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    verify_consistency(0, 0, &[], &empty_root(), &empty_root()).unwrap();
    let t = MerkleTree::from_leaves([leaf_hash(b"x")]);
    verify_consistency(0, 1, &[], &empty_root(), &t.root()).unwrap();
    assert!(verify_consistency(0, 1, &[], &t.root(), &t.root()).is_err());
    assert!(t.consistency_proof(2, 1).is_err());
    assert!(t.root_at(2).is_err());
}

/// The test vectors of the Certificate Transparency reference code
/// (RFC 6962 hashing, identical to RFC 9162's): eight leaves and the roots
/// of the trees of their first 1..=8.
#[test]
fn certificate_transparency_vectors() {
    let leaves: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    let tree = MerkleTree::from_leaves(leaves.iter().map(|l| leaf_hash(l)));
    for (n, want) in roots.iter().enumerate() {
        assert_eq!(
            tree.root_at(n as u64 + 1).unwrap().to_string(),
            *want,
            "size {}",
            n + 1
        );
    }
}

#[test]
fn truncate_undoes_pushes() {
    let all = data(70);
    let mut t = MerkleTree::from_leaves(all[..40].iter().map(|d| leaf_hash(d)));
    let root40 = t.root();
    for d in &all[40..] {
        t.push(leaf_hash(d));
    }
    t.truncate(40);
    assert_eq!(t.len(), 40);
    assert_eq!(t.root(), root40);
    for d in &all[40..] {
        t.push(leaf_hash(d));
    }
    assert_eq!(t.root(), mth(&all));
}
