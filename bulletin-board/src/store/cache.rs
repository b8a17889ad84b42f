//! One in-memory [`MerkleTree`] per election, shared by a store's writer and
//! readers (specs/board.md §8.3).
//!
//! The tree only ever holds committed leaves outside its lock: the writer
//! pushes a batch's leaves while holding the lock, commits, and truncates
//! them again if the commit fails. A tree that is behind the database (a
//! fresh process, or another process appended) catches up by loading the
//! stored leaf hashes from its own length on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::bytes::{ElectionId, Hash};
use crate::merkle::MerkleTree;
use crate::store::StoreError;

/// A lockable election tree.
pub(crate) type SharedTree = Arc<tokio::sync::Mutex<MerkleTree>>;

/// Trees by election.
#[derive(Default)]
pub(crate) struct TreeCache {
    trees: Mutex<HashMap<ElectionId, SharedTree>>,
}

impl TreeCache {
    /// The tree of `election`, empty if never loaded.
    pub(crate) fn get(&self, election: &ElectionId) -> SharedTree {
        let mut map = self.trees.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(*election).or_default().clone()
    }
}

/// Appends stored `(index, leaf hash)` rows, which must continue the tree
/// without a gap; a gap or reordering means the store is corrupt.
pub(crate) fn extend(tree: &mut MerkleTree, rows: Vec<(u64, Hash)>) -> Result<(), StoreError> {
    for (index, leaf) in rows {
        if index != tree.len() {
            return Err(StoreError::Corrupt { index: tree.len() });
        }
        tree.push(leaf);
    }
    Ok(())
}
