//! An in-memory Merkle tree that keeps every complete aligned subtree hash,
//! so that roots and proofs for any size up to its length cost O(log² n)
//! hash look-ups and at most O(log n) hash computations per range, never a
//! rehash of the leaves (specs/board.md §3.2).
//!
//! `levels[h][j]` is the hash of the complete subtree of `2^h` leaves
//! `D[j·2^h : (j+1)·2^h]`. Every range met by the RFC 9162 recursions
//! (`MTH`, `PATH`, `PROOF`) starting from `D[0:n]` begins at a multiple of
//! the smallest power of two not below its length, so its left part is
//! always one such stored subtree.

use crate::bytes::Hash;
use crate::merkle::{empty_root, node_hash, split_point};
use crate::proof::{ConsistencyProof, InclusionProof};

/// A request outside the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The leaf index is not below the tree size asked for.
    #[error("index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// Leaf index asked for.
        index: u64,
        /// Tree size it must be below.
        size: u64,
    },
    /// The tree size asked for exceeds the number of leaves held.
    #[error("tree size {size} exceeds the {len} leaves held")]
    SizeOutOfRange {
        /// Size asked for.
        size: u64,
        /// Leaves held.
        len: u64,
    },
    /// A consistency proof from a larger size to a smaller one.
    #[error("consistency range {old}..{new} is reversed")]
    ReversedRange {
        /// The older size.
        old: u64,
        /// The newer size.
        new: u64,
    },
}

/// The Merkle tree of one election's log.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self {
            levels: vec![Vec::new()],
        }
    }

    /// Builds the tree from leaf hashes in index order.
    pub fn from_leaves<I: IntoIterator<Item = Hash>>(leaves: I) -> Self {
        let mut t = Self::new();
        for l in leaves {
            t.push(l);
        }
        t
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// True if there are no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a leaf hash, completing every subtree it closes.
    pub fn push(&mut self, leaf: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let mut h = 0;
        while self.levels[h].len() % 2 == 0 {
            let n = self.levels[h].len();
            let parent = node_hash(&self.levels[h][n - 2], &self.levels[h][n - 1]);
            if self.levels.len() == h + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[h + 1].push(parent);
            h += 1;
        }
    }

    /// Drops every leaf from `size` on (used to undo an uncommitted append).
    pub fn truncate(&mut self, size: u64) {
        for (h, level) in self.levels.iter_mut().enumerate() {
            let keep = size >> h;
            if (level.len() as u64) > keep {
                level.truncate(keep as usize);
            }
        }
    }

    /// The leaf hash at `index`, if held.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let i = usize::try_from(index).ok()?;
        self.levels.first()?.get(i).copied()
    }

    /// The leaf hashes of `[from, to)` (clamped to the tree).
    pub fn leaves(&self, from: u64, to: u64) -> &[Hash] {
        let l = self.levels.first().map_or(&[][..], |v| v.as_slice());
        let to = (to.min(l.len() as u64)) as usize;
        let from = (from.min(to as u64)) as usize;
        &l[from..to]
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        self.range_hash(0, self.len())
    }

    /// The root of the tree of the first `size` leaves, `MTH(D[0:size])`.
    pub fn root_at(&self, size: u64) -> Result<Hash, TreeError> {
        self.check_size(size)?;
        Ok(self.range_hash(0, size))
    }

    fn check_size(&self, size: u64) -> Result<(), TreeError> {
        if size > self.len() {
            return Err(TreeError::SizeOutOfRange {
                size,
                len: self.len(),
            });
        }
        Ok(())
    }

    /// `MTH(D[start:end])` for a range met by the RFC recursion (see module
    /// doc): the left part of every split is a stored complete subtree.
    fn range_hash(&self, start: u64, end: u64) -> Hash {
        let n = end - start;
        if n == 0 {
            return empty_root();
        }
        if n.is_power_of_two() {
            return self.subtree(start, n);
        }
        let k = split_point(n);
        node_hash(&self.subtree(start, k), &self.range_hash(start + k, end))
    }

    /// The stored hash of the complete subtree `D[start:start+width]`.
    fn subtree(&self, start: u64, width: u64) -> Hash {
        let h = width.trailing_zeros() as usize;
        debug_assert!(width.is_power_of_two() && start % width == 0);
        self.levels[h][(start >> h) as usize]
    }

    /// The inclusion proof of leaf `index` in the tree of size `size`:
    /// `PATH(index, D[0:size])` of RFC 9162 §2.1.3.1, leaf end first.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionProof, TreeError> {
        self.check_size(size)?;
        if index >= size {
            return Err(TreeError::IndexOutOfRange { index, size });
        }
        let mut path = Vec::new();
        self.path(index, 0, size, &mut path);
        Ok(InclusionProof { index, size, path })
    }

    /// `PATH(m, D[start:end])`, appending siblings bottom-up.
    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split_point(n);
        if m - start < k {
            self.path(m, start, start + k, out);
            out.push(self.range_hash(start + k, end));
        } else {
            self.path(m, start + k, end, out);
            out.push(self.range_hash(start, start + k));
        }
    }

    /// The consistency proof from size `old` to size `new`:
    /// `PROOF(old, D[0:new])` of RFC 9162 §2.1.4.1. Empty when `old == 0`
    /// or `old == new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<ConsistencyProof, TreeError> {
        self.check_size(new)?;
        if old > new {
            return Err(TreeError::ReversedRange { old, new });
        }
        let mut path = Vec::new();
        if old > 0 && old < new {
            self.subproof(old, 0, new, true, &mut path);
        }
        Ok(ConsistencyProof {
            old_size: old,
            new_size: new,
            path,
        })
    }

    /// `SUBPROOF(m, D[start:end], b)` with `m` counted from `start`.
    fn subproof(&self, m: u64, start: u64, end: u64, b: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !b {
                out.push(self.range_hash(start, end));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, start + k, b, out);
            out.push(self.range_hash(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.range_hash(start, start + k));
        }
    }
}
