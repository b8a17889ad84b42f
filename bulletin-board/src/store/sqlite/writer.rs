//! The SQLite writer: one dedicated thread owning the write connection,
//! committing waiting appends in groups (specs/board.md §8.2).
//!
//! Each group is one `BEGIN IMMEDIATE … COMMIT` transaction. With
//! `journal_mode=WAL` and `synchronous=FULL` the commit returns only after
//! the WAL is fsynced, so an answered append survives a crash or power loss.
//! `BEGIN IMMEDIATE` takes SQLite's write lock first, so even several
//! processes sharing one file assign indices from the stored size.

use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use tokio::sync::OwnedMutexGuard;

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::SignedCheckpoint;
use crate::merkle::MerkleTree;
use crate::store::batch::{self, ElectionPlan, Pending};
use crate::store::sqlite::{covering_checkpoint, load_leaves, Inner};
use crate::store::{now_secs, to_i64, StoreError};

/// One election's share of a batch while it is being committed.
struct Staged {
    plan: ElectionPlan,
    tree: OwnedMutexGuard<MerkleTree>,
    sealed: Option<SignedCheckpoint>,
    covering: HashMap<u64, SignedCheckpoint>,
}

/// Runs until every sender is gone: takes one append, then every other one
/// already waiting (up to `max_batch`), and commits them together.
pub(super) fn run(mut conn: Connection, inner: Arc<Inner>, rx: Receiver<Pending>) {
    let max = inner.config.limits.max_batch.max(1);
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < max {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, &inner, batch);
    }
}

fn commit_batch(conn: &mut Connection, inner: &Inner, batch: Vec<Pending>) {
    let mut groups = batch::group(batch);
    let mut staged = Vec::new();
    match stage_and_commit(conn, inner, &mut groups, &mut staged) {
        Ok(()) => {
            for s in staged {
                s.plan.answer(&s.tree, s.sealed, &s.covering);
            }
        }
        Err(e) => {
            for mut s in staged {
                s.tree.truncate(s.plan.base);
                s.plan.fail(&e);
            }
            for (_, rest) in groups {
                batch::fail_all(rest, &e);
            }
        }
    }
}

fn stage_and_commit(
    conn: &mut Connection,
    inner: &Inner,
    groups: &mut std::collections::BTreeMap<ElectionId, Vec<Pending>>,
    staged: &mut Vec<Staged>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let time = now_secs();
    for (election, pending) in groups.iter_mut() {
        let mut tree = inner.cache.get(election).blocking_lock_owned();
        let base = lock_log(&tx, election)?;
        if tree.len() > base {
            // Only committed leaves stay in a tree, so this is a lost row.
            return Err(StoreError::Corrupt { index: base });
        }
        load_leaves(&tx, election, &mut tree, base)?;
        let existing = existing_leaves(&tx, election, pending)?;
        let plan = ElectionPlan::new(*election, base, std::mem::take(pending), &existing);
        let mut s = Staged {
            plan,
            tree,
            sealed: None,
            covering: HashMap::new(),
        };
        let r = stage(&tx, inner, election, time, &mut s);
        // Staged even on error, so that its tree is truncated back.
        staged.push(s);
        r?;
    }
    tx.commit()?;
    Ok(())
}

/// Seals one election's plan and writes its rows and checkpoint.
fn stage(
    tx: &Transaction<'_>,
    inner: &Inner,
    election: &ElectionId,
    time: u64,
    s: &mut Staged,
) -> Result<(), StoreError> {
    s.sealed = s.plan.seal(&mut s.tree, &inner.config.signing_key, time)?;
    write_plan(tx, &s.plan, s.sealed.as_ref())?;
    for index in s.plan.existing_indices() {
        let cp = covering_checkpoint(tx, election, index)?.ok_or(StoreError::Corrupt { index })?;
        s.covering.insert(index, cp);
    }
    Ok(())
}

/// Creates the log row if needed and returns the stored size.
fn lock_log(tx: &Transaction<'_>, election: &ElectionId) -> Result<u64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO logs (election, size) VALUES (?1, 0) ON CONFLICT (election) DO NOTHING",
    )?
    .execute(params![&election.0[..]])?;
    let size: i64 = tx
        .prepare_cached("SELECT size FROM logs WHERE election = ?1")?
        .query_row(params![&election.0[..]], |r| r.get(0))?;
    crate::store::from_i64(size, 0)
}

fn existing_leaves(
    tx: &Transaction<'_>,
    election: &ElectionId,
    pending: &[Pending],
) -> Result<HashMap<Hash, u64>, StoreError> {
    let mut stmt =
        tx.prepare_cached("SELECT idx FROM entries WHERE election = ?1 AND leaf_hash = ?2")?;
    let mut out = HashMap::new();
    for leaf in ElectionPlan::leaves(pending) {
        let idx: Option<i64> = stmt
            .query_row(params![&election.0[..], &leaf.0[..]], |r| r.get(0))
            .optional()?;
        if let Some(i) = idx {
            out.insert(leaf, crate::store::from_i64(i, 0)?);
        }
    }
    Ok(out)
}

fn write_plan(
    tx: &Transaction<'_>,
    plan: &ElectionPlan,
    sealed: Option<&SignedCheckpoint>,
) -> Result<(), StoreError> {
    let Some(cp) = sealed else {
        return Ok(());
    };
    let e = &plan.election.0[..];
    let mut ins = tx.prepare_cached(
        "INSERT INTO entries (election, idx, leaf_hash, payload_hash, bytes) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (idx, leaf, entry) in plan.rows() {
        ins.execute(params![
            e,
            to_i64(idx)?,
            &leaf.0[..],
            &entry.payload_hash().0[..],
            entry.as_bytes()
        ])?;
    }
    tx.prepare_cached("UPDATE logs SET size = ?2 WHERE election = ?1")?
        .execute(params![e, to_i64(plan.new_size())?])?;
    insert_checkpoint(tx, cp)
}

/// Stores a signed checkpoint.
pub(super) fn insert_checkpoint(
    tx: &Transaction<'_>,
    cp: &SignedCheckpoint,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO checkpoints (election, size, root, time, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        &cp.election.0[..],
        to_i64(cp.size)?,
        &cp.root.0[..],
        to_i64(cp.time)?,
        &cp.signature[..]
    ])?;
    Ok(())
}
