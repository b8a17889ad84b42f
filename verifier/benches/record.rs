//! Scale benchmark of the verifier (issue 7): a record of N ballots with
//! one 10-option systemic-consensus question (or a 10-option ranked one),
//! verified batched+parallel and per-proof (`--no-batch`) in the same run.
//!
//! ```text
//! PSEPHOS_BENCH_BALLOTS=10000 PSEPHOS_BENCH_KIND=sc10 \
//!   cargo bench -p psephos-verifier --bench record
//! ```
//!
//! The record is generated once (really proven, in parallel) and cached
//! under `target/bench-records/`; the path is printed so that peak memory
//! can be measured with `/usr/bin/time -v target/release/psephos-verify
//! <path>`. `PSEPHOS_BENCH_RUNS` (default 3) sets the runs per mode;
//! `PSEPHOS_BENCH_NO_BATCH=0` skips the slow per-proof mode.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use psephos_crypto::ballot::PlainAnswer;
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{OptionDef, Question, QuestionKind, RevotePolicy};
use psephos_verifier::{verify, FileSource, Options};
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

fn question(kind: &str) -> Question {
    let options: Vec<OptionDef> = (0..10)
        .map(|i| OptionDef {
            id: format!("o{i}"),
            label: [("en".to_string(), format!("Option {i}"))].into(),
        })
        .collect();
    let kind = match kind {
        "ranked10" => QuestionKind::Ranked {
            default_option: None,
        },
        _ => QuestionKind::SystemicConsensus {
            max_resistance: 10,
            passive_solution: Some("o0".into()),
            unrated: Unrated::CountsAsMax,
        },
    };
    Question {
        id: "q".into(),
        title: [("en".to_string(), "Benchmark question".to_string())].into(),
        description: Default::default(),
        options,
        kind,
    }
}

fn sc10(rng: &mut ChaCha20Rng) -> Vec<PlainAnswer> {
    vec![PlainAnswer::Linear(
        (0..10).map(|_| (rng.next_u32() % 11) as u64).collect(),
    )]
}

fn ranked10(rng: &mut ChaCha20Rng) -> Vec<PlainAnswer> {
    let mut order: Vec<usize> = (0..10).collect();
    for i in (1..10).rev() {
        order.swap(i, (rng.next_u32() as usize) % (i + 1));
    }
    vec![PlainAnswer::Ranked(
        order.into_iter().take(6).map(|o| vec![o]).collect(),
    )]
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let n: usize = env("PSEPHOS_BENCH_BALLOTS", "10000")
        .parse()
        .expect("a number of ballots");
    let kind = env("PSEPHOS_BENCH_KIND", "sc10");
    let runs: usize = env("PSEPHOS_BENCH_RUNS", "3")
        .parse()
        .expect("a number of runs");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-records");
    std::fs::create_dir_all(&dir).expect("bench record directory");
    let path = dir.join(format!("{kind}-{n}.jsonl"));
    if !path.exists() {
        let t = Instant::now();
        let plain = if kind == "ranked10" { ranked10 } else { sc10 };
        let s =
            support::Scenario::build(vec![question(&kind)], n, RevotePolicy::LastCounts, 1, plain);
        let bytes = support::write_record(&s.key, s.election_id, &s.entries(), 256);
        std::fs::write(&path, bytes).expect("write record");
        println!(
            "generated {} in {:.1} s",
            path.display(),
            t.elapsed().as_secs_f64()
        );
    }
    println!(
        "record {} ({} MB)",
        path.display(),
        std::fs::metadata(&path).map(|m| m.len() >> 20).unwrap_or(0)
    );
    let source = FileSource(path);
    let time = |no_batch: bool, runs: usize| -> f64 {
        let xs = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let report = verify(
                    &source,
                    &Options {
                        no_batch,
                        ..Options::default()
                    },
                )
                .expect("readable");
                assert!(report.valid, "{}", report.to_text());
                t.elapsed().as_secs_f64()
            })
            .collect();
        median(xs)
    };
    let threads = rayon::current_num_threads();
    let batched = time(false, runs);
    println!(
        "{kind} {n} ballots, {threads} threads: batched {batched:.2} s ({:.3} ms/ballot)",
        1e3 * batched / n as f64
    );
    if env("PSEPHOS_BENCH_NO_BATCH", "1") != "0" {
        let single = time(true, 1.max(runs / 3));
        println!(
            "{kind} {n} ballots, {threads} threads: per-proof {single:.2} s ({:.3} ms/ballot); batched is {:.1}x faster",
            1e3 * single / n as f64,
            single / batched
        );
    }
}
