//! A support append on a long support log, with the replayed state cached
//! by log size (specs/initiatives.md §5.3) and without it (every append
//! replays the log from the board first), in the same run:
//!
//! ```text
//! cargo bench -p psephos-server --bench support_log
//! cargo bench --profile test -p psephos-server --bench support_log
//! ```
//!
//! (the second reuses the test build; initiatives.md §5.3 gives its
//! numbers).
//!
//! The log is brought to `PSEPHOS_BENCH_LOG` entries (default 5,000) by
//! supports of distinct members of an embedded SQLite store; each
//! iteration is one more member's `App::support` (lock, catch-up, checks,
//! one durable board append, unlock), so the log grows by one entry per
//! iteration; the sizes are printed. Criterion's `estimates.json` holds
//! the medians.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use psephos_crypto::record::support::Threshold;
use psephos_server::app::App;
use psephos_server::config::Settings;
use psephos_server::initiatives::model::{Area, Decision, ProposalInput, Settings as IniSettings};

/// Members on the roll: the log's supporters and those of the iterations.
const ROLL: usize = 30_000;

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: Arc<App>,
    id: String,
    next: AtomicUsize,
    _dir: tempfile::TempDir,
}

fn member(i: usize) -> String {
    format!("b{i:06}")
}

impl Fixture {
    fn new(log: u64) -> Fixture {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: Some(dir.path().to_path_buf()),
            ..Settings::default()
        };
        let (app, id, next) = rt.block_on(async {
            let app = App::open(settings.resolve().unwrap()).await.unwrap();
            app.put_initiative_settings(IniSettings {
                areas: vec![Area {
                    id: "it".into(),
                    title: "IT".into(),
                    threshold: Threshold::Absolute(1_000_000),
                }],
                ..IniSettings::default()
            })
            .await
            .unwrap();
            let mut csv = String::from("member_id,email\n");
            for i in 0..ROLL {
                csv.push_str(&format!("{m},{m}@example.org\n", m = member(i)));
            }
            app.import_member_roll(&csv).await.unwrap();
            let input = ProposalInput {
                title: "Bench".into(),
                summary: "A long support log.".into(),
                body: "# Bench\n\nText.\n".into(),
                area: "it".into(),
                language: "en".into(),
                decision: Decision::YesNo,
                alternative_to: None,
            };
            let author = member(0);
            let id = app.create_proposal(&author, input).await.unwrap().id;
            app.publish_proposal(&author, &id).await.unwrap();
            let mut i = 0;
            let mut size = 0;
            while size < log {
                size = app
                    .support(&member(i), &id, 1)
                    .await
                    .unwrap()
                    .support
                    .log_size;
                i += 1;
            }
            eprintln!("support log of {id}: {size} entries");
            (app, id, AtomicUsize::new(i))
        });
        Fixture {
            rt,
            app,
            id,
            next,
            _dir: dir,
        }
    }

    /// One more member's support; `cached: false` drops the cache first.
    fn support(&self, cached: bool) {
        let m = member(self.next.fetch_add(1, Ordering::Relaxed));
        assert!(self.next.load(Ordering::Relaxed) < ROLL, "roll too short");
        self.rt.block_on(async {
            if !cached {
                self.app.initiatives.forget_logs();
            }
            self.app.support(&m, &self.id, 1).await.unwrap();
        });
    }
}

fn bench(c: &mut Criterion) {
    let log = std::env::var("PSEPHOS_BENCH_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let f = Fixture::new(log);
    let mut g = c.benchmark_group(format!("support_append_log_{log}"));
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    // Uncached first: it replays the whole log, so it is measured while
    // the log is closest to its starting size; the cached append does not
    // depend on the log's length.
    g.bench_function("uncached", |b| b.iter(|| f.support(false)));
    let mid =
        f.rt.block_on(f.app.with_log(&f.id, |s| s.size))
            .unwrap_or(0);
    eprintln!("support log after the uncached runs: {mid} entries");
    g.bench_function("cached", |b| b.iter(|| f.support(true)));
    g.finish();
    let end =
        f.rt.block_on(f.app.with_log(&f.id, |s| s.size))
            .unwrap_or(0);
    eprintln!("support log at the end: {end} entries");
}

criterion_group!(benches, bench);
criterion_main!(benches);
