//! Proof generation and verification at 1,000,000 entries: in the
//! in-memory tree (pure core) and through the SQLite store (tree rebuilt
//! from stored leaf hashes on first use).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use psephos_board::merkle::leaf_hash;
use psephos_board::MerkleTree;

const N: u64 = 1_000_000;

/// A cheap deterministic index sequence.
fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn core_proofs(c: &mut Criterion) {
    let t0 = Instant::now();
    let tree = MerkleTree::from_leaves((0..N).map(|i| leaf_hash(&i.to_be_bytes())));
    eprintln!("built a {N}-leaf tree in {:?}", t0.elapsed());
    let root = tree.root();
    let mut g = c.benchmark_group("proofs_1m");
    g.sample_size(30);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    g.bench_function("inclusion_prove", |b| {
        b.iter(|| black_box(tree.inclusion_proof(next(&mut x) % N, N).unwrap()))
    });
    let p = tree.inclusion_proof(123_457, N).unwrap();
    let leaf = tree.leaf(123_457).unwrap();
    g.bench_function("inclusion_verify", |b| {
        b.iter(|| p.verify(black_box(&leaf), &root).unwrap())
    });
    g.bench_function("consistency_prove", |b| {
        b.iter(|| black_box(tree.consistency_proof(next(&mut x) % N + 1, N).unwrap()))
    });
    let old = 654_321;
    let cp = tree.consistency_proof(old, N).unwrap();
    let old_root = tree.root_at(old).unwrap();
    g.bench_function("consistency_verify", |b| {
        b.iter(|| cp.verify(black_box(&old_root), &root).unwrap())
    });
    g.bench_function("root_at", |b| {
        b.iter(|| black_box(tree.root_at(next(&mut x) % N + 1).unwrap()))
    });
    g.finish();
}

#[cfg(feature = "sqlite")]
fn store_proofs(c: &mut Criterion) {
    use psephos_board::record::RecordWriter;
    use psephos_board::store::{BoardConfig, SqliteStore, Store};
    use psephos_board::{BoardPublicKey, Checkpoint, ElectionId, Entry, LogEntry, SigningKey};

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let key = SigningKey::from_bytes(&[7; 32]);
    let election = ElectionId([0x42; 32]);
    let entries: Vec<Entry> = (0..N)
        .map(|i| Entry::new("ballot", &i.to_be_bytes()).unwrap())
        .collect();
    let tree = MerkleTree::from_leaves(entries.iter().map(Entry::leaf_hash));
    let cp = Checkpoint {
        election,
        size: N,
        root: tree.root(),
        time: 1,
    }
    .sign(&key);
    let mut w = RecordWriter::new(Vec::new(), election, N).unwrap();
    for (i, e) in entries.into_iter().enumerate() {
        w.write_entry(&LogEntry {
            index: i as u64,
            entry: e,
        })
        .unwrap();
    }
    w.write_checkpoint(&cp).unwrap();
    let file = w.finish().unwrap();
    let path =
        std::env::temp_dir().join(format!("psephos-board-bench-{}.sqlite", std::process::id()));
    let store = rt.block_on(async {
        let store = SqliteStore::open(&path, BoardConfig::new(key.clone()))
            .await
            .unwrap();
        let t0 = Instant::now();
        store
            .import(
                Box::new(std::io::Cursor::new(file)),
                BoardPublicKey::from_signing_key(&key),
            )
            .await
            .unwrap();
        eprintln!("imported {N} entries into SQLite in {:?}", t0.elapsed());
        let t0 = Instant::now();
        store.inclusion_proof(election, 0, N).await.unwrap();
        eprintln!(
            "first proof (tree rebuilt from stored leaf hashes) in {:?}",
            t0.elapsed()
        );
        store
    });
    let mut g = c.benchmark_group("sqlite_store_proofs_1m");
    g.sample_size(30);
    let mut x = 0x2545_f491_4f6c_dd1du64;
    g.bench_function("inclusion_proof", |b| {
        b.iter(|| {
            rt.block_on(store.inclusion_proof(election, next(&mut x) % N, N))
                .unwrap()
        })
    });
    g.bench_function("consistency_proof", |b| {
        b.iter(|| {
            rt.block_on(store.consistency_proof(election, next(&mut x) % N + 1, N))
                .unwrap()
        })
    });
    g.finish();
    drop(store);
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }
}

#[cfg(not(feature = "sqlite"))]
fn store_proofs(_: &mut Criterion) {}

criterion_group!(benches, core_proofs, store_proofs);
criterion_main!(benches);
