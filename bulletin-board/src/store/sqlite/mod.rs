//! The embedded default store: one SQLite file, created on first use
//! (specs/board.md §8).
//!
//! Every connection runs `journal_mode=WAL`, `synchronous=FULL`,
//! `foreign_keys=ON` and a busy timeout. Appends go to one writer thread
//! (`writer`); reads run on `spawn_blocking` over a small pool of read
//! connections, which WAL lets proceed while the writer commits.

mod import;
mod read;
mod writer;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::{BoardPublicKey, SignedCheckpoint};
use crate::entry::{Entry, LogEntry};
use crate::merkle::MerkleTree;
use crate::proof::{ConsistencyProof, InclusionProof};
use crate::receipt::Receipt;
use crate::record::RecordSummary;
use crate::store::batch::Pending;
use crate::store::cache::{extend, TreeCache};
use crate::store::migrations::{self, CREATE_MIGRATIONS_TABLE};
use crate::store::rows::{checkpoint_from, hash_from};
use crate::store::{now_secs, to_i64, BoardConfig, IntegrityReport, Limits, Store, StoreError};

/// Leaf hashes loaded per query when a tree catches up.
const LOAD_PAGE: i64 = 100_000;
/// Read connections kept open for reuse.
const READ_POOL: usize = 4;

/// State shared by the store handle, its readers and its writer thread.
pub(crate) struct Inner {
    path: PathBuf,
    pub(crate) config: BoardConfig,
    pub(crate) cache: TreeCache,
    readers: Mutex<Vec<Connection>>,
}

/// A [`Store`] in one SQLite file.
pub struct SqliteStore {
    inner: Arc<Inner>,
    tx: Mutex<Option<Sender<Pending>>>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// Opens a connection with the durability settings of §8.2.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let c = Connection::open(path)?;
    c.busy_timeout(Duration::from_secs(30))?;
    let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Config(format!(
            "SQLite refused WAL mode (got {mode})"
        )));
    }
    c.pragma_update(None, "synchronous", "FULL")?;
    c.pragma_update(None, "foreign_keys", "ON")?;
    Ok(c)
}

/// Applies every migration newer than the file's version, in one transaction.
fn migrate(c: &mut Connection) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(CREATE_MIGRATIONS_TABLE)?;
    let current: u32 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM board_migrations",
        [],
        |r| r.get(0),
    )?;
    let known = migrations::latest(migrations::SQLITE);
    if current > known {
        return Err(StoreError::Migration {
            version: current,
            message: format!("database schema is newer than this code (knows {known})"),
        });
    }
    for m in migrations::SQLITE.iter().filter(|m| m.version > current) {
        let fail = |e: rusqlite::Error| StoreError::Migration {
            version: m.version,
            message: e.to_string(),
        };
        tx.execute_batch(m.sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO board_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, to_i64(now_secs())?],
        )
        .map_err(fail)?;
    }
    tx.commit()?;
    Ok(())
}

/// Loads stored leaf hashes from `tree.len()` up to `size` into `tree`.
pub(crate) fn load_leaves(
    c: &Connection,
    election: &ElectionId,
    tree: &mut MerkleTree,
    size: u64,
) -> Result<(), StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT idx, leaf_hash FROM entries WHERE election = ?1 AND idx >= ?2 AND idx < ?3 \
         ORDER BY idx LIMIT ?4",
    )?;
    while tree.len() < size {
        let from = tree.len();
        let rows = stmt
            .query_map(
                params![&election.0[..], to_i64(from)?, to_i64(size)?, LOAD_PAGE],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Err(StoreError::Corrupt { index: from });
        }
        let mut decoded = Vec::with_capacity(rows.len());
        for (idx, leaf) in rows {
            let i = crate::store::from_i64(idx, from)?;
            decoded.push((i, hash_from(&leaf, i)?));
        }
        extend(tree, decoded)?;
    }
    Ok(())
}

/// The first stored checkpoint with size > `index`.
pub(crate) fn covering_checkpoint(
    c: &Connection,
    election: &ElectionId,
    index: u64,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    checkpoint_query(
        c,
        election,
        "SELECT size, root, time, signature FROM checkpoints \
         WHERE election = ?1 AND size > ?2 ORDER BY size LIMIT 1",
        to_i64(index)?,
    )
}

fn checkpoint_query(
    c: &Connection,
    election: &ElectionId,
    sql: &str,
    arg: i64,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    let row = c
        .prepare_cached(sql)?
        .query_row(params![&election.0[..], arg], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .optional()?;
    row.map(|(size, root, time, sig)| checkpoint_from(*election, size, &root, time, &sig))
        .transpose()
}

/// The stored size of a log (0 if absent).
pub(crate) fn stored_size(c: &Connection, election: &ElectionId) -> Result<u64, StoreError> {
    let size: Option<i64> = c
        .prepare_cached("SELECT size FROM logs WHERE election = ?1")?
        .query_row(params![&election.0[..]], |r| r.get(0))
        .optional()?;
    crate::store::from_i64(size.unwrap_or(0), 0)
}

impl SqliteStore {
    /// Opens (creating if absent) the board file at `path`, applies pending
    /// migrations and starts the writer thread.
    pub async fn open(path: impl AsRef<Path>, config: BoardConfig) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let p = path.clone();
        let conn = tokio::task::spawn_blocking(move || {
            let mut c = connect(&p)?;
            migrate(&mut c)?;
            Ok::<_, StoreError>(c)
        })
        .await
        .map_err(|_| StoreError::Closed)??;
        let inner = Arc::new(Inner {
            path,
            config,
            cache: TreeCache::default(),
            readers: Mutex::new(Vec::new()),
        });
        let (tx, rx) = mpsc::channel();
        let w = inner.clone();
        let writer = std::thread::Builder::new()
            .name("psephos-board-sqlite-writer".into())
            .spawn(move || writer::run(conn, w, rx))
            .map_err(|e| StoreError::Config(format!("cannot start writer thread: {e}")))?;
        Ok(Self {
            inner,
            tx: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Inner, &mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = inner
                .readers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop();
            let mut c = match pooled {
                Some(c) => c,
                None => connect(&inner.path)?,
            };
            let r = f(&inner, &mut c);
            let mut pool = inner.readers.lock().unwrap_or_else(|p| p.into_inner());
            if pool.len() < READ_POOL {
                pool.push(c);
            }
            r
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel lets the writer finish what it holds and stop.
        self.tx.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = self.writer.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = h.join();
        }
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn public_key(&self) -> BoardPublicKey {
        BoardPublicKey::from_signing_key(&self.inner.config.signing_key)
    }

    fn limits(&self) -> Limits {
        self.inner.config.limits
    }

    async fn append(&self, election: ElectionId, entry: Entry) -> Result<Receipt, StoreError> {
        entry.check_size(self.inner.config.limits.max_entry_bytes)?;
        let (p, rx) = Pending::new(election, entry);
        {
            let guard = self.tx.lock().unwrap_or_else(|p| p.into_inner());
            let tx = guard.as_ref().ok_or(StoreError::Closed)?;
            tx.send(p).map_err(|_| StoreError::Closed)?;
        }
        rx.await.map_err(|_| StoreError::Closed)?
    }

    async fn size(&self, election: ElectionId) -> Result<u64, StoreError> {
        self.with_conn(move |_, c| stored_size(c, &election)).await
    }

    async fn entries(
        &self,
        election: ElectionId,
        from: u64,
        limit: u32,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let limit = read::page_limit(limit, self.limits())?;
        self.with_conn(move |_, c| read::entries(c, &election, from, limit))
            .await
    }

    async fn latest_checkpoint(
        &self,
        election: ElectionId,
    ) -> Result<Option<SignedCheckpoint>, StoreError> {
        self.with_conn(move |_, c| {
            checkpoint_query(
                c,
                &election,
                "SELECT size, root, time, signature FROM checkpoints \
                 WHERE election = ?1 AND size > ?2 ORDER BY size DESC LIMIT 1",
                0,
            )
        })
        .await
    }

    async fn checkpoint(
        &self,
        election: ElectionId,
        size: u64,
    ) -> Result<Option<SignedCheckpoint>, StoreError> {
        let s = to_i64(size)?;
        self.with_conn(move |_, c| {
            checkpoint_query(
                c,
                &election,
                "SELECT size, root, time, signature FROM checkpoints \
                 WHERE election = ?1 AND size = ?2",
                s,
            )
        })
        .await
    }

    async fn checkpoints(
        &self,
        election: ElectionId,
        from_size: u64,
        limit: u32,
    ) -> Result<Vec<SignedCheckpoint>, StoreError> {
        let limit = read::page_limit(limit, self.limits())?;
        self.with_conn(move |_, c| read::checkpoints(c, &election, from_size, limit))
            .await
    }

    async fn root(&self, election: ElectionId, size: u64) -> Result<Hash, StoreError> {
        self.with_conn(move |inner, c| {
            let tree = read::tree_with(inner, c, &election, size)?;
            Ok(tree.root_at(size)?)
        })
        .await
    }

    async fn inclusion_proof(
        &self,
        election: ElectionId,
        index: u64,
        size: u64,
    ) -> Result<InclusionProof, StoreError> {
        self.with_conn(move |inner, c| {
            let tree = read::tree_with(inner, c, &election, size)?;
            Ok(tree.inclusion_proof(index, size)?)
        })
        .await
    }

    async fn consistency_proof(
        &self,
        election: ElectionId,
        old: u64,
        new: u64,
    ) -> Result<ConsistencyProof, StoreError> {
        self.with_conn(move |inner, c| {
            let tree = read::tree_with(inner, c, &election, new)?;
            Ok(tree.consistency_proof(old, new)?)
        })
        .await
    }

    async fn find_leaf(&self, election: ElectionId, leaf: Hash) -> Result<Option<u64>, StoreError> {
        self.with_conn(move |_, c| read::find_leaf(c, &election, &leaf))
            .await
    }

    async fn find_payload(
        &self,
        election: ElectionId,
        payload_hash: Hash,
    ) -> Result<Vec<u64>, StoreError> {
        self.with_conn(move |_, c| read::find_payload(c, &election, &payload_hash))
            .await
    }

    async fn receipt(&self, election: ElectionId, index: u64) -> Result<Receipt, StoreError> {
        self.with_conn(move |inner, c| read::receipt(inner, c, &election, index))
            .await
    }

    async fn check_integrity(&self, election: ElectionId) -> Result<IntegrityReport, StoreError> {
        self.with_conn(move |_, c| read::integrity(c, &election))
            .await
    }

    async fn elections(&self) -> Result<Vec<ElectionId>, StoreError> {
        self.with_conn(|_, c| read::elections(c)).await
    }

    async fn import(
        &self,
        reader: Box<dyn BufRead + Send>,
        key: BoardPublicKey,
    ) -> Result<RecordSummary, StoreError> {
        let max = self.limits().max_entry_bytes;
        self.with_conn(move |_, c| import::import(c, reader, &key, max))
            .await
    }
}
