//! PostgreSQL reads, the corruption scan and import (specs/board.md §7.3,
//! §8.3-§8.4).

use std::io::BufRead;

use tokio::sync::OwnedMutexGuard;
use tokio_postgres::{GenericClient, IsolationLevel};

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::{BoardPublicKey, SignedCheckpoint};
use crate::entry::{Entry, LogEntry};
use crate::merkle::MerkleTree;
use crate::receipt::Receipt;
use crate::record::{RecordItem, RecordReader, RecordSummary};
use crate::store::batch::make_receipt;
use crate::store::cache::extend;
use crate::store::integrity::IntegrityScan;
use crate::store::postgres::writer::{insert_checkpoints, insert_rows, lock_log};
use crate::store::postgres::PgInner;
use crate::store::rows::{checkpoint_from, election_from, hash_from, log_entry_from};
use crate::store::{from_i64, to_i64, IntegrityReport, StoreError, MAX_PAYLOAD_MATCHES};

/// Leaf hashes loaded per query when a tree catches up.
const LOAD_PAGE: i64 = 100_000;
/// Rows per query in the corruption scan.
const SCAN_PAGE: i64 = 2_000;
/// Rows per insert statement in an import.
const IMPORT_CHUNK: usize = 500;

/// The stored size of a log (0 if absent).
pub(super) async fn stored_size<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
) -> Result<u64, StoreError> {
    let row = c
        .query_opt(
            "SELECT size FROM logs WHERE election = $1",
            &[&&election.0[..]],
        )
        .await?;
    from_i64(row.map_or(0, |r| r.get(0)), 0)
}

/// Loads stored leaf hashes from `tree.len()` up to `size` into `tree`.
pub(super) async fn load_leaves<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    tree: &mut MerkleTree,
    size: u64,
) -> Result<(), StoreError> {
    while tree.len() < size {
        let from = tree.len();
        let rows = c
            .query(
                "SELECT idx, leaf_hash FROM entries WHERE election = $1 AND idx >= $2 \
                 AND idx < $3 ORDER BY idx LIMIT $4",
                &[&&election.0[..], &to_i64(from)?, &to_i64(size)?, &LOAD_PAGE],
            )
            .await?;
        if rows.is_empty() {
            return Err(StoreError::Corrupt { index: from });
        }
        let mut decoded = Vec::with_capacity(rows.len());
        for r in rows {
            let i = from_i64(r.get(0), from)?;
            decoded.push((i, hash_from(r.get(1), i)?));
        }
        extend(tree, decoded)?;
    }
    Ok(())
}

/// A checkpoint query taking `(election, i64)` and returning
/// `(size, root, time, signature)`.
pub(super) async fn checkpoint_query<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    sql: &str,
    arg: i64,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    let row = c.query_opt(sql, &[&&election.0[..], &arg]).await?;
    row.map(|r| checkpoint_from(*election, r.get(0), r.get(1), r.get(2), r.get(3)))
        .transpose()
}

/// The first stored checkpoint with size > `index`.
pub(super) async fn covering_checkpoint<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    index: u64,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    checkpoint_query(
        c,
        election,
        "SELECT size, root, time, signature FROM checkpoints \
         WHERE election = $1 AND size > $2 ORDER BY size LIMIT 1",
        to_i64(index)?,
    )
    .await
}

/// Up to `limit` checkpoints of size `from` or more, in increasing size.
pub(super) async fn checkpoints<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    from: u64,
    limit: u32,
) -> Result<Vec<SignedCheckpoint>, StoreError> {
    c.query(
        "SELECT size, root, time, signature FROM checkpoints WHERE election = $1 AND size >= $2 \
         ORDER BY size LIMIT $3",
        &[&&election.0[..], &to_i64(from)?, &i64::from(limit)],
    )
    .await?
    .iter()
    .map(|r| checkpoint_from(*election, r.get(0), r.get(1), r.get(2), r.get(3)))
    .collect()
}

/// Up to `limit` verified entries from `from` on.
pub(super) async fn entries<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    from: u64,
    limit: u32,
) -> Result<Vec<LogEntry>, StoreError> {
    let rows = c
        .query(
            "SELECT idx, leaf_hash, bytes FROM entries WHERE election = $1 AND idx >= $2 \
             ORDER BY idx LIMIT $3",
            &[&&election.0[..], &to_i64(from)?, &i64::from(limit)],
        )
        .await?;
    rows.into_iter()
        .enumerate()
        .map(|(k, r)| log_entry_from(from + k as u64, r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// The election's tree, caught up so that it holds at least `size` leaves.
pub(super) async fn tree_with(
    inner: &PgInner,
    election: &ElectionId,
    size: u64,
) -> Result<OwnedMutexGuard<MerkleTree>, StoreError> {
    let mut tree = inner.cache.get(election).lock_owned().await;
    if tree.len() < size {
        let client = inner.pool.get().await?;
        let stored = stored_size(&**client, election).await?;
        load_leaves(&**client, election, &mut tree, stored).await?;
    }
    if tree.len() < size {
        return Err(StoreError::SizeOutOfRange {
            requested: size,
            size: tree.len(),
        });
    }
    Ok(tree)
}

/// Index of the entry with leaf hash `leaf`.
pub(super) async fn find_leaf<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    leaf: &Hash,
) -> Result<Option<u64>, StoreError> {
    let row = c
        .query_opt(
            "SELECT idx FROM entries WHERE election = $1 AND leaf_hash = $2",
            &[&&election.0[..], &&leaf.0[..]],
        )
        .await?;
    row.map(|r| from_i64(r.get(0), 0)).transpose()
}

/// Indices of the entries whose payload hashes to `payload_hash`.
pub(super) async fn find_payload<C: GenericClient + Sync>(
    c: &C,
    election: &ElectionId,
    payload_hash: &Hash,
) -> Result<Vec<u64>, StoreError> {
    c.query(
        "SELECT idx FROM entries WHERE election = $1 AND payload_hash = $2 ORDER BY idx LIMIT $3",
        &[
            &&election.0[..],
            &&payload_hash.0[..],
            &i64::from(MAX_PAYLOAD_MATCHES),
        ],
    )
    .await?
    .iter()
    .map(|r| from_i64(r.get(0), 0))
    .collect()
}

/// The receipt of entry `index` (§6).
pub(super) async fn receipt(
    inner: &PgInner,
    election: &ElectionId,
    index: u64,
) -> Result<Receipt, StoreError> {
    let cp = {
        let client = inner.pool.get().await?;
        match covering_checkpoint(&**client, election, index).await? {
            Some(cp) => cp,
            None => {
                let size = stored_size(&**client, election).await?;
                return Err(if index >= size {
                    StoreError::IndexOutOfRange { index, size }
                } else {
                    StoreError::Corrupt { index }
                });
            }
        }
    };
    let tree = tree_with(inner, election, cp.size).await?;
    let leaf = tree.leaf(index).ok_or(StoreError::Corrupt { index })?;
    make_receipt(&tree, index, leaf, cp)
}

/// The corruption scan over every stored row, in one snapshot (§8.4).
pub(super) async fn integrity(
    inner: &PgInner,
    election: &ElectionId,
) -> Result<IntegrityReport, StoreError> {
    let mut client = inner.pool.get().await?;
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let e = &election.0[..];
    let size = stored_size(&*tx, election).await?;
    let mut cps = Vec::new();
    for r in tx
        .query(
            "SELECT size, root FROM checkpoints WHERE election = $1",
            &[&e],
        )
        .await?
    {
        let s = from_i64(r.get(0), 0)?;
        cps.push((s, hash_from(r.get(1), s.saturating_sub(1))?));
    }
    let mut scan = IntegrityScan::new(size, cps);
    let mut after: i64 = -1;
    loop {
        let rows = tx
            .query(
                "SELECT idx, leaf_hash, payload_hash, bytes FROM entries \
                 WHERE election = $1 AND idx > $2 \
                 ORDER BY idx LIMIT $3",
                &[&e, &after, &SCAN_PAGE],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            after = r.get(0);
            scan.row(after, r.get(1), r.get(2), r.get(3));
        }
    }
    tx.commit().await?;
    Ok(scan.finish())
}

/// Elections with at least one entry.
pub(super) async fn elections<C: GenericClient + Sync>(
    c: &C,
) -> Result<Vec<ElectionId>, StoreError> {
    c.query(
        "SELECT election FROM logs WHERE size > 0 ORDER BY election",
        &[],
    )
    .await?
    .iter()
    .map(|r| election_from(r.get(0)))
    .collect()
}

/// Streams a record into an empty election in one transaction; any error
/// rolls everything back. The reader is read synchronously: pass a
/// buffered file or an in-memory buffer.
pub(super) async fn import(
    inner: &PgInner,
    reader: Box<dyn BufRead + Send>,
    key: &BoardPublicKey,
    max_entry: usize,
) -> Result<RecordSummary, StoreError> {
    let mut rec = RecordReader::new(reader, key, max_entry)?;
    let election = rec.header().election;
    let mut client = inner.pool.get().await?;
    let tx = client.transaction().await?;
    tx.batch_execute("SET LOCAL synchronous_commit TO on")
        .await?;
    let size = lock_log(&*tx, &election).await?;
    if size != 0 {
        return Err(StoreError::AlreadyExists { size });
    }
    let mut rows: Vec<(u64, Hash, Entry)> = Vec::with_capacity(IMPORT_CHUNK);
    let mut cps: Vec<SignedCheckpoint> = Vec::new();
    loop {
        let item = rec.next_item()?;
        let done = item.is_none();
        match item {
            Some(RecordItem::Entry(le)) => rows.push((le.index, le.leaf_hash(), le.entry)),
            Some(RecordItem::Checkpoint(cp)) => cps.push(cp),
            None => {}
        }
        if rows.len() >= IMPORT_CHUNK || (done && !rows.is_empty()) {
            insert_rows(&*tx, &election, rows.iter().map(|(i, h, e)| (*i, h, e))).await?;
            rows.clear();
        }
        if cps.len() >= IMPORT_CHUNK || (done && !cps.is_empty()) {
            insert_checkpoints(&*tx, &cps).await?;
            cps.clear();
        }
        if done {
            break;
        }
    }
    let summary = rec.finish()?;
    tx.execute(
        "UPDATE logs SET size = $2 WHERE election = $1",
        &[&&election.0[..], &to_i64(summary.size)?],
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}
