//! Board entries: a kind and a payload, kept as the exact canonical bytes
//! that are hashed into the Merkle tree (specs/board.md §2).
//!
//! Canonical entry bytes: `kind_len (1 byte) || kind (ASCII) || payload`.
//! `kind` is 1..=32 characters from `a-z 0-9 . _ -`, starting with a letter;
//! the payload is whatever follows, possibly empty. The board never
//! re-serialises an entry: what was parsed is what is stored and hashed.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::bytes::{decode_vec, Hash};
use crate::merkle::leaf_hash;

/// Longest entry kind, in bytes.
pub const MAX_KIND_LEN: usize = 32;

/// Why bytes are not a well-formed entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// No bytes at all.
    #[error("entry is empty")]
    Empty,
    /// The kind length byte is 0 or above [`MAX_KIND_LEN`].
    #[error("kind length {0} is not in 1..=32")]
    KindLength(usize),
    /// The bytes end before the kind does.
    #[error("entry ends inside its kind")]
    Truncated,
    /// A kind character outside `a-z 0-9 . _ -`, or a first character that is not a letter.
    #[error("kind is not [a-z][a-z0-9._-]*")]
    KindCharacters,
    /// The entry is larger than the limit in force.
    #[error("entry is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Size of the refused entry.
        size: usize,
        /// Limit in force.
        limit: usize,
    },
    /// Not lowercase hex where hex was expected.
    #[error("entry hex: {0}")]
    Hex(#[from] crate::bytes::HexError),
}

impl EntryError {
    /// Stable machine-readable code (specs/board.md §9).
    pub fn code(&self) -> &'static str {
        match self {
            EntryError::TooLarge { .. } => "board.entry_too_large",
            _ => "board.malformed_entry",
        }
    }
}

fn check_kind(kind: &[u8]) -> Result<(), EntryError> {
    if kind.is_empty() || kind.len() > MAX_KIND_LEN {
        return Err(EntryError::KindLength(kind.len()));
    }
    if !kind[0].is_ascii_lowercase() {
        return Err(EntryError::KindCharacters);
    }
    if !kind
        .iter()
        .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
    {
        return Err(EntryError::KindCharacters);
    }
    Ok(())
}

/// One board entry, held as its canonical bytes (specs/board.md §2).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    bytes: Vec<u8>,
}

impl Entry {
    /// Builds the canonical bytes `kind_len || kind || payload`.
    pub fn new(kind: &str, payload: &[u8]) -> Result<Self, EntryError> {
        check_kind(kind.as_bytes())?;
        let mut bytes = Vec::with_capacity(1 + kind.len() + payload.len());
        // check_kind bounds the length to 32, so the cast is exact.
        bytes.push(kind.len() as u8);
        bytes.extend_from_slice(kind.as_bytes());
        bytes.extend_from_slice(payload);
        Ok(Self { bytes })
    }

    /// Parses canonical bytes, keeping them exactly as given.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, EntryError> {
        let kind_len = *bytes.first().ok_or(EntryError::Empty)? as usize;
        if kind_len == 0 || kind_len > MAX_KIND_LEN {
            return Err(EntryError::KindLength(kind_len));
        }
        let kind = bytes.get(1..1 + kind_len).ok_or(EntryError::Truncated)?;
        check_kind(kind)?;
        Ok(Self { bytes })
    }

    /// Parses canonical bytes, refusing more than `limit` bytes.
    pub fn from_bytes_limited(bytes: Vec<u8>, limit: usize) -> Result<Self, EntryError> {
        let e = Self::from_bytes(bytes)?;
        e.check_size(limit)?;
        Ok(e)
    }

    /// Refuses the entry if its canonical bytes exceed `limit`.
    pub fn check_size(&self, limit: usize) -> Result<(), EntryError> {
        if self.bytes.len() > limit {
            return Err(EntryError::TooLarge {
                size: self.bytes.len(),
                limit,
            });
        }
        Ok(())
    }

    /// The kind, e.g. `ballot`.
    pub fn kind(&self) -> &str {
        let n = self.bytes[0] as usize;
        // Validated ASCII on construction.
        core::str::from_utf8(&self.bytes[1..1 + n]).unwrap_or_default()
    }

    /// The payload bytes after the kind.
    pub fn payload(&self) -> &[u8] {
        &self.bytes[1 + self.bytes[0] as usize..]
    }

    /// The canonical bytes, exactly as hashed and stored.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Consumes the entry, returning its canonical bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Length of the canonical bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: an entry holds at least its kind.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// `SHA-256(payload)`: for a ballot entry whose payload is the ballot's
    /// bytes, its tracking code (protocol.md §10.3, specs/board.md §2).
    pub fn payload_hash(&self) -> Hash {
        use sha2::{Digest, Sha256};
        Hash(Sha256::digest(self.payload()).into())
    }

    /// The Merkle leaf hash `SHA-256(0x00 || bytes)` (specs/board.md §3.1).
    pub fn leaf_hash(&self) -> Hash {
        leaf_hash(&self.bytes)
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("kind", &self.kind())
            .field("payload_len", &self.payload().len())
            .finish()
    }
}

/// Serialised as the lowercase hex of the canonical bytes.
impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let bytes = decode_vec(&s).map_err(serde::de::Error::custom)?;
        Entry::from_bytes(bytes).map_err(serde::de::Error::custom)
    }
}

/// An entry with its position in an election's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// Zero-based index in the log.
    pub index: u64,
    /// The entry, as hex of its canonical bytes.
    pub entry: Entry,
}

impl LogEntry {
    /// The entry's Merkle leaf hash.
    pub fn leaf_hash(&self) -> Hash {
        self.entry.leaf_hash()
    }
}
