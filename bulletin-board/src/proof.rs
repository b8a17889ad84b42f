//! Inclusion and consistency proofs and their verification, exactly the
//! algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 (specs/board.md §4).

use serde::{Deserialize, Serialize};

use crate::bytes::Hash;
use crate::merkle::{empty_root, node_hash};

/// Longest inclusion path accepted: a tree of at most 2^64 leaves.
pub const MAX_INCLUSION_PATH: usize = 64;
/// Longest consistency path accepted.
pub const MAX_CONSISTENCY_PATH: usize = 128;

/// Why a proof does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// Leaf index not below the tree size.
    #[error("index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// Claimed index.
        index: u64,
        /// Claimed size.
        size: u64,
    },
    /// Older size above the newer one.
    #[error("old size {old} exceeds new size {new}")]
    ReversedRange {
        /// Claimed older size.
        old: u64,
        /// Claimed newer size.
        new: u64,
    },
    /// The path has more hashes than any tree of that size needs.
    #[error("proof path has {0} hashes, more than any tree needs")]
    PathTooLong(usize),
    /// The path is not of the right shape for the sizes claimed.
    #[error("proof path does not fit the claimed sizes")]
    BadPath,
    /// The recomputed root differs from the one given.
    #[error("recomputed root does not match")]
    RootMismatch,
}

impl ProofError {
    /// Stable machine-readable code (specs/board.md §9).
    pub fn code(&self) -> &'static str {
        "board.proof_invalid"
    }
}

/// Proof that leaf `index` is in the tree of `size` leaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Leaf index.
    pub index: u64,
    /// Tree size the proof is for.
    pub size: u64,
    /// Sibling hashes, leaf end first (`PATH` of RFC 9162 §2.1.3.1).
    pub path: Vec<Hash>,
}

impl InclusionProof {
    /// Checks that `leaf` at `self.index` is in the tree of `self.size`
    /// leaves whose root is `root`.
    pub fn verify(&self, leaf: &Hash, root: &Hash) -> Result<(), ProofError> {
        verify_inclusion(leaf, self.index, self.size, &self.path, root)
    }
}

/// Proof that the tree of `new_size` leaves extends the tree of `old_size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    /// Older tree size.
    pub old_size: u64,
    /// Newer tree size.
    pub new_size: u64,
    /// `PROOF(old_size, D[new_size])` of RFC 9162 §2.1.4.1; empty when the
    /// old size is 0 or equals the new size.
    pub path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Checks that `old_root` (of `old_size`) and `new_root` (of `new_size`)
    /// are roots of one append-only log.
    pub fn verify(&self, old_root: &Hash, new_root: &Hash) -> Result<(), ProofError> {
        verify_consistency(self.old_size, self.new_size, &self.path, old_root, new_root)
    }
}

/// RFC 9162 §2.1.3.2: verifies an inclusion path.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    if path.len() > MAX_INCLUSION_PATH {
        return Err(ProofError::PathTooLong(path.len()));
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return Err(ProofError::BadPath);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::BadPath);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: verifies a consistency path from `old` to `new`
/// leaves. The cases the RFC leaves out are pinned here (specs/board.md
/// §4.2): `old == 0` needs an empty path and `old_root` the empty root;
/// `old == new` needs an empty path and equal roots.
pub fn verify_consistency(
    old: u64,
    new: u64,
    path: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), ProofError> {
    if old > new {
        return Err(ProofError::ReversedRange { old, new });
    }
    if path.len() > MAX_CONSISTENCY_PATH {
        return Err(ProofError::PathTooLong(path.len()));
    }
    if old == 0 || old == new {
        if !path.is_empty() {
            return Err(ProofError::BadPath);
        }
        let expected = if old == 0 { empty_root() } else { *new_root };
        return if *old_root == expected {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    // Step 1.
    if path.is_empty() {
        return Err(ProofError::BadPath);
    }
    // Step 2: a power-of-two old tree is itself the first path element.
    let (first, rest): (Hash, &[Hash]) = if old.is_power_of_two() {
        (*old_root, path)
    } else {
        (path[0], &path[1..])
    };
    // Steps 3-4.
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (first, first);
    // Step 6.
    for c in rest {
        if snode == 0 {
            return Err(ProofError::BadPath);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 7.
    if snode != 0 {
        return Err(ProofError::BadPath);
    }
    if fr != *old_root || sr != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}
