//! The store test suite, run unchanged on real SQLite and real PostgreSQL
//! (`suite!` instantiates every test once per backend).
#![cfg(all(feature = "sqlite", feature = "postgres"))]

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::{election, entry, parse_entry, signing_key, Backend, Harness};
use psephos_board::record::{verify_record, DEFAULT_RECORD_MAX_ENTRY};
use psephos_board::store::io::export_record;
use psephos_board::store::{Limits, Store, StoreError};
use psephos_board::{BoardPublicKey, ElectionId, Entry, LogEntry, MerkleTree, Receipt};

fn key() -> BoardPublicKey {
    BoardPublicKey::from_signing_key(&signing_key())
}

/// Every entry of a log, paged.
async fn all_entries(store: &dyn Store, e: ElectionId) -> Vec<LogEntry> {
    let mut out = Vec::new();
    loop {
        let page = store
            .entries(e, out.len() as u64, 1000)
            .await
            .expect("page");
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// Checks a whole log: gap-free indices, root and latest checkpoint equal to
/// a recomputation from the entries, integrity scan clean. Returns entries.
async fn check_log(store: &dyn Store, e: ElectionId) -> Vec<LogEntry> {
    let entries = all_entries(store, e).await;
    let size = store.size(e).await.expect("size");
    assert_eq!(entries.len() as u64, size);
    for (i, le) in entries.iter().enumerate() {
        assert_eq!(le.index, i as u64, "gap or reordering");
    }
    let tree = MerkleTree::from_leaves(entries.iter().map(|l| l.leaf_hash()));
    if size > 0 {
        assert_eq!(store.root(e, size).await.expect("root"), tree.root());
        let cp = store
            .latest_checkpoint(e)
            .await
            .expect("cp")
            .expect("some cp");
        assert_eq!((cp.size, cp.root, cp.election), (size, tree.root(), e));
        cp.verify(&key()).expect("checkpoint signature");
    }
    let report = store.check_integrity(e).await.expect("integrity");
    assert!(report.is_ok(), "{report:?}");
    entries
}

async fn append_read_and_prove(h: Harness) {
    let store = h.open().await;
    let e = election("arp");
    let other = election("arp-other");
    assert_eq!(store.size(e).await.unwrap(), 0);
    assert!(store.latest_checkpoint(e).await.unwrap().is_none());
    let mut receipts: Vec<Receipt> = Vec::new();
    for i in 0..37 {
        let r = store.append(e, entry("a", i, 40)).await.expect("append");
        assert_eq!(r.index, i);
        r.verify_entry(&key(), entry("a", i, 40).as_bytes())
            .expect("receipt");
        receipts.push(r);
    }
    store.append(other, entry("o", 0, 40)).await.unwrap();
    let entries = check_log(&*store, e).await;
    assert_eq!(entries.len(), 37);
    // Paging.
    let page = store.entries(e, 30, 5).await.unwrap();
    assert_eq!(
        page.iter().map(|l| l.index).collect::<Vec<_>>(),
        vec![30, 31, 32, 33, 34]
    );
    assert!(store.entries(e, 37, 5).await.unwrap().is_empty());
    assert_eq!(
        store.entries(e, 0, 0).await.unwrap_err().code(),
        "board.empty_page"
    );
    // Proofs against the checkpoints of every size.
    for (old, new) in [(1, 37), (5, 8), (13, 37), (36, 37), (16, 32), (37, 37)] {
        let a = store
            .checkpoint(e, old)
            .await
            .unwrap()
            .expect("checkpoint old");
        let b = store
            .checkpoint(e, new)
            .await
            .unwrap()
            .expect("checkpoint new");
        let p = store.consistency_proof(e, old, new).await.unwrap();
        p.verify(&a.root, &b.root).expect("consistency");
        for index in [0, old - 1, new - 1] {
            let ip = store.inclusion_proof(e, index, new).await.unwrap();
            ip.verify(&entries[index as usize].leaf_hash(), &b.root)
                .expect("inclusion");
        }
    }
    // Checkpoints: one per append here, paged.
    let cps = store.checkpoints(e, 10, 5).await.unwrap();
    assert_eq!(
        cps.iter().map(|c| c.size).collect::<Vec<_>>(),
        vec![10, 11, 12, 13, 14]
    );
    for c in &cps {
        c.verify(&key()).unwrap();
        assert_eq!(c.root, store.root(e, c.size).await.unwrap());
    }
    assert!(store.checkpoints(e, 38, 5).await.unwrap().is_empty());
    // Look-ups, receipts, repeated submission.
    let leaf = entries[21].leaf_hash();
    assert_eq!(store.find_leaf(e, leaf).await.unwrap(), Some(21));
    assert_eq!(store.find_leaf(other, leaf).await.unwrap(), None);
    let code = entries[21].entry.payload_hash();
    assert_eq!(store.find_payload(e, code).await.unwrap(), vec![21]);
    assert!(store.find_payload(other, code).await.unwrap().is_empty());
    assert_eq!(store.receipt(e, 21).await.unwrap(), receipts[21]);
    let again = store.append(e, entry("a", 21, 40)).await.unwrap();
    assert_eq!(again, receipts[21]);
    assert_eq!(store.size(e).await.unwrap(), 37);
    // Errors.
    let err = store.inclusion_proof(e, 37, 37).await.unwrap_err();
    assert_eq!(err.code(), "board.index_out_of_range");
    let err = store.inclusion_proof(e, 0, 38).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::SizeOutOfRange {
            requested: 38,
            size: 37
        }
    );
    assert_eq!(
        store.consistency_proof(e, 9, 3).await.unwrap_err().code(),
        "board.reversed_range"
    );
    assert_eq!(
        store.receipt(e, 40).await.unwrap_err().code(),
        "board.index_out_of_range"
    );
    let els = store.elections().await.unwrap();
    assert!(els.contains(&e) && els.contains(&other));
}

async fn concurrent_writers(h: Harness) {
    let store = h.open().await;
    let e = election("conc");
    let mut tasks = Vec::new();
    for w in 0..8u64 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut rs = Vec::new();
            for i in 0..500 {
                rs.push(
                    s.append(e, entry(&format!("w{w}"), i, 24))
                        .await
                        .expect("append"),
                );
            }
            rs
        }));
    }
    let mut indices = HashSet::new();
    for t in tasks {
        for r in t.await.unwrap() {
            r.verify(&key()).expect("receipt");
            assert!(indices.insert(r.index), "duplicate index {}", r.index);
        }
    }
    assert_eq!(indices, (0..4000).collect::<HashSet<u64>>());
    let entries = check_log(&*store, e).await;
    assert_eq!(entries.len(), 4000);
    let mut seen = HashSet::new();
    for le in &entries {
        assert!(seen.insert(parse_entry(&le.entry, 24).expect("test entry")));
    }
}

async fn repeated_submissions_share_one_index(h: Harness) {
    let store = h.open().await;
    let e = election("dup");
    store.append(e, entry("d", 0, 10)).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let s = store.clone();
            tokio::spawn(async move { s.append(e, entry("d", 1, 10)).await.unwrap() })
        })
        .collect();
    let mut rs = Vec::new();
    for t in tasks {
        rs.push(t.await.unwrap());
    }
    assert!(rs
        .iter()
        .all(|r| r.index == 1 && r.leaf_hash == rs[0].leaf_hash));
    assert_eq!(store.size(e).await.unwrap(), 2);
    let first = store.append(e, entry("d", 0, 10)).await.unwrap();
    assert_eq!(first, store.receipt(e, 0).await.unwrap());
    check_log(&*store, e).await;
}

async fn refuses_bad_entries(h: Harness) {
    let limits = Limits {
        max_entry_bytes: 1024,
        ..Limits::default()
    };
    let store = h.open_with(limits).await;
    let e = election("bad");
    for i in 0..3 {
        store.append(e, entry("b", i, 100)).await.unwrap();
    }
    let before = (
        store.size(e).await.unwrap(),
        store.latest_checkpoint(e).await.unwrap(),
    );
    let big = Entry::new("test", &[0u8; 1024]).unwrap();
    let err = store.append(e, big.clone()).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::EntryTooLarge {
            size: 1029,
            limit: 1024
        }
    );
    assert_eq!(err.code(), "board.entry_too_large");
    let err = store.append_bytes(e, big.into_bytes()).await.unwrap_err();
    assert_eq!(err.code(), "board.entry_too_large");
    let malformed: Vec<Vec<u8>> = vec![
        vec![],
        vec![0],
        vec![33; 40],
        vec![4, b't', b'e'],
        b"\x04Test-payload".to_vec(),
        b"\x041est".to_vec(),
        b"\x04te st".to_vec(),
    ];
    for m in malformed {
        let err = store.append_bytes(e, m.clone()).await.unwrap_err();
        assert_eq!(err.code(), "board.malformed_entry", "{m:?}");
    }
    let after = (
        store.size(e).await.unwrap(),
        store.latest_checkpoint(e).await.unwrap(),
    );
    assert_eq!(before, after);
    check_log(&*store, e).await;
    let ok = store
        .append_bytes(e, b"\x04testhello".to_vec())
        .await
        .unwrap();
    assert_eq!(ok.index, 3);
}

async fn detects_corruption(h: Harness) {
    let store = h.open().await;
    let e = election("corrupt");
    let f = election("corrupt-both");
    for i in 0..20 {
        store.append(e, entry("c", i, 50)).await.unwrap();
        store.append(f, entry("c", i, 50)).await.unwrap();
    }
    assert!(store.check_integrity(e).await.unwrap().is_ok());
    let set_bytes = "UPDATE entries SET bytes = ?3 WHERE election = ?1 AND idx = ?2";
    let forged = entry("forged", 0, 50);
    h.exec(set_bytes, &e, 12, forged.as_bytes()).await;
    h.exec(set_bytes, &e, 7, forged.as_bytes()).await;
    let report = store.check_integrity(e).await.unwrap();
    assert_eq!(report.first_corrupt, Some(7));
    assert_eq!(report.first_bad_checkpoint, Some(8));
    assert_eq!(
        store.entries(e, 0, 100).await.unwrap_err(),
        StoreError::Corrupt { index: 7 }
    );
    assert_eq!(store.entries(e, 0, 7).await.unwrap().len(), 7);
    // A tracking-code column out of step with the bytes is corruption too.
    let g = election("corrupt-payload");
    for i in 0..5 {
        store.append(g, entry("c", i, 50)).await.unwrap();
    }
    h.exec(
        "UPDATE entries SET payload_hash = ?3 WHERE election = ?1 AND idx = ?2",
        &g,
        2,
        &[0u8; 32],
    )
    .await;
    assert_eq!(
        store.check_integrity(g).await.unwrap().first_corrupt,
        Some(2)
    );
    // Bytes and hashes changed together: only the signed roots show it.
    h.exec(set_bytes, &f, 3, forged.as_bytes()).await;
    h.exec(
        "UPDATE entries SET leaf_hash = ?3 WHERE election = ?1 AND idx = ?2",
        &f,
        3,
        &forged.leaf_hash().0,
    )
    .await;
    h.exec(
        "UPDATE entries SET payload_hash = ?3 WHERE election = ?1 AND idx = ?2",
        &f,
        3,
        &forged.payload_hash().0,
    )
    .await;
    let report = store.check_integrity(f).await.unwrap();
    assert_eq!(report.first_corrupt, None);
    assert_eq!(report.first_bad_checkpoint, Some(4));
}

async fn reopen_rebuilds_tree(h: Harness) {
    let e = election("reopen");
    let (root, cp) = {
        let store = h.open().await;
        for i in 0..50 {
            store.append(e, entry("r", i, 30)).await.unwrap();
        }
        (
            store.root(e, 50).await.unwrap(),
            store.latest_checkpoint(e).await.unwrap(),
        )
    };
    let store = h.open().await;
    assert_eq!(store.root(e, 50).await.unwrap(), root);
    assert_eq!(store.latest_checkpoint(e).await.unwrap(), cp);
    let r = store.append(e, entry("r", 50, 30)).await.unwrap();
    assert_eq!(r.index, 50);
    let cp2 = store.latest_checkpoint(e).await.unwrap().unwrap();
    let p = store.consistency_proof(e, 50, 51).await.unwrap();
    p.verify(&root, &cp2.root).unwrap();
    check_log(&*store, e).await;
}

async fn export_import_round_trip(h: Harness) {
    let store = h.open().await;
    let e = election("export");
    for i in 0..30 {
        store.append(e, entry("x", i, 64)).await.unwrap();
    }
    store
        .append(election("export-other"), entry("y", 0, 8))
        .await
        .unwrap();
    let file = export_record(&*store, e, Vec::new()).await.unwrap();
    let summary = verify_record(&file[..], &key(), DEFAULT_RECORD_MAX_ENTRY).unwrap();
    assert_eq!(
        (summary.election, summary.size, summary.checkpoints),
        (e, 30, 30)
    );
    assert_eq!(summary.root, store.root(e, 30).await.unwrap());
    // Into a fresh database of the same backend.
    let h2 = Harness::new(h.backend, "import");
    let dst = h2.open().await;
    let s2 = dst
        .import(Box::new(std::io::Cursor::new(file.clone())), key())
        .await
        .unwrap();
    assert_eq!(s2, summary);
    assert_eq!(all_entries(&*dst, e).await, all_entries(&*store, e).await);
    assert_eq!(
        dst.latest_checkpoint(e).await.unwrap(),
        store.latest_checkpoint(e).await.unwrap()
    );
    check_log(&*dst, e).await;
    assert_eq!(
        dst.checkpoints(e, 0, 100).await.unwrap(),
        store.checkpoints(e, 0, 100).await.unwrap()
    );
    assert_eq!(
        dst.receipt(e, 11).await.unwrap(),
        store.receipt(e, 11).await.unwrap()
    );
    dst.receipt(e, 29).await.unwrap().verify(&key()).unwrap();
    let again = dst
        .import(Box::new(std::io::Cursor::new(file.clone())), key())
        .await;
    assert_eq!(again.unwrap_err(), StoreError::AlreadyExists { size: 30 });
    // Re-exported bytes are identical.
    assert_eq!(export_record(&*dst, e, Vec::new()).await.unwrap(), file);
    // A tampered record is refused and leaves the target empty.
    let text = String::from_utf8(file).unwrap();
    let tampered = text.replacen("\"entry\":\"04", "\"entry\":\"05", 1);
    let h3 = Harness::new(h.backend, "import-bad");
    let dst3 = h3.open().await;
    let err = dst3
        .import(Box::new(std::io::Cursor::new(tampered.into_bytes())), key())
        .await;
    assert_eq!(err.unwrap_err().code(), "board.record_invalid");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(3, 4);
    let swapped = lines.join("\n") + "\n";
    let err = dst3
        .import(Box::new(std::io::Cursor::new(swapped.into_bytes())), key())
        .await;
    assert_eq!(err.unwrap_err().code(), "board.record_invalid");
    let wrong_key =
        BoardPublicKey::from_signing_key(&psephos_board::SigningKey::from_bytes(&[9; 32]));
    let err = dst3
        .import(Box::new(std::io::Cursor::new(text.into_bytes())), wrong_key)
        .await;
    assert_eq!(err.unwrap_err().code(), "board.bad_signature");
    assert_eq!(dst3.size(e).await.unwrap(), 0);
    assert!(dst3.elections().await.unwrap().is_empty());
}

/// Starts this test binary again as a writer process (see `child_writer`).
fn spawn_child(
    h: &Harness,
    e: &ElectionId,
    count: u64,
    tag: &str,
    len: usize,
) -> std::process::Child {
    let spec = format!(
        "{}|{}|{}|{count}|{tag}|4|{len}",
        h.backend.name(),
        h.target,
        e
    );
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_writer",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("PSEPHOS_BOARD_CHILD", spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child writer")
}

async fn two_processes(h: Harness) {
    let e = election("procs");
    // Create the schema before the children race for it.
    drop(h.open().await);
    let mut kids = [
        spawn_child(&h, &e, 500, "p0", 32),
        spawn_child(&h, &e, 500, "p1", 32),
    ];
    let acks = tokio::task::spawn_blocking(move || {
        kids.iter_mut()
            .map(|k| {
                let out = BufReader::new(k.stdout.take().expect("stdout"));
                let n = out
                    .lines()
                    .map_while(Result::ok)
                    .filter(|l| common::ack(l).is_some())
                    .count();
                assert!(k.wait().expect("wait").success(), "child failed");
                n
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert_eq!(acks, vec![500, 500]);
    let store = h.open().await;
    let entries = check_log(&*store, e).await;
    assert_eq!(entries.len(), 1000);
    let tags: HashSet<(String, u64)> = entries
        .iter()
        .map(|l| parse_entry(&l.entry, 32).expect("test entry"))
        .collect();
    assert_eq!(tags.len(), 1000);
}

async fn crash_mid_stream(h: Harness) {
    let e = election("crash");
    drop(h.open().await);
    let len = 48 * 1024;
    let mut kid = spawn_child(&h, &e, 1_000_000, "k", len);
    let out = BufReader::new(kid.stdout.take().expect("stdout"));
    let acked = tokio::task::spawn_blocking(move || {
        let mut acked = Vec::new();
        for line in out.lines().map_while(Result::ok) {
            if let Some(a) = common::ack(&line) {
                acked.push(a);
                if acked.len() == 60 {
                    kid.kill().expect("kill -9");
                    break;
                }
            }
        }
        let _ = kid.wait();
        acked
    })
    .await
    .unwrap();
    assert_eq!(acked.len(), 60, "child stopped before it was killed");
    let store = h.open().await;
    let entries = check_log(&*store, e).await;
    assert!(entries.len() >= 60);
    for le in &entries {
        assert!(
            parse_entry(&le.entry, len).is_some(),
            "partial entry at {}",
            le.index
        );
    }
    for (index, seq) in acked {
        assert_eq!(
            entries[index as usize].entry,
            entry("k", seq, len),
            "acked entry lost"
        );
    }
    let r = store.append(e, entry("after", 0, 10)).await.unwrap();
    assert_eq!(r.index, entries.len() as u64);
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::Harness::new(super::Backend::Sqlite, stringify!($name))).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::Harness::new(super::Backend::Postgres, stringify!($name))).await
                }
            )*
        }
    };
}

suite!(
    append_read_and_prove,
    concurrent_writers,
    repeated_submissions_share_one_index,
    refuses_bad_entries,
    detects_corruption,
    reopen_rebuilds_tree,
    export_import_round_trip,
    two_processes,
    crash_mid_stream,
);

/// The writer process of `two_processes` and `crash_mid_stream`; does
/// nothing unless started by them with `PSEPHOS_BOARD_CHILD` set to
/// `backend|target|election|count|tag|concurrency|payload_len`. Prints
/// `ACK index seq` after each acknowledged append.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_writer() {
    let Ok(spec) = std::env::var("PSEPHOS_BOARD_CHILD") else {
        return;
    };
    let f: Vec<&str> = spec.split('|').collect();
    let h = Harness::attach(Backend::parse(f[0]), f[1]);
    let e = ElectionId::from_hex(f[2]).expect("election");
    let (count, tag) = (f[3].parse::<u64>().expect("count"), f[4].to_owned());
    let (conc, len) = (
        f[5].parse::<u64>().expect("conc"),
        f[6].parse::<usize>().expect("len"),
    );
    let store: Arc<dyn Store> = h.open().await;
    let mut tasks = Vec::new();
    for w in 0..conc {
        let (s, tag) = (store.clone(), tag.clone());
        tasks.push(tokio::spawn(async move {
            let mut seq = w;
            while seq < count {
                let r = s
                    .append(e, entry(&tag, seq, len))
                    .await
                    .expect("child append");
                println!("ACK {} {seq}", r.index);
                seq += conc;
            }
        }));
    }
    for t in tasks {
        t.await.expect("child task");
    }
}
