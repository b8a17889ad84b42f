//! A cast burst that counts what became of every ballot: **acknowledged**
//! (a receipt came back), **refused** (the server answered with an error
//! code — e.g. `server.database` while its database is down) or **lost**
//! (no answer at all: the connection was cut, or no answer within the
//! per-request time). The load generator and the fault-injection tests
//! share it (specs/server-api.md §13).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use psephos_trustee::client::Client;
use psephos_trustee::wire::CastReceipt;
use serde::Serialize;
use tokio::sync::Semaphore;

/// How one burst went, ballot by ballot (by position in the input).
#[derive(Debug, Default)]
pub struct Burst {
    /// Ballots with a receipt, and their latency in ms.
    pub acknowledged: Vec<(usize, CastReceipt, f64)>,
    /// Ballots refused, with the error code.
    pub refused: Vec<(usize, String)>,
    /// Ballots with no answer.
    pub lost: Vec<usize>,
}

/// The counts of a [`Burst`].
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct BurstCounts {
    /// Receipts received.
    pub acknowledged: usize,
    /// Answered with an error.
    pub refused: usize,
    /// Not answered.
    pub lost: usize,
    /// Refusals per error code.
    pub refused_by_code: BTreeMap<String, usize>,
}

impl Burst {
    /// The counts.
    pub fn counts(&self) -> BurstCounts {
        let mut by_code = BTreeMap::new();
        for (_, c) in &self.refused {
            *by_code.entry(c.clone()).or_insert(0) += 1;
        }
        BurstCounts {
            acknowledged: self.acknowledged.len(),
            refused: self.refused.len(),
            lost: self.lost.len(),
            refused_by_code: by_code,
        }
    }
}

/// Live progress of a burst, for a test that injects a fault mid-way.
#[derive(Debug, Default)]
pub struct Progress {
    /// Receipts so far.
    pub acknowledged: AtomicUsize,
    /// Answers (or losses) so far.
    pub finished: AtomicUsize,
}

/// Casts `ballots` (bytes, in order) with `concurrency` requests in flight,
/// starting no new cast after `deadline`, each given `per_request` to
/// answer.
pub async fn burst(
    client: &Client,
    round: &str,
    ballots: Vec<Vec<u8>>,
    concurrency: usize,
    deadline: Instant,
    per_request: Duration,
    progress: Arc<Progress>,
) -> Burst {
    let sem = Arc::new(Semaphore::new(concurrency.max(1)));
    let out = Arc::new(Mutex::new(Burst::default()));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, bytes) in ballots.into_iter().enumerate() {
        if Instant::now() > deadline {
            break;
        }
        let Ok(permit) = sem.clone().acquire_owned().await else {
            break;
        };
        let (c, r, out, progress) = (
            client.clone(),
            round.to_string(),
            out.clone(),
            progress.clone(),
        );
        tasks.spawn(async move {
            let t = Instant::now();
            let res = tokio::time::timeout(per_request, c.cast(&r, bytes)).await;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            drop(permit);
            let mut o = out.lock().unwrap_or_else(|e| e.into_inner());
            match res {
                Ok(Ok(rc)) => {
                    o.acknowledged.push((i, rc, ms));
                    progress.acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                Ok(Err(e)) => match e.code() {
                    Some(code) => o.refused.push((i, code.to_string())),
                    None => o.lost.push(i),
                },
                Err(_) => o.lost.push(i),
            }
            progress.finished.fetch_add(1, Ordering::SeqCst);
        });
    }
    while tasks.join_next().await.is_some() {}
    let mut b = std::mem::take(&mut *out.lock().unwrap_or_else(|e| e.into_inner()));
    b.acknowledged.sort_by_key(|a| a.0);
    b.refused.sort_by_key(|a| a.0);
    b.lost.sort_unstable();
    b
}
