//! Faults with the real binary: `kill -9` during a cast burst loses no
//! acknowledged ballot (SQLite and PostgreSQL) and the restarted server
//! serves on with its log whole, and two server processes on one
//! PostgreSQL database serve the same round at once. Database faults
//! (PostgreSQL restarts, a full disk) are in `db_faults.rs`.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::board_check::check_board;
use common::*;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::ElectionResult;
use psephos_server::config::Settings;
use psephos_server::loadgen::burst::{burst, Progress};
use psephos_trustee::client::Client;
use psephos_trustee::wire::CastReceipt;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Spawns `psephos-server serve` with the test's settings on `port`.
fn spawn(s: &Settings, port: u16) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_psephos-server"));
    cmd.arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(s.data_dir.as_ref().unwrap())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = &s.database_url {
        cmd.arg("--database-url").arg(url);
        cmd.arg("--database-pool").arg("8");
        cmd.arg("--database-schema")
            .arg(s.database_schema.as_ref().unwrap());
    }
    cmd.spawn().unwrap()
}

async fn wait_healthy(url: &str) {
    let c = Client::new(url).unwrap();
    for _ in 0..200 {
        if c.health().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {url} did not come up");
}

async fn kill_during_burst(backend: Backend) {
    let ts = start(backend, |_| {}).await;
    let r = open_round(&ts, small_questions(), 80, RevotePolicy::LastCounts).await;
    let ballots: Vec<Vec<u8>> = (0..80)
        .map(|i| {
            r.ballot(i, &small_plain(i % 2 == 0, [i as u64 % 11, 3, 7]))
                .to_bytes()
        })
        .collect();
    let settings = ts.settings.clone();
    let round = r.round().to_string();
    let key = ts.app.board_key;
    ts.running.stop().await;
    drop(ts.app);

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut child = spawn(&settings, port);
    wait_healthy(&url).await;
    let client = Client::new(&url).unwrap();
    let progress = Arc::new(Progress::default());
    let cast = tokio::spawn({
        let (c, rd, b, p) = (
            client.clone(),
            round.clone(),
            ballots[..60].to_vec(),
            progress.clone(),
        );
        async move {
            let deadline = Instant::now() + Duration::from_secs(300);
            burst(&c, &rd, b, 12, deadline, Duration::from_secs(60), p).await
        }
    });
    while progress.acknowledged.load(Ordering::SeqCst) < 25 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL while casts are in flight.
    child.kill().unwrap();
    child.wait().unwrap();
    let b = cast.await.unwrap();
    let counts = b.counts();
    println!("kill -9 of the server ({backend:?}): {counts:?}");
    assert!(counts.acknowledged >= 25, "{counts:?}");
    assert_eq!(counts.acknowledged + counts.refused + counts.lost, 60);
    let acked: Vec<(Vec<u8>, CastReceipt)> = b
        .acknowledged
        .iter()
        .map(|(i, rc, _)| (ballots[*i].clone(), rc.clone()))
        .collect();

    // Restart with no repair: every acknowledged ballot is on the board
    // under its receipt, the log is whole (board_check), and the server
    // takes the remaining ballots — and the lost ones again, which are
    // either already stored (same receipt) or new.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut child = spawn(&settings, port);
    wait_healthy(&url).await;
    let client = Client::new(&url).unwrap();
    let before = check_board(&client, &round, &key, &acked).await;
    let lost_on_board = b
        .lost
        .iter()
        .filter(|i| before.payloads.contains(&ballots[**i]))
        .count();
    println!(
        "after restart: {} entries, {} ballots; {lost_on_board} of {} lost casts were stored",
        before.size, before.ballots, counts.lost
    );
    let mut again: Vec<Vec<u8>> = b.lost.iter().map(|i| ballots[*i].clone()).collect();
    again.extend_from_slice(&ballots[60..]);
    let n = again.len();
    let resumed = burst(
        &client,
        &round,
        again.clone(),
        8,
        Instant::now() + Duration::from_secs(300),
        Duration::from_secs(60),
        Arc::default(),
    )
    .await;
    assert_eq!(resumed.counts().acknowledged, n, "{:?}", resumed.counts());
    let mut all = acked;
    all.extend(
        resumed
            .acknowledged
            .iter()
            .map(|(i, rc, _)| (again[*i].clone(), rc.clone())),
    );
    let after = check_board(&client, &round, &key, &all).await;
    assert_eq!(
        after.ballots,
        before.ballots + 20 + counts.lost - lost_on_board
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_ballot_sqlite() {
    kill_during_burst(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_ballot_postgres() {
    kill_during_burst(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_postgres_round() {
    let ts = start(Backend::Postgres, |_| {}).await;
    let r = open_round(&ts, small_questions(), 30, RevotePolicy::LastCounts).await;
    let port = free_port();
    let url_b = format!("http://127.0.0.1:{port}");
    let mut child = spawn(&ts.settings, port);
    wait_healthy(&url_b).await;
    let b = Client::new(&url_b).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    let mut yes = 0;
    for i in 0..30 {
        let bytes = r.ballot(i, &small_plain(i % 3 == 0, [1, 2, 3])).to_bytes();
        if i % 3 == 0 {
            yes += r.voters[i].member.weight;
        }
        let c = if i % 2 == 0 {
            ts.anon.clone()
        } else {
            b.clone()
        };
        let round = r.round().to_string();
        tasks.spawn(async move { c.cast(&round, bytes).await.unwrap() });
    }
    let mut indices = Vec::new();
    while let Some(rc) = tasks.join_next().await {
        indices.push(rc.unwrap().receipt.index);
    }
    indices.sort_unstable();
    indices.dedup();
    assert_eq!(indices.len(), 30, "every ballot has its own index");
    // Close through process A; process B refuses casts from then on.
    r.driver.step("close").await.unwrap();
    let late = r.ballot(0, &small_plain(false, [0, 0, 0])).to_bytes();
    assert_eq!(code(b.cast(r.round(), late).await), "round.closed");
    // Tally through process B's officer API, decrypt, publish through A.
    let officer_b = b.with_token(&ts.token);
    officer_b
        .transition(r.round(), "tally", &Default::default())
        .await
        .unwrap();
    r.driver.trustees[0].decrypt().await.unwrap();
    r.driver.trustees[1].decrypt().await.unwrap();
    r.driver.step("publish").await.unwrap();
    let result: ElectionResult =
        serde_json::from_slice(&b.result_bytes(r.round()).await.unwrap()).unwrap();
    assert_eq!(result.ballots, 30);
    assert_eq!(result.questions[0].totals[0], yes);
    let page = b.entries(r.round(), 0, 1000).await.unwrap();
    let kinds: Vec<&str> = page.entries.iter().map(|e| e.entry.kind()).collect();
    let close = kinds.iter().rposition(|k| *k == "ballot").unwrap();
    assert!(kinds[..4] == ["manifest", "ceremony", "credentials", "transition"]);
    assert_eq!(
        kinds[close + 1],
        "transition",
        "every ballot precedes close"
    );
    for (i, e) in page.entries.iter().enumerate() {
        assert_eq!(e.index, i as u64);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_during_a_burst_with_a_small_pool() {
    // More casts in flight than pooled connections, and a close among
    // them: every cast either gets a receipt for an entry before the close
    // entry or is refused; nothing waits forever.
    let ts = start(Backend::Postgres, |s| s.database_pool = Some(4)).await;
    let r = open_round(&ts, small_questions(), 40, RevotePolicy::LastCounts).await;
    let ballots: Vec<Vec<u8>> = (0..40)
        .map(|i| r.ballot(i, &small_plain(true, [1, 1, 1])).to_bytes())
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, b) in ballots.into_iter().enumerate() {
        let (c, round) = (ts.anon.clone(), r.round().to_string());
        tasks.spawn(async move {
            if i == 20 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            c.cast(&round, b).await
        });
    }
    let close = r.driver.step("close");
    let (closed, results) = tokio::time::timeout(Duration::from_secs(120), async {
        let closed = close.await;
        let mut results = Vec::new();
        while let Some(res) = tasks.join_next().await {
            results.push(res.unwrap());
        }
        (closed, results)
    })
    .await
    .expect("casts and close finish");
    closed.unwrap();
    let page = ts.anon.entries(r.round(), 0, 1000).await.unwrap();
    let close_at = page
        .entries
        .iter()
        .rposition(|e| e.entry.kind() == "transition")
        .unwrap() as u64;
    for res in results {
        match res {
            Ok(rc) => assert!(rc.receipt.index < close_at, "a ballot after close"),
            Err(e) => assert_eq!(e.code(), Some("round.closed")),
        }
    }
    ts.running.stop().await;
}
