//! Store errors, each with a stable code (specs/board.md §9).

use crate::entry::EntryError;
use crate::merkle::TreeError;
use crate::record::RecordError;

/// Everything a [`super::Store`] operation can refuse or fail with.
///
/// Backend failures keep their message as text so that one failed group
/// commit can be reported to every waiting appender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The entry exceeds the configured maximum size; nothing was written.
    #[error("entry is {size} bytes, over the limit of {limit}")]
    EntryTooLarge {
        /// Size of the refused entry.
        size: usize,
        /// Configured limit.
        limit: usize,
    },
    /// The bytes are not a well-formed entry; nothing was written.
    #[error("malformed entry: {0}")]
    MalformedEntry(EntryError),
    /// A leaf index at or past the tree size asked for.
    #[error("index {index} is not below size {size}")]
    IndexOutOfRange {
        /// Index asked for.
        index: u64,
        /// Size it must be below.
        size: u64,
    },
    /// A tree size larger than the log.
    #[error("size {requested} exceeds the log size {size}")]
    SizeOutOfRange {
        /// Size asked for.
        requested: u64,
        /// Current log size.
        size: u64,
    },
    /// A consistency proof asked from a larger size to a smaller one.
    #[error("consistency range {old}..{new} is reversed")]
    ReversedRange {
        /// Older size.
        old: u64,
        /// Newer size.
        new: u64,
    },
    /// A page limit of 0.
    #[error("page limit must be at least 1")]
    EmptyPage,
    /// Stored bytes do not match their stored hash, or indices have a gap.
    #[error("stored entry {index} is corrupt")]
    Corrupt {
        /// First index found corrupt.
        index: u64,
    },
    /// An import into an election whose log is not empty.
    #[error("election already holds {size} entries")]
    AlreadyExists {
        /// Entries already held.
        size: u64,
    },
    /// An import file was refused; nothing was written.
    #[error("record refused: {message}")]
    Record {
        /// Stable code of the underlying [`RecordError`].
        code: &'static str,
        /// What was wrong.
        message: String,
    },
    /// Applying schema migrations failed.
    #[error("migration {version} failed: {message}")]
    Migration {
        /// Migration version.
        version: u32,
        /// Backend message.
        message: String,
    },
    /// The configuration is unusable (bad URL, bad schema name, ...).
    #[error("configuration: {0}")]
    Config(String),
    /// The database failed or is unreachable.
    #[error("{backend} database error: {message}")]
    Database {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// Backend message.
        message: String,
    },
    /// The store's writer has stopped.
    #[error("store is closed")]
    Closed,
}

impl StoreError {
    /// Stable machine-readable code (specs/board.md §9).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::EntryTooLarge { .. } => "board.entry_too_large",
            StoreError::MalformedEntry(_) => "board.malformed_entry",
            StoreError::IndexOutOfRange { .. } => "board.index_out_of_range",
            StoreError::SizeOutOfRange { .. } => "board.size_out_of_range",
            StoreError::ReversedRange { .. } => "board.reversed_range",
            StoreError::EmptyPage => "board.empty_page",
            StoreError::Corrupt { .. } => "board.corrupt",
            StoreError::AlreadyExists { .. } => "board.already_exists",
            StoreError::Record { code, .. } => code,
            StoreError::Migration { .. } => "board.migration",
            StoreError::Config(_) => "board.config",
            StoreError::Database { .. } => "board.database",
            StoreError::Closed => "board.closed",
        }
    }
}

impl From<EntryError> for StoreError {
    fn from(e: EntryError) -> Self {
        match e {
            EntryError::TooLarge { size, limit } => StoreError::EntryTooLarge { size, limit },
            other => StoreError::MalformedEntry(other),
        }
    }
}

impl From<TreeError> for StoreError {
    fn from(e: TreeError) -> Self {
        match e {
            TreeError::IndexOutOfRange { index, size } => {
                StoreError::IndexOutOfRange { index, size }
            }
            TreeError::SizeOutOfRange { size, len } => StoreError::SizeOutOfRange {
                requested: size,
                size: len,
            },
            TreeError::ReversedRange { old, new } => StoreError::ReversedRange { old, new },
        }
    }
}

impl From<RecordError> for StoreError {
    fn from(e: RecordError) -> Self {
        StoreError::Record {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database {
            backend: "sqlite",
            message: e.to_string(),
        }
    }
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        let message = match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => e.to_string(),
        };
        StoreError::Database {
            backend: "postgres",
            message,
        }
    }
}

#[cfg(feature = "postgres")]
impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Database {
            backend: "postgres",
            message: e.to_string(),
        }
    }
}
