//! Append receipts: what a voter keeps to prove that an entry was recorded
//! (specs/board.md §6). A receipt names the entry's index and leaf hash and
//! carries a signed checkpoint covering it with an inclusion proof into that
//! checkpoint's root, so a board that later drops the entry contradicts its
//! own signature.

use serde::{Deserialize, Serialize};

use crate::bytes::Hash;
use crate::checkpoint::{BoardPublicKey, CheckpointError, SignedCheckpoint};
use crate::proof::{InclusionProof, ProofError};

/// Why a receipt does not check out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// The checkpoint signature or key is bad.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The inclusion proof does not verify against the checkpoint root.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// Index or size in the proof differ from the receipt and checkpoint.
    #[error("receipt fields disagree with each other")]
    Inconsistent,
    /// The entry given is not the one the receipt is for.
    #[error("entry does not match the receipt's leaf hash")]
    WrongEntry,
}

impl ReceiptError {
    /// Stable machine-readable code (specs/board.md §9).
    pub fn code(&self) -> &'static str {
        match self {
            ReceiptError::Checkpoint(e) => e.code(),
            ReceiptError::Proof(e) => e.code(),
            ReceiptError::Inconsistent | ReceiptError::WrongEntry => "board.receipt_invalid",
        }
    }
}

/// The answer to an append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Index of the entry in its election's log.
    pub index: u64,
    /// `SHA-256(0x00 || entry bytes)`.
    pub leaf_hash: Hash,
    /// The first checkpoint that covers the entry (size > index); it also
    /// names the election.
    pub checkpoint: SignedCheckpoint,
    /// Inclusion of the leaf in `checkpoint.root`.
    pub inclusion: InclusionProof,
}

impl Receipt {
    /// Checks signature, field agreement and inclusion.
    pub fn verify(&self, key: &BoardPublicKey) -> Result<(), ReceiptError> {
        self.checkpoint.verify(key)?;
        if self.inclusion.index != self.index || self.inclusion.size != self.checkpoint.size {
            return Err(ReceiptError::Inconsistent);
        }
        self.inclusion
            .verify(&self.leaf_hash, &self.checkpoint.root)
            .map_err(ReceiptError::from)
    }

    /// As [`Receipt::verify`], and that `entry_bytes` is the entry received.
    pub fn verify_entry(
        &self,
        key: &BoardPublicKey,
        entry_bytes: &[u8],
    ) -> Result<(), ReceiptError> {
        if crate::merkle::leaf_hash(entry_bytes) != self.leaf_hash {
            return Err(ReceiptError::WrongEntry);
        }
        self.verify(key)
    }
}
