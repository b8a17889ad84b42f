//! The corruption check both backends run over their rows in index order
//! (specs/board.md §8.4).

use crate::bytes::Hash;
use crate::merkle::{leaf_hash, RootAccumulator};
use crate::store::rows::log_entry_from;
use crate::store::IntegrityReport;

/// Streams stored rows and checkpoint roots into an [`IntegrityReport`].
pub(crate) struct IntegrityScan {
    size: u64,
    next: u64,
    acc: RootAccumulator,
    checkpoints: std::vec::IntoIter<(u64, Hash)>,
    pending: Option<(u64, Hash)>,
    first_corrupt: Option<u64>,
    first_bad_checkpoint: Option<u64>,
}

impl IntegrityScan {
    /// Starts a scan of a log of `size` entries with the stored
    /// checkpoints `(size, root)` in increasing size.
    pub(crate) fn new(size: u64, mut checkpoints: Vec<(u64, Hash)>) -> Self {
        checkpoints.sort_unstable_by_key(|c| c.0);
        let mut it = checkpoints.into_iter();
        let pending = it.next();
        let mut s = Self {
            size,
            next: 0,
            acc: RootAccumulator::new(),
            checkpoints: it,
            pending,
            first_corrupt: None,
            first_bad_checkpoint: None,
        };
        s.check_checkpoints();
        s
    }

    /// Feeds the next stored row (its payload hash must match too). Roots
    /// are recomputed from the stored
    /// bytes, so a row whose bytes and hash were both altered still
    /// shows up as a checkpoint mismatch.
    pub(crate) fn row(&mut self, idx: i64, leaf: &[u8], payload_hash: &[u8], bytes: Vec<u8>) {
        let expected = self.next;
        let recomputed = leaf_hash(&bytes);
        let ok = log_entry_from(expected, idx, leaf, bytes)
            .is_ok_and(|le| le.entry.payload_hash().0[..] == *payload_hash);
        if !ok && self.first_corrupt.is_none() {
            self.first_corrupt = Some(expected);
        }
        self.acc.push(recomputed);
        self.next += 1;
        self.check_checkpoints();
    }

    fn check_checkpoints(&mut self) {
        while let Some((size, root)) = self.pending {
            if size > self.next {
                return;
            }
            if size == self.next && root != self.acc.root() && self.first_bad_checkpoint.is_none() {
                self.first_bad_checkpoint = Some(size);
            }
            self.pending = self.checkpoints.next();
        }
    }

    /// The report; missing rows count as corrupt from the first one missing,
    /// and checkpoints beyond the rows read as bad.
    pub(crate) fn finish(mut self) -> IntegrityReport {
        if self.next != self.size && self.first_corrupt.is_none() {
            self.first_corrupt = Some(self.next.min(self.size));
        }
        if let Some((size, _)) = self.pending {
            if self.first_bad_checkpoint.is_none() {
                self.first_bad_checkpoint = Some(size);
            }
        }
        IntegrityReport {
            size: self.size,
            first_corrupt: self.first_corrupt,
            first_bad_checkpoint: self.first_bad_checkpoint,
        }
    }
}
