//! The driver: one streaming pass over the record, dispatching each entry
//! to its step, and a second pass over the few ballots a revote replaced
//! (spec `verification.md`).
//!
//! Memory holds the credential list, the last ballot index per credential,
//! one batch of ballots and the running sums — never the whole record.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::Arc;

use psephos_board::Hash;
use psephos_crypto::threshold::{CeremonyOutcome, DecryptionShare};

use crate::ballots::{self, BallotContext, BallotInput};
use crate::pipeline::{for_each_line, InFlight, Shared};
use crate::report::{Collector, Failure, Report};
use crate::since::Since;
use crate::source::{Line, LineError, Lines, RecordSource};
use crate::steps::audits::Audits;
use crate::steps::board::BoardState;
use crate::steps::counting::Counting;
use crate::steps::setup::{self, Setup};

/// Called with (entries read, entries in the record) as the pass goes on.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// How to verify.
#[derive(Clone, Debug)]
pub struct Options {
    /// Verify every proof on its own instead of in batches.
    pub no_batch: bool,
    /// Ballots per batch, at most.
    pub batch_size: usize,
    /// Ballot bytes per batch, at most (a batch is sent off once its
    /// ballots reach this size): bounds the memory of large ballots, such
    /// as ranked ones of 145 KB, without shrinking batches of small ones
    /// (verification.md, "Batches").
    pub batch_bytes: usize,
    /// Told how far the pass is, after every batch.
    pub progress: Option<Progress>,
    /// Checkpoints obtained earlier (a voter's receipt, an observer's last
    /// run): each must be a signed prefix of this log (step 4.2).
    pub known: Vec<psephos_board::SignedCheckpoint>,
    /// An earlier run of this observer's: the log must extend its final
    /// root, and ballots it verified are not verified again
    /// (verification.md, "Incremental runs").
    pub since: Option<Since>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            no_batch: false,
            batch_size: 1024,
            batch_bytes: 16 << 20,
            progress: None,
            known: Vec::new(),
            since: None,
        }
    }
}

/// The record could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Not readable.
    #[error("cannot read {0}: {1}")]
    Io(String, std::io::Error),
    /// No record header.
    #[error("{0} is not a Psephos record: {1}")]
    NotARecord(String, LineError),
}

/// What a receipt check wants to see of the log while it streams by.
#[derive(Clone, Copy, Debug, Default)]
pub struct Probe {
    /// The entry whose leaf hash and payload hash to capture.
    pub index: u64,
    /// The size whose root to capture.
    pub size: u64,
}

/// What the probe saw.
#[derive(Clone, Debug, Default)]
pub struct ProbeResult {
    /// Leaf hash and payload hash of the entry at `index`.
    pub entry: Option<(Hash, [u8; 32])>,
    /// Root at `size`.
    pub root: Option<Hash>,
    /// Tracking codes of the counted ballots.
    pub counted: HashSet<[u8; 32]>,
}

/// Compressed credential → weight (the list of step 3).
type CredentialWeights = HashMap<[u8; 32], u64>;

struct State<'s> {
    c: Collector,
    board: BoardState,
    setup: Option<Setup>,
    ceremony: Option<CeremonyOutcome>,
    credentials: Option<(Arc<CredentialWeights>, u64)>,
    counting: Counting,
    audits: Audits,
    pending: Vec<BallotInput>,
    /// Payload bytes of `pending`.
    pending_bytes: usize,
    in_flight: Option<InFlight>,
    since: Option<Arc<Since>>,
    ballots: u64,
    opts: &'s Options,
    total: u64,
    seen: HashSet<&'static str>,
}

static EMPTY: std::sync::LazyLock<HashMap<[u8; 32], u64>> = std::sync::LazyLock::new(HashMap::new);

impl State<'_> {
    /// Sends the pending ballots off to be verified, after applying the
    /// verdicts of the batch before (so verdicts are applied in board order).
    fn flush(&mut self) {
        self.apply_in_flight();
        let Some(setup) = &self.setup else { return };
        if self.pending.is_empty() {
            return;
        }
        let shared = Shared {
            statement: setup.statement.clone(),
            credentials: self
                .credentials
                .as_ref()
                .map_or_else(|| Arc::new(HashMap::new()), |(m, _)| m.clone()),
            no_batch: self.opts.no_batch,
            since: self.since.clone(),
        };
        let inputs = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        self.in_flight = Some(InFlight::start(shared, inputs));
    }

    /// Flushes and waits: every ballot so far is verified and counted.
    fn sync(&mut self) {
        self.flush();
        self.apply_in_flight();
    }

    fn apply_in_flight(&mut self) {
        let Some(job) = self.in_flight.take() else {
            return;
        };
        let verdicts = job.finish();
        for f in verdicts.failures {
            self.c.fail(f);
        }
        if let Some(setup) = &self.setup {
            for v in &verdicts.valid {
                self.counting.add(&mut self.c, setup.manifest.revote, v);
            }
        }
        self.ballots += verdicts.count as u64;
        if let Some(p) = &self.opts.progress {
            (p.0)(self.board.size(), self.total);
        }
    }

    fn once(&mut self, kind: &'static str, index: u64) -> bool {
        if self.seen.insert(kind) {
            true
        } else {
            self.c
                .fail(Failure::new("4.3", format!("a second {kind} entry")).at(index));
            false
        }
    }

    fn entry(&mut self, index: u64, kind: &str, payload: &[u8], header_election: &[u8; 32]) {
        if self.setup.is_none() {
            if index == 0 {
                self.setup = setup::manifest(&mut self.c, header_election, kind, payload);
            }
            return;
        }
        if kind != "ballot" {
            self.sync();
        }
        let phase = self.board.phase;
        use psephos_crypto::record::TransitionKind::*;
        match kind {
            "manifest" => {
                self.c
                    .fail(Failure::new("4.3", "a second manifest entry").at(index));
            }
            "ceremony" => {
                if self.once("ceremony", index) {
                    let s = self.setup.as_ref().expect("set");
                    self.ceremony = setup::ceremony(&mut self.c, s, index, payload);
                }
            }
            "credentials" => {
                if phase.is_some() {
                    self.c.fail(
                        Failure::new("3.1", "the credential list comes after the round opened")
                            .at(index),
                    );
                }
                if self.once("credentials", index) {
                    let s = self.setup.as_ref().expect("set");
                    self.credentials = setup::credentials(&mut self.c, s, index, payload)
                        .map(|(m, w)| (Arc::new(m), w));
                }
            }
            "transition" => {
                let s = self.setup.as_ref().expect("set");
                let (m, id) = (&s.manifest, s.election_id);
                if self.board.transition(&mut self.c, m, &id, index, payload) == Some(Open)
                    && self.credentials.is_none()
                {
                    self.c.fail(
                        Failure::new("3.1", "the round opened without a credential list").at(index),
                    );
                }
            }
            "ballot" => {
                if phase != Some(Open) {
                    let t = psephos_crypto::ballot::tracking_code(payload);
                    self.c.fail(
                        Failure::new("4.5", "a ballot outside the open window")
                            .at(index)
                            .ballot(&t),
                    );
                }
                self.pending.push(BallotInput {
                    index,
                    payload: payload.to_vec(),
                });
                self.pending_bytes += payload.len();
                if self.pending.len() >= self.opts.batch_size
                    || self.pending_bytes >= self.opts.batch_bytes
                {
                    self.flush();
                }
            }
            "audited" => {
                if phase != Some(Open) {
                    self.c.fail(
                        Failure::new("4.5", "an audited ballot outside the open window").at(index),
                    );
                }
                let s = self.setup.as_ref().expect("set");
                let creds = self.credentials.as_ref().map_or(&*EMPTY, |(m, _)| &**m);
                self.audits.entry(&mut self.c, s, creds, index, payload);
            }
            "tally" => {
                if phase != Some(Tally) {
                    self.c.fail(
                        Failure::new(
                            "4.4",
                            "the encrypted tally comes before the tally transition",
                        )
                        .at(index),
                    );
                }
                if self.once("tally", index) {
                    match serde_json::from_slice(payload) {
                        Ok(t) => self.counting.tally = Some((index, t)),
                        Err(e) => self
                            .c
                            .fail(Failure::new("7.1", format!("tally: {e}")).at(index)),
                    }
                }
            }
            "decryption" => match serde_json::from_slice::<DecryptionShare>(payload) {
                Ok(s) => self.counting.shares.push((index, s)),
                Err(e) => self
                    .c
                    .fail(Failure::new("8.1", format!("decryption share: {e}")).at(index)),
            },
            "result" => {
                if self.once("result", index) {
                    match serde_json::from_slice(payload) {
                        Ok(r) => self.counting.result = Some((index, r)),
                        Err(e) => self
                            .c
                            .fail(Failure::new("9.1", format!("result: {e}")).at(index)),
                    }
                }
            }
            other => self
                .c
                .fail(Failure::new("4.3", format!("unknown entry kind {other:?}")).at(index)),
        }
    }
}

fn open_lines<'a>(
    source: &'a dyn RecordSource,
) -> Result<Lines<Box<dyn std::io::BufRead + Send + 'a>>, InputError> {
    let r = source
        .open()
        .map_err(|e| InputError::Io(source.name(), e))?;
    Ok(Lines::new(r))
}

/// Verifies a whole record (every step of verification.md).
pub fn verify(source: &dyn RecordSource, opts: &Options) -> Result<Report, InputError> {
    verify_with_probe(source, opts, None).map(|(r, _)| r)
}

/// [`verify`], also capturing what a receipt check needs.
pub fn verify_with_probe(
    source: &dyn RecordSource,
    opts: &Options,
    probe: Option<Probe>,
) -> Result<(Report, ProbeResult), InputError> {
    let mut lines = open_lines(source)?;
    let header = lines
        .header()
        .map_err(|e| InputError::NotARecord(source.name(), e))?;
    let election = header.election;
    let mut st = State {
        c: Collector::default(),
        board: BoardState::with_known(opts.known.clone()),
        setup: None,
        ceremony: None,
        credentials: None,
        counting: Counting::default(),
        audits: Audits::default(),
        pending: Vec::new(),
        pending_bytes: 0,
        in_flight: None,
        since: opts.since.clone().map(Arc::new),
        ballots: 0,
        opts,
        total: header.size,
        seen: HashSet::new(),
    };
    let mut seen = ProbeResult::default();
    let mut input_error = None;
    for_each_line(lines, |line| {
        match line {
            Ok(Line::Entry(e)) => {
                st.board.entry(&mut st.c, &e);
                if let Some(s) = &st.setup {
                    let key = s.board_key;
                    st.board.check_known(&mut st.c, &key);
                }
                if let Some(since) = &opts.since {
                    if st.board.size() == since.size {
                        since.check_root(&mut st.c, &st.board.root());
                    }
                }
                if let Some(p) = probe {
                    if e.index == p.index {
                        seen.entry = Some((e.entry.leaf_hash(), e.entry.payload_hash().0));
                    }
                    if st.board.size() == p.size {
                        seen.root = Some(st.board_root());
                    }
                }
                st.entry(
                    e.index,
                    e.entry.kind(),
                    e.entry.payload(),
                    election.as_bytes(),
                );
                if st.setup.is_none() {
                    return ControlFlow::Break(());
                }
            }
            Ok(Line::Checkpoint(cp)) => {
                if let Some(s) = &st.setup {
                    let key = s.board_key;
                    st.board.checkpoint(&mut st.c, &key, &election, cp);
                }
            }
            Err(LineError::Io(e)) => {
                input_error = Some(InputError::Io(source.name(), e));
                return ControlFlow::Break(());
            }
            Err(e) => st.c.fail(Failure::new("4.3", e.to_string())),
        }
        ControlFlow::Continue(())
    });
    if let Some(e) = input_error {
        return Err(e);
    }
    st.sync();
    let Some(setup) = st.setup.take() else {
        let report = st.c.finish(None, None);
        return Ok((report, seen));
    };
    let final_root = st.board.finish(&mut st.c, header.size);
    if let Some(since) = &opts.since {
        since.check_reached(&mut st.c, st.board.size());
    }
    let resumed = opts.since.as_ref().map_or(String::new(), |s| {
        format!(
            " (those below index {} verified by the earlier run)",
            s.size
        )
    });
    st.c.ran(5, format!("{} ballots{resumed}", st.ballots));
    second_pass(source, &setup, &mut st)?;
    let electorate = st.credentials.as_ref().map_or(0, |(_, w)| *w);
    st.counting
        .finish(&mut st.c, &setup, st.ceremony.as_ref(), electorate);
    seen.counted = st.counting.counted_tracking_codes();
    st.audits.finish(&mut st.c, &seen.counted);
    let report =
        st.c.finish(Some(setup.election_id), final_root.map(|(s, r)| (s, r.0)));
    Ok((report, seen))
}

impl State<'_> {
    fn board_root(&self) -> Hash {
        self.board.root()
    }
}

/// Re-reads the ballots a revote replaced and removes them from the sums.
fn second_pass(
    source: &dyn RecordSource,
    setup: &Setup,
    st: &mut State<'_>,
) -> Result<(), InputError> {
    let wanted: HashSet<u64> = st.counting.superseded().iter().copied().collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let credentials = st.credentials.as_ref().map_or(&*EMPTY, |(m, _)| &**m);
    let ctx = BallotContext {
        statement: &setup.statement,
        credentials,
        no_batch: true,
        since: None,
    };
    let mut lines = open_lines(source)?;
    lines
        .header()
        .map_err(|e| InputError::NotARecord(source.name(), e))?;
    let mut found = 0;
    while let Ok(Some(line)) = lines.next_line() {
        if let Line::Entry(e) = line {
            if wanted.contains(&e.index) {
                let input = BallotInput {
                    index: e.index,
                    payload: e.entry.payload().to_vec(),
                };
                if let Ok(v) = ballots::prepare_valid(&ctx, &input) {
                    st.counting.remove(&v);
                    found += 1;
                }
                if found == wanted.len() {
                    break;
                }
            }
        }
    }
    if found != wanted.len() {
        st.c.fail(Failure::new(
            "6.1",
            "the record changed between the two passes",
        ));
    }
    Ok(())
}
