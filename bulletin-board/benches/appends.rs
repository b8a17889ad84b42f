//! Durable appends per second: one writer, and eight concurrent writers
//! (group commit), on SQLite (WAL, synchronous=FULL) and PostgreSQL
//! (synchronous_commit on). Entries carry a 1 KiB payload.
//!
//! PostgreSQL comes from `PSEPHOS_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`), in a schema of its own that
//! is dropped afterwards.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use psephos_board::store::{BoardConfig, PgConfig, PgStore, SqliteStore, Store};
use psephos_board::{ElectionId, Entry, SigningKey};
use tokio::runtime::Runtime;

const WRITERS: u64 = 8;
static SEQ: AtomicU64 = AtomicU64::new(0);

fn entry() -> Entry {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let mut payload = vec![0xa5u8; 1024];
    payload[..8].copy_from_slice(&n.to_be_bytes());
    Entry::new("ballot", &payload).expect("entry")
}

fn pg_url() -> String {
    std::env::var("PSEPHOS_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn bench_store(c: &mut Criterion, rt: &Runtime, name: &str, store: Arc<dyn Store>) {
    let election = ElectionId([0x17; 32]);
    let mut g = c.benchmark_group(format!("append_{name}"));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Elements(1));
    g.bench_function("single_writer", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let t0 = Instant::now();
                for _ in 0..iters {
                    store.append(election, entry()).await.expect("append");
                }
                t0.elapsed()
            })
        })
    });
    // One iteration = one append by each of the 8 writers, all running freely.
    g.throughput(Throughput::Elements(WRITERS));
    g.bench_function("8_writers", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let t0 = Instant::now();
                let tasks: Vec<_> = (0..WRITERS)
                    .map(|_| {
                        let s = store.clone();
                        tokio::spawn(async move {
                            for _ in 0..iters {
                                s.append(election, entry()).await.expect("append");
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.expect("writer");
                }
                t0.elapsed()
            })
        })
    });
    g.finish();
}

fn appends(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let key = SigningKey::from_bytes(&[7; 32]);
    let path = std::env::temp_dir().join(format!(
        "psephos-board-append-{}.sqlite",
        std::process::id()
    ));
    let sqlite: Arc<dyn Store> = Arc::new(
        rt.block_on(SqliteStore::open(&path, BoardConfig::new(key.clone())))
            .expect("sqlite"),
    );
    bench_store(c, &rt, "sqlite", sqlite);
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }

    let schema = format!("bench_{}", std::process::id());
    let pg = rt.block_on(PgStore::connect(
        PgConfig::new(pg_url()).with_schema(&schema),
        BoardConfig::new(key),
    ));
    match pg {
        Ok(pg) => {
            bench_store(c, &rt, "postgres", Arc::new(pg));
            rt.block_on(async {
                if let Ok((client, conn)) =
                    tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await
                {
                    tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .await;
                }
            });
        }
        Err(e) => eprintln!("PostgreSQL unavailable, skipping its benchmarks: {e}"),
    }
}

criterion_group!(benches, appends);
criterion_main!(benches);
