//! SQLite reads: pages of entries, trees caught up for proofs, receipts,
//! look-ups and the corruption scan (specs/board.md §8.3-§8.4).

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::OwnedMutexGuard;

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::SignedCheckpoint;
use crate::entry::LogEntry;
use crate::merkle::MerkleTree;
use crate::receipt::Receipt;
use crate::store::batch::make_receipt;
use crate::store::integrity::IntegrityScan;
use crate::store::rows::{checkpoint_from, election_from, hash_from, log_entry_from};
use crate::store::sqlite::{covering_checkpoint, load_leaves, stored_size, Inner};
use crate::store::{from_i64, to_i64, IntegrityReport, Limits, StoreError, MAX_PAYLOAD_MATCHES};

/// A requested page size, cut to the limit; 0 is refused.
pub(super) fn page_limit(limit: u32, limits: Limits) -> Result<u32, StoreError> {
    if limit == 0 {
        return Err(StoreError::EmptyPage);
    }
    Ok(limit.min(limits.max_page.max(1)))
}

/// Up to `limit` verified entries from `from` on.
pub(super) fn entries(
    c: &Connection,
    election: &ElectionId,
    from: u64,
    limit: u32,
) -> Result<Vec<LogEntry>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT idx, leaf_hash, bytes FROM entries WHERE election = ?1 AND idx >= ?2 \
         ORDER BY idx LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![&election.0[..], to_i64(from)?, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .enumerate()
        .map(|(k, (idx, leaf, bytes))| log_entry_from(from + k as u64, idx, &leaf, bytes))
        .collect()
}

/// Up to `limit` checkpoints of size `from` or more, in increasing size.
pub(super) fn checkpoints(
    c: &Connection,
    election: &ElectionId,
    from: u64,
    limit: u32,
) -> Result<Vec<SignedCheckpoint>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT size, root, time, signature FROM checkpoints WHERE election = ?1 AND size >= ?2 \
         ORDER BY size LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![&election.0[..], to_i64(from)?, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(size, root, time, sig)| checkpoint_from(*election, size, &root, time, &sig))
        .collect()
}

/// The election's tree, caught up so that it holds at least `size` leaves.
pub(super) fn tree_with(
    inner: &Inner,
    c: &Connection,
    election: &ElectionId,
    size: u64,
) -> Result<OwnedMutexGuard<MerkleTree>, StoreError> {
    let mut tree = inner.cache.get(election).blocking_lock_owned();
    if tree.len() < size {
        let stored = stored_size(c, election)?;
        load_leaves(c, election, &mut tree, stored)?;
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
pub(super) fn find_leaf(
    c: &Connection,
    election: &ElectionId,
    leaf: &Hash,
) -> Result<Option<u64>, StoreError> {
    let idx: Option<i64> = c
        .prepare_cached("SELECT idx FROM entries WHERE election = ?1 AND leaf_hash = ?2")?
        .query_row(params![&election.0[..], &leaf.0[..]], |r| r.get(0))
        .optional()?;
    idx.map(|i| from_i64(i, 0)).transpose()
}

/// Indices of the entries whose payload hashes to `payload_hash`.
pub(super) fn find_payload(
    c: &Connection,
    election: &ElectionId,
    payload_hash: &Hash,
) -> Result<Vec<u64>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT idx FROM entries WHERE election = ?1 AND payload_hash = ?2 ORDER BY idx LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(
            params![&election.0[..], &payload_hash.0[..], MAX_PAYLOAD_MATCHES],
            |r| r.get::<_, i64>(0),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|i| from_i64(i, 0)).collect()
}

/// The receipt of entry `index` (§6).
pub(super) fn receipt(
    inner: &Inner,
    c: &Connection,
    election: &ElectionId,
    index: u64,
) -> Result<Receipt, StoreError> {
    let Some(cp) = covering_checkpoint(c, election, index)? else {
        let size = stored_size(c, election)?;
        return Err(if index >= size {
            StoreError::IndexOutOfRange { index, size }
        } else {
            StoreError::Corrupt { index }
        });
    };
    let tree = tree_with(inner, c, election, cp.size)?;
    let leaf = tree.leaf(index).ok_or(StoreError::Corrupt { index })?;
    make_receipt(&tree, index, leaf, cp)
}

/// The corruption scan over every stored row (§8.4).
pub(super) fn integrity(
    c: &Connection,
    election: &ElectionId,
) -> Result<IntegrityReport, StoreError> {
    let tx = c.unchecked_transaction()?;
    let size = stored_size(&tx, election)?;
    let mut cps = Vec::new();
    {
        let mut stmt = tx.prepare("SELECT size, root FROM checkpoints WHERE election = ?1")?;
        let mut rows = stmt.query(params![&election.0[..]])?;
        while let Some(r) = rows.next()? {
            let s = from_i64(r.get(0)?, 0)?;
            cps.push((s, hash_from(&r.get::<_, Vec<u8>>(1)?, s.saturating_sub(1))?));
        }
    }
    let mut scan = IntegrityScan::new(size, cps);
    {
        let mut stmt = tx.prepare(
            "SELECT idx, leaf_hash, payload_hash, bytes FROM entries WHERE election = ?1 \
             ORDER BY idx",
        )?;
        let mut rows = stmt.query(params![&election.0[..]])?;
        while let Some(r) = rows.next()? {
            scan.row(
                r.get(0)?,
                &r.get::<_, Vec<u8>>(1)?,
                &r.get::<_, Vec<u8>>(2)?,
                r.get(3)?,
            );
        }
    }
    tx.commit()?;
    Ok(scan.finish())
}

/// Elections with at least one entry.
pub(super) fn elections(c: &Connection) -> Result<Vec<ElectionId>, StoreError> {
    let mut stmt =
        c.prepare_cached("SELECT election FROM logs WHERE size > 0 ORDER BY election")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter().map(|e| election_from(e)).collect()
}
