//! Ballot verification off the async threads, in batches (protocol.md
//! §5.4): casts arriving together are parsed strictly and verified by the
//! crypto core's `Ballot::verify_into_batch` — every proof and signature of
//! every ballot in one multiscalar multiplication. If a batch fails, each
//! of its ballots is checked alone with `Ballot::verify` (the per-proof
//! reference), so an invalid ballot is refused with its own error and never
//! delays a valid one's acceptance beyond its batch.

use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};

use psephos_crypto::ballot::{Ballot, BallotStatement};
use psephos_crypto::batch::Batch;
use rand_core::OsRng;
use tokio::sync::oneshot;

use crate::error::{Result, ServerError};

/// Most ballots verified in one batch.
pub const MAX_BATCH: usize = 32;

/// Parsed ballots of one statement, each with the sender of its answer.
type Group = (
    Arc<BallotStatement>,
    Vec<(Ballot, oneshot::Sender<Result<Ballot>>)>,
);

struct Job {
    stmt: Arc<BallotStatement>,
    bytes: Arc<Vec<u8>>,
    reply: oneshot::Sender<Result<Ballot>>,
}

/// A pool of verification threads taking jobs in batches.
pub struct BatchVerifier {
    tx: Mutex<Sender<Job>>,
}

/// Parses `bytes` strictly (canonical JSON) and checks the election.
pub fn parse(stmt: &BallotStatement, bytes: &[u8]) -> Result<Ballot> {
    let ballot = Ballot::parse_canonical(bytes)?;
    if ballot.body.election_id != stmt.election_id {
        return Err(ServerError::invalid(
            "ballot.wrong_election",
            "the ballot is for another election",
        ));
    }
    Ok(ballot)
}

fn run_batch(jobs: Vec<Job>) {
    // Parse each; group the parsed ones by statement.
    let mut groups: Vec<Group> = Vec::new();
    for job in jobs {
        match parse(&job.stmt, &job.bytes) {
            Err(e) => {
                let _ = job.reply.send(Err(e));
            }
            Ok(b) => match groups.iter_mut().find(|(s, _)| Arc::ptr_eq(s, &job.stmt)) {
                Some((_, g)) => g.push((b, job.reply)),
                None => groups.push((job.stmt, vec![(b, job.reply)])),
            },
        }
    }
    for (stmt, group) in groups {
        let mut batch = Batch::new();
        let mut ok = Vec::new();
        for (b, reply) in group {
            match b.verify_into_batch(&stmt, &mut batch, &mut OsRng) {
                Ok(()) => ok.push((b, reply)),
                Err(e) => {
                    let _ = reply.send(Err(e.into()));
                }
            }
        }
        if batch.vartime_is_zero() {
            for (b, reply) in ok {
                let _ = reply.send(Ok(b));
            }
        } else {
            for (b, reply) in ok {
                let r = b.verify(&stmt, &mut OsRng).map(|()| b).map_err(Into::into);
                let _ = reply.send(r);
            }
        }
    }
}

fn worker(rx: Arc<Mutex<Receiver<Job>>>) {
    loop {
        let jobs = {
            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
            let Ok(first) = rx.recv() else { return };
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => break,
                }
            }
            jobs
        };
        // A panic in the crypto code must not take the thread down: its
        // jobs' senders drop, and their callers get an internal error.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_batch(jobs)));
    }
}

impl BatchVerifier {
    /// Starts `threads` verification threads.
    pub fn new(threads: usize) -> Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("psephos-batch-{i}"))
                .spawn(move || worker(rx))
                .map_err(|e| ServerError::internal(format!("verification thread: {e}")))?;
        }
        Ok(BatchVerifier { tx: Mutex::new(tx) })
    }

    /// Parses and verifies one ballot (batched with whatever else is
    /// waiting).
    pub async fn verify(&self, stmt: Arc<BallotStatement>, bytes: Arc<Vec<u8>>) -> Result<Ballot> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(Job { stmt, bytes, reply })
            .map_err(|_| ServerError::internal("verification threads stopped"))?;
        rx.await
            .map_err(|_| ServerError::internal("ballot verification failed"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
    use curve25519_dalek::scalar::Scalar;
    use psephos_crypto::ballot::PlainAnswer;
    use psephos_crypto::credential::CredentialCode;

    use crate::demo::script::ScriptQuestion;

    fn statement() -> BallotStatement {
        let q = ScriptQuestion {
            max: Some(10),
            ..ScriptQuestion::new("q", "systemic_consensus", &["a", "b", "c"])
        }
        .question()
        .unwrap();
        BallotStatement {
            election_id: [4; 32],
            election_key: (RISTRETTO_BASEPOINT_POINT * Scalar::from(12345u64)).into(),
            questions: vec![(q.id.clone(), q.shape().unwrap())],
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bad_ballot_in_a_batch_is_singled_out() {
        let stmt = Arc::new(statement());
        let v = Arc::new(BatchVerifier::new(1).unwrap());
        let mut bytes = Vec::new();
        for i in 0..6u64 {
            let key = CredentialCode::generate(&mut OsRng).signing_key(&stmt.election_id);
            let plain = vec![PlainAnswer::Linear(vec![i, 10 - i, 3])];
            let (b, _) = Ballot::cast(&stmt, &key, &plain, &mut OsRng).unwrap();
            bytes.push(b.to_bytes());
        }
        // Ballot 2's signature is replaced by ballot 3's: it parses, but
        // does not verify.
        let mut bad: Ballot = serde_json::from_slice(&bytes[2]).unwrap();
        let other: Ballot = serde_json::from_slice(&bytes[3]).unwrap();
        bad.signature = other.signature;
        bytes[2] = bad.to_bytes();
        let mut tasks = Vec::new();
        for b in bytes {
            let (v, s) = (v.clone(), stmt.clone());
            tasks.push(tokio::spawn(async move { v.verify(s, Arc::new(b)).await }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap().map(|_| ()).map_err(|e| e.code.to_string()));
        }
        assert_eq!(results[2], Err("proof.invalid".to_string()));
        for (i, r) in results.iter().enumerate() {
            if i != 2 {
                assert_eq!(r, &Ok(()), "ballot {i}");
            }
        }
        let wrong = BallotStatement {
            election_id: [5; 32],
            ..statement()
        };
        let key = CredentialCode::generate(&mut OsRng).signing_key(&wrong.election_id);
        let plain = vec![PlainAnswer::Linear(vec![1, 1, 1])];
        let (b, _) = Ballot::cast(&wrong, &key, &plain, &mut OsRng).unwrap();
        let e = v.verify(stmt, Arc::new(b.to_bytes())).await.unwrap_err();
        assert_eq!(e.code, "ballot.wrong_election");
    }
}
