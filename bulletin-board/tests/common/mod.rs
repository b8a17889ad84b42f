//! Test harness shared by the store suite: one real SQLite file or one real
//! PostgreSQL schema per test, deterministic test entries, and the child
//! writer process used by the multi-process and crash tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use psephos_board::store::{BoardConfig, Limits, PgConfig, PgStore, SqliteStore, Store};
use psephos_board::{ElectionId, Entry, SigningKey};
use sha2::{Digest, Sha256};

/// Which real backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "sqlite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }
}

/// The PostgreSQL server tests use.
pub fn pg_url() -> String {
    std::env::var("PSEPHOS_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The board key every test store signs with.
pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name unique to this process, moment and call.
pub fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let p: String = prefix
        .chars()
        .take(24)
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "bt_{p}_{:x}_{:x}_{n}",
        std::process::id(),
        nanos & 0xff_ffff_ffff
    )
}

/// A fresh election id.
pub fn election(tag: &str) -> ElectionId {
    ElectionId(Sha256::digest(unique(tag).as_bytes()).into())
}

/// One test database: a SQLite file or a PostgreSQL schema, removed on drop
/// by the harness that created it.
pub struct Harness {
    pub backend: Backend,
    /// SQLite file path or PostgreSQL schema name.
    pub target: String,
    owner: bool,
}

impl Harness {
    /// A new, empty database for test `name`.
    pub fn new(backend: Backend, name: &str) -> Self {
        let u = unique(name);
        let target = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("psephos-board-tests");
                std::fs::create_dir_all(&dir).expect("temp dir");
                dir.join(format!("{u}.sqlite")).display().to_string()
            }
            Backend::Postgres => u,
        };
        Self {
            backend,
            target,
            owner: true,
        }
    }

    /// The database another process created (not removed on drop).
    pub fn attach(backend: Backend, target: &str) -> Self {
        Self {
            backend,
            target: target.to_owned(),
            owner: false,
        }
    }

    pub async fn open(&self) -> Arc<dyn Store> {
        self.open_with(Limits::default()).await
    }

    pub async fn open_with(&self, limits: Limits) -> Arc<dyn Store> {
        let config = BoardConfig {
            signing_key: signing_key(),
            limits,
        };
        match self.backend {
            Backend::Sqlite => Arc::new(
                SqliteStore::open(&self.target, config)
                    .await
                    .expect("open sqlite store"),
            ),
            Backend::Postgres => Arc::new(
                PgStore::connect(PgConfig::new(pg_url()).with_schema(&self.target), config)
                    .await
                    .expect("connect postgres store"),
            ),
        }
    }

    /// Runs raw SQL against the test database (to simulate corruption).
    pub async fn exec(&self, sql: &str, election: &ElectionId, idx: i64, value: &[u8]) {
        match self.backend {
            Backend::Sqlite => {
                let c = rusqlite::Connection::open(&self.target).expect("open");
                c.execute(sql, rusqlite::params![&election.0[..], idx, value])
                    .expect("tamper");
            }
            Backend::Postgres => {
                let (client, conn) = tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                client
                    .batch_execute(&format!("SET search_path TO {}", self.target))
                    .await
                    .expect("search_path");
                let sql = sql
                    .replace("?1", "$1")
                    .replace("?2", "$2")
                    .replace("?3", "$3");
                client
                    .execute(sql.as_str(), &[&&election.0[..], &idx, &value])
                    .await
                    .expect("tamper");
            }
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", self.target)));
                }
            }
            Backend::Postgres => {
                let schema = self.target.clone();
                // Drop may run on a runtime thread: use a thread of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        if let Ok((client, conn)) =
                            tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await
                        {
                            tokio::spawn(conn);
                            let _ = client
                                .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// `(index, seq)` from a child writer's `ACK index seq` line (libtest may
/// print its own text before the first one on the same line).
pub fn ack(line: &str) -> Option<(u64, u64)> {
    let rest = &line[line.find("ACK ")? + 4..];
    let mut it = rest.split(' ').map(|x| x.trim().parse::<u64>());
    Some((it.next()?.ok()?, it.next()?.ok()?))
}

/// The deterministic payload number `i` of writer `tag`, `len` bytes or more.
pub fn payload(tag: &str, i: u64, len: usize) -> Vec<u8> {
    let mut p = format!("{tag}:{i}:").into_bytes();
    let mut block: [u8; 32] = Sha256::digest(&p).into();
    while p.len() < len {
        p.extend_from_slice(&block[..(len - p.len()).min(32)]);
        block = Sha256::digest(block).into();
    }
    p
}

/// The test entry number `i` of writer `tag`.
pub fn entry(tag: &str, i: u64, len: usize) -> Entry {
    Entry::new("test", &payload(tag, i, len)).expect("valid entry")
}

/// `(tag, i)` of a test entry, if it is exactly what [`entry`] makes.
pub fn parse_entry(e: &Entry, len: usize) -> Option<(String, u64)> {
    let p = e.payload();
    let s = String::from_utf8_lossy(&p[..p.len().min(64)]).into_owned();
    let mut parts = s.splitn(3, ':');
    let tag = parts.next()?.to_owned();
    let i: u64 = parts.next()?.parse().ok()?;
    (e.kind() == "test" && *e == entry(&tag, i, len)).then_some((tag, i))
}
