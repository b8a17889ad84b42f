//! Durable storage of election logs behind one async trait (specs/board.md §8).
//!
//! | module | holds |
//! | --- | --- |
//! | [`error`] | [`StoreError`] with stable codes (§9) |
//! | `batch` | group-commit planning shared by both backends |
//! | `cache` | per-election in-memory [`crate::MerkleTree`], rebuilt from stored leaf hashes |
//! | `migrations` | versioned SQL files under `bulletin-board/migrations/` |
//! | [`sqlite`] | [`SqliteStore`]: one file, WAL, `synchronous=FULL` |
//! | [`postgres`] | [`PgStore`]: tokio-postgres + deadpool, many processes per database |
//! | [`io`] | export of one election's record to the single-file format (§7) |

mod batch;
mod cache;
pub mod error;
mod integrity;
pub mod io;
mod migrations;
#[cfg(feature = "postgres")]
pub mod postgres;
mod rows;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::io::BufRead;

use async_trait::async_trait;
use ed25519_dalek::SigningKey;

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::{BoardPublicKey, SignedCheckpoint};
use crate::entry::{Entry, LogEntry};
use crate::proof::{ConsistencyProof, InclusionProof};
use crate::receipt::Receipt;
use crate::record::RecordSummary;

pub use error::StoreError;
#[cfg(feature = "postgres")]
pub use postgres::{PgConfig, PgStore};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// Default maximum canonical entry size: 1 MiB.
pub const DEFAULT_MAX_ENTRY_BYTES: usize = 1 << 20;
/// Default maximum page of entries per read.
pub const DEFAULT_MAX_PAGE: u32 = 1000;
/// Default maximum number of appends committed in one transaction.
pub const DEFAULT_MAX_BATCH: usize = 256;

/// Most indices [`Store::find_payload`] returns.
pub const MAX_PAYLOAD_MATCHES: u32 = 100;

/// Size limits a store enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest canonical entry accepted by append and import, in bytes.
    pub max_entry_bytes: usize,
    /// Largest page returned by [`Store::entries`]; larger requests are cut.
    pub max_page: u32,
    /// Largest group commit.
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
            max_page: DEFAULT_MAX_PAGE,
            max_batch: DEFAULT_MAX_BATCH,
        }
    }
}

/// What every store needs: the board signing key and the limits.
#[derive(Clone)]
pub struct BoardConfig {
    /// Key that signs every checkpoint this store writes.
    pub signing_key: SigningKey,
    /// Limits enforced.
    pub limits: Limits,
}

impl BoardConfig {
    /// A configuration with default limits.
    pub fn new(signing_key: SigningKey) -> Self {
        Self {
            signing_key,
            limits: Limits::default(),
        }
    }
}

impl core::fmt::Debug for BoardConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BoardConfig")
            .field(
                "public_key",
                &BoardPublicKey::from_signing_key(&self.signing_key),
            )
            .field("limits", &self.limits)
            .finish()
    }
}

/// Result of [`Store::check_integrity`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityReport {
    /// Entries in the log.
    pub size: u64,
    /// First index whose stored bytes do not hash to the stored leaf hash
    /// (or that is missing, out of place or unparsable).
    pub first_corrupt: Option<u64>,
    /// Size of the first stored checkpoint whose root differs from the
    /// root recomputed from the stored leaf hashes.
    pub first_bad_checkpoint: Option<u64>,
}

impl IntegrityReport {
    /// True if nothing was found wrong.
    pub fn is_ok(&self) -> bool {
        self.first_corrupt.is_none() && self.first_bad_checkpoint.is_none()
    }
}

/// An append-only, Merkle-logged board of many elections.
///
/// Every election's log starts empty; appends give gap-free indices 0, 1, …
/// and return only once the entry and a signed checkpoint covering it are
/// durable (§8.2). Reads never return bytes that fail their hash.
#[async_trait]
pub trait Store: Send + Sync {
    /// The key checkpoints written by this store verify under.
    fn public_key(&self) -> BoardPublicKey;

    /// The limits in force.
    fn limits(&self) -> Limits;

    /// Appends an entry and waits until it is durable. Appending bytes
    /// already in the log returns the receipt of the earlier append.
    async fn append(&self, election: ElectionId, entry: Entry) -> Result<Receipt, StoreError>;

    /// Parses canonical entry bytes (refusing malformed or oversized ones
    /// before touching the log) and appends them.
    async fn append_bytes(
        &self,
        election: ElectionId,
        bytes: Vec<u8>,
    ) -> Result<Receipt, StoreError> {
        let entry = Entry::from_bytes_limited(bytes, self.limits().max_entry_bytes)?;
        self.append(election, entry).await
    }

    /// Number of committed entries (0 for an unknown election).
    async fn size(&self, election: ElectionId) -> Result<u64, StoreError>;

    /// Up to `limit` entries (cut to `max_page`) from index `from` on.
    async fn entries(
        &self,
        election: ElectionId,
        from: u64,
        limit: u32,
    ) -> Result<Vec<LogEntry>, StoreError>;

    /// The checkpoint of the largest size, if any.
    async fn latest_checkpoint(
        &self,
        election: ElectionId,
    ) -> Result<Option<SignedCheckpoint>, StoreError>;

    /// The stored checkpoint of exactly `size` entries, if any.
    async fn checkpoint(
        &self,
        election: ElectionId,
        size: u64,
    ) -> Result<Option<SignedCheckpoint>, StoreError>;

    /// Up to `limit` stored checkpoints (cut to `max_page`) of size
    /// `from_size` or more, in increasing size.
    async fn checkpoints(
        &self,
        election: ElectionId,
        from_size: u64,
        limit: u32,
    ) -> Result<Vec<SignedCheckpoint>, StoreError>;

    /// Root of the first `size` entries.
    async fn root(&self, election: ElectionId, size: u64) -> Result<Hash, StoreError>;

    /// Inclusion proof of entry `index` in the tree of `size` entries.
    async fn inclusion_proof(
        &self,
        election: ElectionId,
        index: u64,
        size: u64,
    ) -> Result<InclusionProof, StoreError>;

    /// Consistency proof from `old` to `new` entries.
    async fn consistency_proof(
        &self,
        election: ElectionId,
        old: u64,
        new: u64,
    ) -> Result<ConsistencyProof, StoreError>;

    /// Index of the entry with this leaf hash (the tracking-code look-up).
    async fn find_leaf(&self, election: ElectionId, leaf: Hash) -> Result<Option<u64>, StoreError>;

    /// Indices (ascending, at most [`MAX_PAYLOAD_MATCHES`]) of the entries
    /// whose payload hashes to `payload_hash`: the look-up by tracking code
    /// (protocol.md §10.3) when the payload is the ballot's bytes.
    async fn find_payload(
        &self,
        election: ElectionId,
        payload_hash: Hash,
    ) -> Result<Vec<u64>, StoreError>;

    /// The receipt for entry `index`: the first checkpoint covering it and
    /// the inclusion proof into that checkpoint (§6).
    async fn receipt(&self, election: ElectionId, index: u64) -> Result<Receipt, StoreError>;

    /// Rehashes every stored entry and rechecks every checkpoint root.
    async fn check_integrity(&self, election: ElectionId) -> Result<IntegrityReport, StoreError>;

    /// Elections with at least one entry, in byte order.
    async fn elections(&self) -> Result<Vec<ElectionId>, StoreError>;

    /// Imports a record file (§7) into an empty election, in one
    /// transaction: its entries and all its checkpoints, whose signatures
    /// must verify under `key`. On any error nothing is written.
    async fn import(
        &self,
        reader: Box<dyn BufRead + Send>,
        key: BoardPublicKey,
    ) -> Result<RecordSummary, StoreError>;
}

/// Seconds since the Unix epoch now (0 if the clock is before it).
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `u64` index or size to the database's signed 64-bit integer.
pub(crate) fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::SizeOutOfRange {
        requested: v,
        size: i64::MAX as u64,
    })
}

/// A stored signed 64-bit integer back to `u64`; negative means corrupt.
pub(crate) fn from_i64(v: i64, index_hint: u64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt { index: index_hint })
}
