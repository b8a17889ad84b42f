//! The PostgreSQL writer task: group commit of waiting appends, one
//! transaction per group (specs/board.md §8.2).
//!
//! Per election, in election-id order: create the log row if absent, lock
//! it with `SELECT … FOR UPDATE` (another process appending to the same
//! election waits here until our commit), read the stored size, catch the
//! tree up to it, insert the new rows with one `UNNEST` statement, update
//! the size and store the signed checkpoint. `synchronous_commit` is forced
//! on for the transaction.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::sync::{mpsc, OwnedMutexGuard};
use tokio_postgres::GenericClient;

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::SignedCheckpoint;
use crate::entry::Entry;
use crate::merkle::MerkleTree;
use crate::store::batch::{self, ElectionPlan, Pending};
use crate::store::postgres::read::{covering_checkpoint, load_leaves};
use crate::store::postgres::PgInner;
use crate::store::{from_i64, now_secs, to_i64, StoreError};

/// One election's share of a batch while it is being committed.
struct Staged {
    plan: ElectionPlan,
    tree: OwnedMutexGuard<MerkleTree>,
    sealed: Option<SignedCheckpoint>,
    covering: HashMap<u64, SignedCheckpoint>,
}

/// Runs until the store is dropped: takes one append, then every other
/// one already waiting (up to `max_batch`), and commits them together.
pub(super) async fn run(inner: Arc<PgInner>, mut rx: mpsc::UnboundedReceiver<Pending>) {
    let max = inner.config.limits.max_batch.max(1);
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < max {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        commit_batch(&inner, batch).await;
    }
}

async fn commit_batch(inner: &PgInner, batch: Vec<Pending>) {
    let mut groups = batch::group(batch);
    let mut staged = Vec::new();
    match stage_and_commit(inner, &mut groups, &mut staged).await {
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

async fn stage_and_commit(
    inner: &PgInner,
    groups: &mut BTreeMap<ElectionId, Vec<Pending>>,
    staged: &mut Vec<Staged>,
) -> Result<(), StoreError> {
    let mut client = inner.pool.get().await?;
    let tx = client.transaction().await?;
    tx.batch_execute("SET LOCAL synchronous_commit TO on")
        .await?;
    let time = now_secs();
    for (election, pending) in groups.iter_mut() {
        let base = lock_log(&*tx, election).await?;
        let mut tree = inner.cache.get(election).lock_owned().await;
        if tree.len() > base {
            // Only committed leaves stay in a tree, so this is a lost row.
            return Err(StoreError::Corrupt { index: base });
        }
        load_leaves(&*tx, election, &mut tree, base).await?;
        let existing = existing_leaves(&*tx, election, pending).await?;
        let plan = ElectionPlan::new(*election, base, std::mem::take(pending), &existing);
        let mut s = Staged {
            plan,
            tree,
            sealed: None,
            covering: HashMap::new(),
        };
        let r = stage(&*tx, inner, election, time, &mut s).await;
        // Staged even on error, so that its tree is truncated back.
        staged.push(s);
        r?;
    }
    tx.commit().await?;
    Ok(())
}

/// Seals one election's plan and writes its rows and checkpoint.
async fn stage<C: GenericClient + Sync>(
    tx: &C,
    inner: &PgInner,
    election: &ElectionId,
    time: u64,
    s: &mut Staged,
) -> Result<(), StoreError> {
    s.sealed = s.plan.seal(&mut s.tree, &inner.config.signing_key, time)?;
    if let Some(cp) = &s.sealed {
        insert_rows(tx, election, s.plan.rows()).await?;
        tx.execute(
            "UPDATE logs SET size = $2 WHERE election = $1",
            &[&&election.0[..], &to_i64(s.plan.new_size())?],
        )
        .await?;
        insert_checkpoints(tx, std::slice::from_ref(cp)).await?;
    }
    for index in s.plan.existing_indices() {
        let cp = covering_checkpoint(tx, election, index)
            .await?
            .ok_or(StoreError::Corrupt { index })?;
        s.covering.insert(index, cp);
    }
    Ok(())
}

/// Creates the log row if needed, locks it and returns the stored size.
pub(super) async fn lock_log<C: GenericClient + Sync>(
    tx: &C,
    election: &ElectionId,
) -> Result<u64, StoreError> {
    let e = &election.0[..];
    tx.execute(
        "INSERT INTO logs (election, size) VALUES ($1, 0) ON CONFLICT (election) DO NOTHING",
        &[&e],
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT size FROM logs WHERE election = $1 FOR UPDATE",
            &[&e],
        )
        .await?;
    from_i64(row.get(0), 0)
}

async fn existing_leaves<C: GenericClient + Sync>(
    tx: &C,
    election: &ElectionId,
    pending: &[Pending],
) -> Result<HashMap<Hash, u64>, StoreError> {
    let leaves: Vec<&[u8]> = pending.iter().map(|p| &p.leaf.0[..]).collect();
    let rows = tx
        .query(
            "SELECT idx, leaf_hash FROM entries WHERE election = $1 AND leaf_hash = ANY($2)",
            &[&&election.0[..], &leaves],
        )
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        let i = from_i64(r.get(0), 0)?;
        out.insert(crate::store::rows::hash_from(r.get(1), i)?, i);
    }
    Ok(out)
}

/// Inserts `(index, leaf hash, bytes)` rows with one statement.
pub(super) async fn insert_rows<'a, C, I>(
    tx: &C,
    election: &ElectionId,
    rows: I,
) -> Result<(), StoreError>
where
    C: GenericClient + Sync,
    I: Iterator<Item = (u64, &'a Hash, &'a Entry)>,
{
    let (mut idx, mut leaves, mut payloads, mut bytes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, h, e) in rows {
        idx.push(to_i64(i)?);
        leaves.push(&h.0[..]);
        payloads.push(e.payload_hash().0.to_vec());
        bytes.push(e.as_bytes());
    }
    if idx.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO entries (election, idx, leaf_hash, payload_hash, bytes) \
         SELECT $1, t.idx, t.leaf, t.payload, t.bytes \
         FROM UNNEST($2::BIGINT[], $3::BYTEA[], $4::BYTEA[], $5::BYTEA[]) \
         AS t (idx, leaf, payload, bytes)",
        &[&&election.0[..], &idx, &leaves, &payloads, &bytes],
    )
    .await?;
    Ok(())
}

/// Stores signed checkpoints with one statement.
pub(super) async fn insert_checkpoints<C: GenericClient + Sync>(
    tx: &C,
    cps: &[SignedCheckpoint],
) -> Result<(), StoreError> {
    let Some(first) = cps.first() else {
        return Ok(());
    };
    let (mut sizes, mut roots, mut times, mut sigs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for cp in cps {
        if cp.election != first.election {
            return Err(StoreError::Config(
                "checkpoints of several elections".into(),
            ));
        }
        sizes.push(to_i64(cp.size)?);
        roots.push(&cp.root.0[..]);
        times.push(to_i64(cp.time)?);
        sigs.push(&cp.signature[..]);
    }
    tx.execute(
        "INSERT INTO checkpoints (election, size, root, time, signature) \
         SELECT $1, t.size, t.root, t.time, t.signature \
         FROM UNNEST($2::BIGINT[], $3::BYTEA[], $4::BIGINT[], $5::BYTEA[]) \
         AS t (size, root, time, signature)",
        &[&&first.election.0[..], &sizes, &roots, &times, &sigs],
    )
    .await?;
    Ok(())
}
