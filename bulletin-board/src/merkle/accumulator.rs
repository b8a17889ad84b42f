//! Streaming root computation in O(log n) memory (specs/board.md §3.3):
//! the verifier reads a record entry by entry and never holds the tree.

use crate::bytes::Hash;
use crate::merkle::{empty_root, node_hash};

/// The right edge of a growing tree: one complete subtree hash per set bit
/// of the size, largest first.
///
/// For `n = 2^a + 2^b + … (a > b > …)`, `MTH(D[n]) = node(T_a, node(T_b, …))`
/// where `T_x` are those subtrees left to right, because RFC 9162 always
/// splits off the largest power of two on the left.
#[derive(Debug, Clone, Default)]
pub struct RootAccumulator {
    size: u64,
    stack: Vec<(u32, Hash)>,
}

impl RootAccumulator {
    /// An accumulator for the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leaves pushed so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut cur = (0u32, leaf);
        while let Some(&(h, left)) = self.stack.last() {
            if h != cur.0 {
                break;
            }
            self.stack.pop();
            cur = (h + 1, node_hash(&left, &cur.1));
        }
        self.stack.push(cur);
        self.size += 1;
    }

    /// `MTH` of the leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(&(_, mut r)) = it.next() else {
            return empty_root();
        };
        for (_, left) in it {
            r = node_hash(left, &r);
        }
        r
    }
}
