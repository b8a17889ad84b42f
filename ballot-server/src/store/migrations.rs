//! Versioned SQL of the server store, embedded at build time and applied
//! in order on start (recorded in `server_migrations`).

/// A migration: version, name, SQL.
pub(crate) type Migration = (u32, &'static str, &'static str);

/// SQLite migrations.
pub(crate) const SQLITE: &[Migration] = &[
    (
        1,
        "init",
        include_str!("../../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "initiatives",
        include_str!("../../migrations/sqlite/0002_initiatives.sql"),
    ),
];

/// PostgreSQL migrations.
pub(crate) const POSTGRES: &[Migration] = &[
    (
        1,
        "init",
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "initiatives",
        include_str!("../../migrations/postgres/0002_initiatives.sql"),
    ),
];

/// The table recording applied migrations.
pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS server_migrations (\
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
