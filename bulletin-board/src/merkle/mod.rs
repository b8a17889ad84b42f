//! The Merkle tree in the style of RFC 9162 (Certificate Transparency v2),
//! §2.1, with SHA-256 (specs/board.md §3).
//!
//! - leaf hash: `SHA-256(0x00 || entry bytes)`
//! - node hash: `SHA-256(0x01 || left || right)`
//! - `MTH({}) = SHA-256("")`, `MTH({d0}) = leaf hash of d0`, and for `n > 1`
//!   with `k` the largest power of two below `n`:
//!   `MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))`.

mod accumulator;
mod tree;

pub use accumulator::RootAccumulator;
pub use tree::{MerkleTree, TreeError};

use sha2::{Digest, Sha256};

use crate::bytes::Hash;

/// Prefix byte of a leaf hash input (RFC 9162 §2.1.1).
pub const LEAF_PREFIX: u8 = 0x00;
/// Prefix byte of an interior node hash input (RFC 9162 §2.1.1).
pub const NODE_PREFIX: u8 = 0x01;

/// `SHA-256(0x00 || entry_bytes)`.
pub fn leaf_hash(entry_bytes: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(entry_bytes);
    Hash(h.finalize().into())
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// The root of the empty tree, `SHA-256("")`.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// The largest power of two strictly below `n` (`n >= 2`).
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}
