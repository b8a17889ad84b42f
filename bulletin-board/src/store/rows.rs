//! Decoding stored rows back into board types, refusing anything that does
//! not check out (specs/board.md §8.4): both backends store the same columns.

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::SignedCheckpoint;
use crate::entry::{Entry, LogEntry};
use crate::merkle::leaf_hash;
use crate::store::{from_i64, StoreError};

/// A stored 32-byte value; any other length means the row at `index` is corrupt.
pub(crate) fn hash_from(v: &[u8], index: u64) -> Result<Hash, StoreError> {
    <[u8; 32]>::try_from(v)
        .map(Hash)
        .map_err(|_| StoreError::Corrupt { index })
}

/// A stored election id.
pub(crate) fn election_from(v: &[u8]) -> Result<ElectionId, StoreError> {
    <[u8; 32]>::try_from(v)
        .map(ElectionId)
        .map_err(|_| StoreError::Corrupt { index: 0 })
}

/// A stored checkpoint row.
pub(crate) fn checkpoint_from(
    election: ElectionId,
    size: i64,
    root: &[u8],
    time: i64,
    signature: &[u8],
) -> Result<SignedCheckpoint, StoreError> {
    let size = from_i64(size, 0)?;
    let bad = || StoreError::Corrupt {
        index: size.saturating_sub(1),
    };
    Ok(SignedCheckpoint {
        election,
        size,
        root: hash_from(root, size.saturating_sub(1))?,
        time: u64::try_from(time).map_err(|_| bad())?,
        signature: <[u8; 64]>::try_from(signature).map_err(|_| bad())?,
    })
}

/// A stored entry row read at position `expected`: the index must be the
/// expected one, the bytes must parse, and they must hash to the stored
/// leaf hash.
pub(crate) fn log_entry_from(
    expected: u64,
    idx: i64,
    leaf: &[u8],
    bytes: Vec<u8>,
) -> Result<LogEntry, StoreError> {
    let corrupt = StoreError::Corrupt { index: expected };
    if from_i64(idx, expected)? != expected {
        return Err(corrupt);
    }
    let stored = hash_from(leaf, expected)?;
    if leaf_hash(&bytes) != stored {
        return Err(corrupt);
    }
    let entry = Entry::from_bytes(bytes).map_err(|_| corrupt)?;
    Ok(LogEntry {
        index: expected,
        entry,
    })
}
