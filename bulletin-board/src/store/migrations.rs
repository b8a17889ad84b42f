//! Versioned schema migrations, kept as SQL files in
//! `bulletin-board/migrations/{sqlite,postgres}/` and applied in order on
//! open (specs/board.md §8.1). Applied versions are recorded in
//! `board_migrations`; a database at a version this code does not know is
//! refused rather than used.

/// One migration step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    /// Strictly increasing from 1.
    pub version: u32,
    /// Short name, recorded with the version.
    pub name: &'static str,
    /// SQL, possibly several statements.
    pub sql: &'static str,
}

/// Creates the table that records applied migrations.
pub(crate) const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS board_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// SQLite migrations.
#[cfg(feature = "sqlite")]
pub(crate) const SQLITE: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sql: include_str!("../../migrations/sqlite/0001_init.sql"),
}];

/// PostgreSQL migrations.
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sql: include_str!("../../migrations/postgres/0001_init.sql"),
}];

/// Highest version in `list`.
pub(crate) fn latest(list: &[Migration]) -> u32 {
    list.iter().map(|m| m.version).max().unwrap_or(0)
}
