//! Overlapping the verifier's work (spec `verification.md`, "Batches").
//!
//! Three things run at once: a reader thread parses record lines (JSON,
//! hex) ahead of the driver; the driver hashes entries into the Merkle log
//! and dispatches them; a batch of ballots is verified on the rayon pool
//! while the driver fills the next one. Results are applied in board order,
//! so the report is the same as a sequential run's.

use std::collections::HashMap;
use std::io::BufRead;
use std::ops::ControlFlow;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
#[cfg(not(target_arch = "wasm32"))]
use std::thread::JoinHandle;

use psephos_crypto::ballot::BallotStatement;

use crate::ballots::{self, BallotContext, BallotInput, ValidBallot};
use crate::report::Failure;
use crate::since::Since;
use crate::source::{Line, LineError, Lines};

/// Chunks of lines the reader thread may hold ready (each [`CHUNK`] lines).
#[cfg(not(target_arch = "wasm32"))]
const READ_AHEAD: usize = 8;
/// Lines sent to the driver at a time.
const CHUNK: usize = 64;

/// Lines as the reader thread sends them.
type LineChunk = Vec<Result<Line, LineError>>;

/// Calls `f` on every line after the header, in order, until it breaks.
/// An I/O error is the last line. Off the web, a reader thread parses the
/// lines ahead; in WebAssembly (no threads) they are read in turn.
pub fn for_each_line<R: BufRead + Send>(
    lines: Lines<R>,
    mut f: impl FnMut(Result<Line, LineError>) -> ControlFlow<()>,
) {
    #[cfg(not(target_arch = "wasm32"))]
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(READ_AHEAD);
        scope.spawn(move || read_ahead(lines, tx));
        for chunk in rx {
            for line in chunk {
                if f(line).is_break() {
                    return;
                }
            }
        }
    });
    #[cfg(target_arch = "wasm32")]
    {
        let mut lines = lines;
        loop {
            let line = match lines.next_line() {
                Ok(None) => return,
                Ok(Some(l)) => Ok(l),
                Err(e) => Err(e),
            };
            let io = matches!(line, Err(LineError::Io(_)));
            if f(line).is_break() || io {
                return;
            }
        }
    }
}

/// The reader thread: parses lines ahead of the driver. Stops at the end,
/// at an I/O error (sent on), or when the driver stops listening.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn read_ahead<R: BufRead>(mut lines: Lines<R>, tx: SyncSender<LineChunk>) {
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut last = false;
        while chunk.len() < CHUNK {
            match lines.next_line() {
                Ok(None) => {
                    last = true;
                    break;
                }
                Ok(Some(line)) => chunk.push(Ok(line)),
                Err(e @ LineError::Io(_)) => {
                    chunk.push(Err(e));
                    last = true;
                    break;
                }
                Err(e) => chunk.push(Err(e)),
            }
        }
        if tx.send(chunk).is_err() || last {
            return;
        }
    }
}

/// What a batch needs of the election, shared with the thread verifying it.
#[derive(Clone)]
pub struct Shared {
    /// The statement every ballot is checked against.
    pub statement: Arc<BallotStatement>,
    /// Credential list: compressed credential → weight.
    pub credentials: Arc<HashMap<[u8; 32], u64>>,
    /// Verify each ballot on its own.
    pub no_batch: bool,
    /// An earlier run's verified prefix.
    pub since: Option<Arc<Since>>,
}

/// What a verified batch yields.
pub struct Verdicts {
    /// Ballots that passed step 5, in board order.
    pub valid: Vec<ValidBallot>,
    /// Step-5 failures, in board order.
    pub failures: Vec<Failure>,
    /// Ballots in the batch.
    pub count: usize,
}

/// A batch being verified in the background (in WebAssembly, where there
/// are no threads, verified at once).
pub struct InFlight(
    #[cfg(not(target_arch = "wasm32"))] JoinHandle<Verdicts>,
    #[cfg(target_arch = "wasm32")] Verdicts,
);

fn run(shared: &Shared, inputs: &[BallotInput]) -> Verdicts {
    let ctx = BallotContext {
        statement: &shared.statement,
        credentials: &shared.credentials,
        no_batch: shared.no_batch,
        since: shared.since.as_deref(),
    };
    let (valid, failures) = ballots::check(&ctx, inputs);
    Verdicts {
        valid,
        failures,
        count: inputs.len(),
    }
}

impl InFlight {
    /// Starts verifying `inputs`.
    pub fn start(shared: Shared, inputs: Vec<BallotInput>) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        return InFlight(std::thread::spawn(move || run(&shared, &inputs)));
        #[cfg(target_arch = "wasm32")]
        return InFlight(run(&shared, &inputs));
    }

    /// Waits for the verdicts (a panic in the batch is re-raised here).
    pub fn finish(self) -> Verdicts {
        #[cfg(not(target_arch = "wasm32"))]
        return self
            .0
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        #[cfg(target_arch = "wasm32")]
        return self.0;
    }
}
