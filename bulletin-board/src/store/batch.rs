//! Group commit, the part both backends share (specs/board.md §8.2).
//!
//! A writer takes every append waiting (up to `max_batch`), groups them by
//! election in byte order of the election id (the order in which election
//! rows are locked, so that two processes can never deadlock), and for each
//! election, holding its row lock and its tree lock:
//!
//! 1. catches the tree up to the stored size `base`;
//! 2. looks up which leaf hashes are already stored ([`Slot::Existing`]);
//! 3. gives the others the indices `base, base + 1, …` in arrival order
//!    (a repeat inside the batch shares the first one's index);
//! 4. pushes the new leaves and signs a checkpoint of the new size.
//!
//! All elections of the batch commit in one transaction; only then is any
//! appender answered. On failure the trees are truncated back to `base`.

use std::collections::{BTreeMap, HashMap};

use ed25519_dalek::SigningKey;
use tokio::sync::oneshot;

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::entry::Entry;
use crate::merkle::MerkleTree;
use crate::receipt::Receipt;
use crate::store::StoreError;

/// One append waiting for its commit.
pub(crate) struct Pending {
    pub election: ElectionId,
    pub entry: Entry,
    pub leaf: Hash,
    pub reply: oneshot::Sender<Result<Receipt, StoreError>>,
}

impl Pending {
    /// An append request and the receiver of its answer.
    pub(crate) fn new(
        election: ElectionId,
        entry: Entry,
    ) -> (Self, oneshot::Receiver<Result<Receipt, StoreError>>) {
        let (reply, rx) = oneshot::channel();
        let leaf = entry.leaf_hash();
        (
            Self {
                election,
                entry,
                leaf,
                reply,
            },
            rx,
        )
    }
}

/// Where a pending append lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Appended by this batch at this index.
    New(u64),
    /// Already stored at this index before the batch.
    Existing(u64),
}

/// Groups a batch by election, in lock order.
pub(crate) fn group(batch: Vec<Pending>) -> BTreeMap<ElectionId, Vec<Pending>> {
    let mut m: BTreeMap<ElectionId, Vec<Pending>> = BTreeMap::new();
    for p in batch {
        m.entry(p.election).or_default().push(p);
    }
    m
}

/// The plan of one election inside a batch.
pub(crate) struct ElectionPlan {
    pub election: ElectionId,
    /// Stored size before the batch.
    pub base: u64,
    pending: Vec<Pending>,
    slots: Vec<Slot>,
    /// Positions in `pending` of the entries to insert, in index order.
    new: Vec<usize>,
}

impl ElectionPlan {
    /// Assigns indices given the leaf hashes already stored.
    pub(crate) fn new(
        election: ElectionId,
        base: u64,
        pending: Vec<Pending>,
        existing: &HashMap<Hash, u64>,
    ) -> Self {
        let mut seen: HashMap<Hash, u64> = HashMap::new();
        let mut slots = Vec::with_capacity(pending.len());
        let mut new = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            if let Some(&idx) = existing.get(&p.leaf) {
                slots.push(Slot::Existing(idx));
            } else if let Some(&idx) = seen.get(&p.leaf) {
                slots.push(Slot::New(idx));
            } else {
                let idx = base + new.len() as u64;
                seen.insert(p.leaf, idx);
                slots.push(Slot::New(idx));
                new.push(i);
            }
        }
        Self {
            election,
            base,
            pending,
            slots,
            new,
        }
    }

    /// Leaf hashes of the batch, for the existing-entry look-up.
    pub(crate) fn leaves(pending: &[Pending]) -> Vec<Hash> {
        pending.iter().map(|p| p.leaf).collect()
    }

    /// Size after the batch.
    pub(crate) fn new_size(&self) -> u64 {
        self.base + self.new.len() as u64
    }

    /// `(index, leaf hash, entry)` of each row to insert.
    pub(crate) fn rows(&self) -> impl Iterator<Item = (u64, &Hash, &Entry)> {
        self.new.iter().enumerate().map(|(k, &i)| {
            let p = &self.pending[i];
            (self.base + k as u64, &p.leaf, &p.entry)
        })
    }

    /// Indices already stored that need their original receipt.
    pub(crate) fn existing_indices(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Existing(i) => Some(*i),
                Slot::New(_) => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Pushes the new leaves into `tree` (which must hold exactly `base`
    /// leaves) and signs the checkpoint of the new size; `None` if the
    /// batch adds nothing.
    pub(crate) fn seal(
        &self,
        tree: &mut MerkleTree,
        key: &SigningKey,
        time: u64,
    ) -> Result<Option<SignedCheckpoint>, StoreError> {
        if tree.len() != self.base {
            return Err(StoreError::Corrupt { index: tree.len() });
        }
        if self.new.is_empty() {
            return Ok(None);
        }
        for &i in &self.new {
            tree.push(self.pending[i].leaf);
        }
        let cp = Checkpoint {
            election: self.election,
            size: tree.len(),
            root: tree.root(),
            time,
        };
        Ok(Some(cp.sign(key)))
    }

    /// Answers every appender once the batch is committed. `covering` maps
    /// each existing index to the first stored checkpoint covering it.
    pub(crate) fn answer(
        self,
        tree: &MerkleTree,
        sealed: Option<SignedCheckpoint>,
        covering: &HashMap<u64, SignedCheckpoint>,
    ) {
        for (p, slot) in self.pending.into_iter().zip(self.slots) {
            let r = match (slot, &sealed) {
                (Slot::New(i), Some(cp)) => make_receipt(tree, i, p.leaf, *cp),
                (Slot::Existing(i), _) => match covering.get(&i) {
                    Some(cp) => make_receipt(tree, i, p.leaf, *cp),
                    None => Err(StoreError::Corrupt { index: i }),
                },
                (Slot::New(i), None) => Err(StoreError::Corrupt { index: i }),
            };
            // An appender that gave up waiting is no error of the store.
            let _ = p.reply.send(r);
        }
    }

    /// Answers every appender with `err`.
    pub(crate) fn fail(self, err: &StoreError) {
        fail_all(self.pending, err);
    }
}

/// Answers every request with `err`.
pub(crate) fn fail_all(pending: Vec<Pending>, err: &StoreError) {
    for p in pending {
        let _ = p.reply.send(Err(err.clone()));
    }
}

/// A receipt for `index` under checkpoint `cp`, proved from `tree`.
pub(crate) fn make_receipt(
    tree: &MerkleTree,
    index: u64,
    leaf: Hash,
    cp: SignedCheckpoint,
) -> Result<Receipt, StoreError> {
    let inclusion = tree.inclusion_proof(index, cp.size)?;
    Ok(Receipt {
        index,
        leaf_hash: leaf,
        checkpoint: cp,
        inclusion,
    })
}
