//! The production store: PostgreSQL through tokio-postgres and a deadpool
//! connection pool (specs/board.md §8).
//!
//! Several processes may append to one database: each write transaction
//! locks its election rows (`SELECT … FOR UPDATE`, in election-id order)
//! before reading the stored size, so indices come out unique, ordered and
//! gap-free, with the `(election, idx)` primary key as a backstop. Commits
//! run with `synchronous_commit = on`: an append is answered only after its
//! WAL record is flushed.

mod read;
mod writer;

use std::io::BufRead;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::mpsc;
use tokio_postgres::NoTls;

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::{BoardPublicKey, SignedCheckpoint};
use crate::entry::{Entry, LogEntry};
use crate::proof::{ConsistencyProof, InclusionProof};
use crate::receipt::Receipt;
use crate::record::RecordSummary;
use crate::store::batch::Pending;
use crate::store::cache::TreeCache;
use crate::store::migrations::{self, CREATE_MIGRATIONS_TABLE};
use crate::store::{now_secs, to_i64, BoardConfig, IntegrityReport, Limits, Store, StoreError};

/// Advisory lock key under which migrations run ("psephos" in ASCII).
const MIGRATION_LOCK: i64 = 0x0070_7365_7068_6f73;

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConfig {
    /// A `postgres://` URL or key=value connection string.
    pub url: String,
    /// Schema to create (if absent) and use as `search_path`; `None`
    /// keeps the server's default (`public`).
    pub schema: Option<String>,
    /// Largest number of pooled connections.
    pub pool_size: usize,
}

impl PgConfig {
    /// A configuration for `url` with the default schema and 16 connections.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            schema: None,
            pool_size: 16,
        }
    }

    /// The same configuration in schema `schema`.
    pub fn with_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}

/// Schema names are used unquoted in SQL, so only `[a-z_][a-z0-9_]*` passes.
fn check_schema(s: &str) -> Result<(), StoreError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == b'_')
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Config(format!("bad schema name {s:?}")))
    }
}

/// State shared by the store handle and its writer task.
pub(crate) struct PgInner {
    pub(crate) pool: Pool,
    pub(crate) config: BoardConfig,
    pub(crate) cache: TreeCache,
}

/// A [`Store`] in a PostgreSQL database.
pub struct PgStore {
    inner: Arc<PgInner>,
    tx: mpsc::UnboundedSender<Pending>,
}

impl PgStore {
    /// Connects, creates the schema if asked, applies pending migrations
    /// (serialised between processes by an advisory lock) and starts the
    /// writer task. Must be called inside a tokio runtime.
    pub async fn connect(pg: PgConfig, config: BoardConfig) -> Result<Self, StoreError> {
        let mut cfg = tokio_postgres::Config::from_str(&pg.url)
            .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
        if let Some(s) = &pg.schema {
            check_schema(s)?;
            cfg.options(format!("-c search_path={s}"));
        }
        let mgr = Manager::from_config(
            cfg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(pg.pool_size.max(2))
            .build()
            .map_err(|e| StoreError::Config(format!("cannot build pool: {e}")))?;
        migrate(&pool, pg.schema.as_deref()).await?;
        let inner = Arc::new(PgInner {
            pool,
            config,
            cache: TreeCache::default(),
        });
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer::run(inner.clone(), rx));
        Ok(Self { inner, tx })
    }
}

async fn migrate(pool: &Pool, schema: Option<&str>) -> Result<(), StoreError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    if let Some(s) = schema {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}"))
            .await?;
    }
    tx.batch_execute(CREATE_MIGRATIONS_TABLE).await?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM board_migrations",
            &[],
        )
        .await?
        .get(0);
    let current = u32::try_from(current).unwrap_or(0);
    let known = migrations::latest(migrations::POSTGRES);
    if current > known {
        return Err(StoreError::Migration {
            version: current,
            message: format!("database schema is newer than this code (knows {known})"),
        });
    }
    for m in migrations::POSTGRES.iter().filter(|m| m.version > current) {
        let fail = |e: tokio_postgres::Error| StoreError::Migration {
            version: m.version,
            message: StoreError::from(e).to_string(),
        };
        tx.batch_execute(m.sql).await.map_err(fail)?;
        let v = i32::try_from(m.version).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO board_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&v, &m.name, &to_i64(now_secs())?],
        )
        .await
        .map_err(fail)?;
    }
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl Store for PgStore {
    fn public_key(&self) -> BoardPublicKey {
        BoardPublicKey::from_signing_key(&self.inner.config.signing_key)
    }

    fn limits(&self) -> Limits {
        self.inner.config.limits
    }

    async fn append(&self, election: ElectionId, entry: Entry) -> Result<Receipt, StoreError> {
        entry.check_size(self.inner.config.limits.max_entry_bytes)?;
        let (p, rx) = Pending::new(election, entry);
        self.tx.send(p).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    async fn size(&self, election: ElectionId) -> Result<u64, StoreError> {
        let client = self.inner.pool.get().await?;
        read::stored_size(&**client, &election).await
    }

    async fn entries(
        &self,
        election: ElectionId,
        from: u64,
        limit: u32,
    ) -> Result<Vec<LogEntry>, StoreError> {
        if limit == 0 {
            return Err(StoreError::EmptyPage);
        }
        let limit = limit.min(self.limits().max_page.max(1));
        let client = self.inner.pool.get().await?;
        read::entries(&**client, &election, from, limit).await
    }

    async fn latest_checkpoint(
        &self,
        election: ElectionId,
    ) -> Result<Option<SignedCheckpoint>, StoreError> {
        let client = self.inner.pool.get().await?;
        read::checkpoint_query(
            &**client,
            &election,
            "SELECT size, root, time, signature FROM checkpoints \
             WHERE election = $1 AND size > $2 ORDER BY size DESC LIMIT 1",
            0,
        )
        .await
    }

    async fn checkpoint(
        &self,
        election: ElectionId,
        size: u64,
    ) -> Result<Option<SignedCheckpoint>, StoreError> {
        let client = self.inner.pool.get().await?;
        read::checkpoint_query(
            &**client,
            &election,
            "SELECT size, root, time, signature FROM checkpoints \
             WHERE election = $1 AND size = $2",
            to_i64(size)?,
        )
        .await
    }

    async fn checkpoints(
        &self,
        election: ElectionId,
        from_size: u64,
        limit: u32,
    ) -> Result<Vec<SignedCheckpoint>, StoreError> {
        if limit == 0 {
            return Err(StoreError::EmptyPage);
        }
        let limit = limit.min(self.limits().max_page.max(1));
        let client = self.inner.pool.get().await?;
        read::checkpoints(&**client, &election, from_size, limit).await
    }

    async fn root(&self, election: ElectionId, size: u64) -> Result<Hash, StoreError> {
        let tree = read::tree_with(&self.inner, &election, size).await?;
        Ok(tree.root_at(size)?)
    }

    async fn inclusion_proof(
        &self,
        election: ElectionId,
        index: u64,
        size: u64,
    ) -> Result<InclusionProof, StoreError> {
        let tree = read::tree_with(&self.inner, &election, size).await?;
        Ok(tree.inclusion_proof(index, size)?)
    }

    async fn consistency_proof(
        &self,
        election: ElectionId,
        old: u64,
        new: u64,
    ) -> Result<ConsistencyProof, StoreError> {
        let tree = read::tree_with(&self.inner, &election, new).await?;
        Ok(tree.consistency_proof(old, new)?)
    }

    async fn find_leaf(&self, election: ElectionId, leaf: Hash) -> Result<Option<u64>, StoreError> {
        let client = self.inner.pool.get().await?;
        read::find_leaf(&**client, &election, &leaf).await
    }

    async fn find_payload(
        &self,
        election: ElectionId,
        payload_hash: Hash,
    ) -> Result<Vec<u64>, StoreError> {
        let client = self.inner.pool.get().await?;
        read::find_payload(&**client, &election, &payload_hash).await
    }

    async fn receipt(&self, election: ElectionId, index: u64) -> Result<Receipt, StoreError> {
        read::receipt(&self.inner, &election, index).await
    }

    async fn check_integrity(&self, election: ElectionId) -> Result<IntegrityReport, StoreError> {
        read::integrity(&self.inner, &election).await
    }

    async fn elections(&self) -> Result<Vec<ElectionId>, StoreError> {
        let client = self.inner.pool.get().await?;
        read::elections(&**client).await
    }

    async fn import(
        &self,
        reader: Box<dyn BufRead + Send>,
        key: BoardPublicKey,
    ) -> Result<RecordSummary, StoreError> {
        read::import(&self.inner, reader, &key, self.limits().max_entry_bytes).await
    }
}
