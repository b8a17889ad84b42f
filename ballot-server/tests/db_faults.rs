//! Database faults during a cast burst (hardening, issue 9 item 2):
//! PostgreSQL crash-stopped (`stop -m immediate`) and `kill -9`ed, then
//! restarted, under a running server; and the SQLite store's disk filling
//! up, then freed. After each: every ballot whose receipt the client got
//! is on the board at its index, the Merkle root of all leaves matches the
//! signed checkpoint, no index is duplicated or missing, and the same
//! server — never restarted or repaired — takes ballots again.
//!
//! PostgreSQL runs as a private cluster (common/private_pg.rs) so that the
//! shared server other tests use stays up. The full disk is a tmpfs with a
//! size limit (needs root to mount).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::board_check::check_board;
use common::private_pg::PrivatePg;
use common::*;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_server::loadgen::burst::{burst, Burst, Progress};
use psephos_trustee::client::Client;
use psephos_trustee::wire::CastReceipt;

const PER_REQUEST: Duration = Duration::from_secs(90);

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(300)
}

/// Runs a burst of `ballots[range]`, calling `fault` once `after` receipts
/// came back; returns the burst (indices relative to the range start).
async fn burst_with_fault(
    client: &Client,
    round: &str,
    ballots: &[Vec<u8>],
    after: usize,
    fault: impl FnOnce(),
) -> Burst {
    let progress = Arc::new(Progress::default());
    let task = tokio::spawn({
        let (c, r, b, p) = (
            client.clone(),
            round.to_string(),
            ballots.to_vec(),
            progress.clone(),
        );
        async move { burst(&c, &r, b, 8, deadline(), PER_REQUEST, p).await }
    });
    while progress.acknowledged.load(Ordering::SeqCst) < after
        && progress.finished.load(Ordering::SeqCst) < ballots.len()
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::task::block_in_place(fault);
    task.await.unwrap()
}

/// Casts `ballots` until each has a receipt, retrying refusals (a server
/// reconnecting to its database may refuse a few with `server.database`)
/// for up to a minute; returns the receipts and the retries it took.
async fn cast_until_acknowledged(
    client: &Client,
    round: &str,
    ballots: &[Vec<u8>],
) -> (Vec<(Vec<u8>, CastReceipt)>, usize) {
    let mut left: Vec<Vec<u8>> = ballots.to_vec();
    let mut done = Vec::new();
    let mut retries = 0;
    let until = Instant::now() + Duration::from_secs(60);
    while !left.is_empty() {
        let b = burst(
            client,
            round,
            left.clone(),
            8,
            deadline(),
            PER_REQUEST,
            Arc::default(),
        )
        .await;
        for (i, rc, _) in &b.acknowledged {
            done.push((left[*i].clone(), rc.clone()));
        }
        for (_, code) in &b.refused {
            assert!(
                code.starts_with("server.") || code.starts_with("board."),
                "refused with {code}"
            );
        }
        let again: Vec<Vec<u8>> = b
            .refused
            .iter()
            .map(|(i, _)| *i)
            .chain(b.lost.iter().copied())
            .map(|i| left[i].clone())
            .collect();
        retries += again.len();
        left = again;
        assert!(Instant::now() < until, "still refused: {:?}", b.counts());
        if !left.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    (done, retries)
}

fn acked_of(b: &Burst, ballots: &[Vec<u8>]) -> Vec<(Vec<u8>, CastReceipt)> {
    b.acknowledged
        .iter()
        .map(|(i, rc, _)| (ballots[*i].clone(), rc.clone()))
        .collect()
}

/// The ballots a burst did not get a receipt for.
fn unacked(b: &Burst, ballots: &[Vec<u8>]) -> Vec<Vec<u8>> {
    b.refused
        .iter()
        .map(|(i, _)| *i)
        .chain(b.lost.iter().copied())
        .map(|i| ballots[i].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarts_during_a_burst_lose_no_acknowledged_ballot() {
    let pg = PrivatePg::init();
    pg.start();
    let url = pg.url();
    let ts = start(Backend::Postgres, |s| {
        s.database_url = Some(url);
        s.database_schema = Some(unique("h1_pgrestart"));
    })
    .await;
    let r = open_round(&ts, small_questions(), 90, RevotePolicy::LastCounts).await;
    let ballots: Vec<Vec<u8>> = (0..90)
        .map(|i| r.ballot(i, &small_plain(i % 2 == 0, [1, 2, 3])).to_bytes())
        .collect();
    let key = ts.app.board_key;
    let c = ts.anon.clone();
    let round = r.round().to_string();
    let mut acked = Vec::new();
    let mut retry = Vec::new();

    // 1. Immediate (crash) stop, two seconds down, start.
    let b = burst_with_fault(&c, &round, &ballots[..35], 10, || {
        pg.stop_immediate();
        std::thread::sleep(Duration::from_secs(2));
        pg.start();
    })
    .await;
    println!("PostgreSQL stop -m immediate + start: {:?}", b.counts());
    assert!(b.counts().acknowledged >= 10);
    acked.extend(acked_of(&b, &ballots[..35]));
    retry.extend(unacked(&b, &ballots[..35]));
    check_board(&c, &round, &key, &acked).await;

    // 2. kill -9 of the postmaster, two seconds down, start.
    let b = burst_with_fault(&c, &round, &ballots[35..70], 10, || {
        pg.kill_9();
        std::thread::sleep(Duration::from_secs(2));
        pg.start();
    })
    .await;
    println!("PostgreSQL kill -9 + start: {:?}", b.counts());
    acked.extend(acked_of(&b, &ballots[35..70]));
    retry.extend(unacked(&b, &ballots[35..70]));

    // The same server process serves on: the unanswered ballots again
    // (each either already stored, same receipt, or new) and new ones.
    retry.extend_from_slice(&ballots[70..]);
    let (more, retries) = cast_until_acknowledged(&c, &round, &retry).await;
    println!(
        "resumed: {} ballots acknowledged after {retries} retries",
        more.len()
    );
    acked.extend(more);
    let state = check_board(&c, &round, &key, &acked).await;
    assert_eq!(state.ballots, 90, "every ballot exactly once");
    // And the round goes on to its end on the restarted database.
    r.driver.step("close").await.unwrap();
    ts.running.stop().await;
}

/// A tmpfs of `size` mounted on a fresh directory, unmounted on drop.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mounting a tmpfs needs root (CI runs as root)");
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the disk is full; returns its path.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let p = self.path().join("filler");
        let mut f = std::fs::File::create(&p).unwrap();
        let chunk = vec![0u8; 16 * 1024];
        while f.write_all(&chunk).is_ok() {}
        while f.write_all(&chunk[..512]).is_ok() {}
        let _ = f.sync_all();
        p
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk_under_sqlite_refuses_then_resumes() {
    let disk = SmallDisk::mount("24m");
    let data = disk.path().join("data");
    let ts = start(Backend::Sqlite, |s| s.data_dir = Some(data.clone())).await;
    let r = open_round(&ts, small_questions(), 80, RevotePolicy::LastCounts).await;
    let ballots: Vec<Vec<u8>> = (0..80)
        .map(|i| r.ballot(i, &small_plain(i % 3 == 0, [4, 5, 6])).to_bytes())
        .collect();
    let key = ts.app.board_key;
    let c = ts.anon.clone();
    let round = r.round().to_string();
    let first = burst(
        &c,
        &round,
        ballots[..10].to_vec(),
        4,
        deadline(),
        PER_REQUEST,
        Arc::default(),
    )
    .await;
    assert_eq!(first.counts().acknowledged, 10);
    let mut acked = acked_of(&first, &ballots[..10]);

    // The disk fills up in the middle of a burst.
    let mut filler = None;
    let b = burst_with_fault(&c, &round, &ballots[10..50], 5, || {
        filler = Some(disk.fill());
    })
    .await;
    println!("SQLite disk full: {:?}", b.counts());
    acked.extend(acked_of(&b, &ballots[10..50]));
    let mut retry = unacked(&b, &ballots[10..50]);
    // Reads still work and show every acknowledged ballot.
    check_board(&c, &round, &key, &acked).await;
    c.health().await.unwrap();

    // Space comes back: the same process takes ballots again.
    std::fs::remove_file(filler.unwrap()).unwrap();
    retry.extend_from_slice(&ballots[50..]);
    let (more, retries) = cast_until_acknowledged(&c, &round, &retry).await;
    println!(
        "resumed: {} ballots acknowledged after {retries} retries",
        more.len()
    );
    acked.extend(more);
    let state = check_board(&c, &round, &key, &acked).await;
    assert_eq!(state.ballots, 80, "every ballot exactly once");

    // And the files are sound for a fresh process on them.
    let settings = ts.settings.clone();
    ts.running.stop().await;
    drop(ts.app);
    let again = start_with(settings, tempfile::tempdir().unwrap()).await;
    let state = check_board(&again.anon, &round, &key, &acked).await;
    assert_eq!(state.ballots, 80);
    again.running.stop().await;
}
