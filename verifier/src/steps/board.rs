//! Step 4: Merkle roots, signed checkpoints, entry order, officer
//! transitions and the open window (spec `verification.md` step 4,
//! board.md §7).

use psephos_board::{
    BoardPublicKey, ElectionId, Hash, LogEntry, RootAccumulator, SignedCheckpoint,
};
use psephos_crypto::record::transition::CLOSE_GRACE_SECONDS;
use psephos_crypto::record::{Manifest, Transition, TransitionKind};

use crate::report::{Collector, Failure};

/// Everything step 4 tracks while the record streams by.
#[derive(Default)]
pub struct BoardState {
    acc: RootAccumulator,
    checkpoints: u64,
    last: Option<SignedCheckpoint>,
    /// The last transition, if any.
    pub phase: Option<TransitionKind>,
    /// Transitions not yet covered by a checkpoint: (index, at).
    uncovered: Vec<(u64, u64)>,
    transitions: u64,
    /// Earlier checkpoints still to compare, largest size first.
    known: Vec<SignedCheckpoint>,
    /// `index − position` of the last entry (a gap is reported once).
    offset: i128,
}

impl BoardState {
    /// A state that will compare the log with checkpoints seen earlier.
    pub fn with_known(mut known: Vec<SignedCheckpoint>) -> Self {
        known.sort_by_key(|c| std::cmp::Reverse(c.size));
        BoardState {
            known,
            ..Self::default()
        }
    }

    /// 4.2 for earlier checkpoints: one of the current size must have the
    /// current root (else the board was rewritten after it was shown).
    pub fn check_known(&mut self, c: &mut Collector, key: &BoardPublicKey) {
        let size = self.acc.size();
        while self.known.last().is_some_and(|k| k.size == size) {
            let k = self.known.pop().expect("just checked");
            if k.verify(key).is_ok() && k.root != self.acc.root() {
                c.fail(Failure::new(
                    "4.2",
                    format!("the board was rewritten: a checkpoint of size {size} signed earlier is not a prefix of this log"),
                ));
            }
        }
    }

    /// Entries read so far.
    pub fn size(&self) -> u64 {
        self.acc.size()
    }

    /// Root of the entries read so far.
    pub fn root(&self) -> Hash {
        self.acc.root()
    }

    /// 4.1/4.3 on an entry line: index order, leaf into the root.
    pub fn entry(&mut self, c: &mut Collector, e: &LogEntry) {
        let offset = i128::from(e.index) - i128::from(self.acc.size());
        if offset != self.offset {
            c.fail(
                Failure::new(
                    "4.3",
                    format!(
                        "entry index {} where {} was expected",
                        e.index,
                        self.acc.size()
                    ),
                )
                .at(e.index),
            );
            self.offset = offset;
        }
        self.acc.push(e.entry.leaf_hash());
    }

    /// 4.1/4.2 on a checkpoint line.
    pub fn checkpoint(
        &mut self,
        c: &mut Collector,
        key: &BoardPublicKey,
        election: &ElectionId,
        cp: SignedCheckpoint,
    ) {
        let size = self.acc.size();
        if let Err(e) = cp.verify(key) {
            c.fail(
                Failure::new("4.2", format!("checkpoint of size {}: {e}", cp.size)).code(e.code()),
            );
        }
        if &cp.election != election {
            c.fail(Failure::new(
                "4.2",
                format!("checkpoint of size {} names another election", cp.size),
            ));
        }
        if cp.size != size {
            c.fail(Failure::new(
                "4.2",
                format!("checkpoint of size {} after {size} entries", cp.size),
            ));
        } else if cp.root != self.acc.root() {
            c.fail(Failure::new(
                "4.1",
                format!("checkpoint root of size {size} differs from the recomputed root"),
            ));
        }
        if let Some(prev) = &self.last {
            if cp.size <= prev.size || cp.time < prev.time {
                c.fail(Failure::new(
                    "4.2",
                    format!(
                        "checkpoint of size {} does not follow size {} in order and time",
                        cp.size, prev.size
                    ),
                ));
            }
        }
        for (index, at) in self.uncovered.drain(..) {
            if at > cp.time {
                c.fail(
                    Failure::new(
                        "4.4",
                        format!(
                            "transition dated {at} after the board's signed time {}",
                            cp.time
                        ),
                    )
                    .at(index),
                );
            }
        }
        self.checkpoints += 1;
        self.last = Some(cp);
    }

    /// 4.4 on a `transition` entry.
    pub fn transition(
        &mut self,
        c: &mut Collector,
        manifest: &Manifest,
        election_id: &[u8; 32],
        index: u64,
        payload: &[u8],
    ) -> Option<TransitionKind> {
        let t: Transition = match serde_json::from_slice(payload) {
            Ok(t) => t,
            Err(e) => {
                c.fail(Failure::new("4.4", format!("transition: {e}")).at(index));
                return None;
            }
        };
        if let Err(e) = t.check_form(election_id) {
            c.fail(Failure::new("4.4", e.to_string()).at(index).code(e.code()));
        }
        if !Transition::follows(self.phase, t.transition) {
            c.fail(
                Failure::new(
                    "4.4",
                    format!("{:?} may not follow {:?}", t.transition, self.phase),
                )
                .at(index),
            );
        }
        let s = &manifest.schedule;
        match t.transition {
            TransitionKind::Open if t.at < s.opens_at => c.fail(
                Failure::new(
                    "4.5",
                    format!("opened at {} before the scheduled {}", t.at, s.opens_at),
                )
                .at(index),
            ),
            TransitionKind::Close if t.at > s.closes_at + CLOSE_GRACE_SECONDS => c.fail(
                Failure::new(
                    "4.5",
                    format!("closed at {} after the scheduled {}", t.at, s.closes_at),
                )
                .at(index),
            ),
            _ => {}
        }
        self.uncovered.push((index, t.at));
        self.phase = Some(t.transition);
        self.transitions += 1;
        Some(t.transition)
    }

    /// 4.1–4.3 at the end of the record.
    pub fn finish(&mut self, c: &mut Collector, header_size: u64) -> Option<(u64, Hash)> {
        let size = self.acc.size();
        if header_size != size {
            c.fail(Failure::new(
                "4.3",
                format!("the header announces {header_size} entries, the record has {size}"),
            ));
        }
        match &self.last {
            Some(cp) if cp.size == size => {}
            _ => c.fail(Failure::new(
                "4.1",
                "the record does not end with a signed checkpoint of its full size",
            )),
        }
        for k in self.known.drain(..) {
            c.fail(Failure::new("4.2", format!("a checkpoint of size {} was signed earlier but the log has only {size} entries", k.size)));
        }
        c.ran(
            4,
            format!(
                "{size} entries, {} checkpoints, {} transitions",
                self.checkpoints, self.transitions
            ),
        );
        Some((size, self.acc.root()))
    }
}
