//! Psephos bulletin board: an append-only, Merkle-logged, signed log per
//! election. The protocol is in `specs/board.md`; sections are cited as §n.
//!
//! Pure core (builds with `default-features = false`, no I/O, no runtime):
//!
//! | module | holds |
//! | --- | --- |
//! | [`bytes`] | [`Hash`](struct@Hash), [`ElectionId`], lowercase-hex serde (§1) |
//! | [`entry`] | [`Entry`] canonical bytes `kind_len ‖ kind ‖ payload`, [`LogEntry`] (§2) |
//! | [`merkle`] | RFC 9162 hashing, [`MerkleTree`], [`RootAccumulator`] (§3) |
//! | [`proof`] | [`InclusionProof`], [`ConsistencyProof`] and their verification (§4) |
//! | [`checkpoint`] | [`Checkpoint`], [`SignedCheckpoint`], [`BoardPublicKey`] (§5) |
//! | [`receipt`] | [`Receipt`] returned by an append (§6) |
//!
//! Feature `record` (pure, adds serde_json): [`record`], the single-file
//! JSON Lines record of one election: streaming writer, reader and
//! `verify_record` (§7).
//!
//! Features `sqlite` and `postgres` (default; each implies `record` and
//! `store`, which brings tokio and async-trait): [`store`], the async
//! [`store::Store`] trait, `SqliteStore` and `PgStore`, and
//! `store::io::export_record` (§8), with stable error codes (§9).
//!
//! Every error type has `code()`, a stable string from §9.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bytes;
pub mod checkpoint;
pub mod entry;
pub mod merkle;
pub mod proof;
pub mod receipt;
#[cfg(feature = "record")]
pub mod record;
#[cfg(feature = "store")]
pub mod store;

pub use bytes::{ElectionId, Hash, HexError};
pub use checkpoint::{BoardPublicKey, Checkpoint, CheckpointError, SignedCheckpoint};
pub use entry::{Entry, EntryError, LogEntry};
pub use merkle::{leaf_hash, node_hash, MerkleTree, RootAccumulator, TreeError};
pub use proof::{
    verify_consistency, verify_inclusion, ConsistencyProof, InclusionProof, ProofError,
};
pub use receipt::{Receipt, ReceiptError};

/// The Ed25519 signing key type the board signs checkpoints with.
pub use ed25519_dalek::SigningKey;
