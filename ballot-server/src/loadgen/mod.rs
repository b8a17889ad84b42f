//! `psephos-server loadgen` (specs/server-api.md §13): sustained cast
//! throughput and latency on loopback. It starts a server on the chosen
//! store (SQLite, or PostgreSQL with `--database-url`), sets up a round
//! with one 10-option systemic-consensus question, pre-generates every
//! ballot (so proving does not compete with the measurement), then casts
//! them all with a fixed concurrency — each fully verified and durable
//! before its receipt — bounded in count and time — and counts every
//! ballot as acknowledged, refused or lost ([`burst`]).

pub mod burst;

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use psephos_crypto::ballot::{Ballot, PlainAnswer};
use psephos_crypto::record::manifest::{RevotePolicy, Schedule};
use psephos_trustee::client::Client;
use psephos_trustee::wire::{CredentialMode, RoundDraft};
use rand_core::{OsRng, RngCore};
use rayon::prelude::*;
use serde::Serialize;

use crate::app::App;
use crate::config::Settings;
use crate::demo::drive::{members, DriveError, DriveResult, Driver};
use crate::demo::script::ScriptQuestion;
use crate::service::rounds::text;
use crate::store::TokenKind;

/// Flags of `loadgen`.
#[derive(Args, Clone, Debug)]
pub struct LoadArgs {
    /// Ballots to cast (one per voter).
    #[arg(long, default_value_t = 3000)]
    pub ballots: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Options of the systemic-consensus question.
    #[arg(long, default_value_t = 10)]
    pub options: usize,
    /// Stop casting after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub max_seconds: u64,
    /// Server settings (e.g. --database-url for PostgreSQL).
    #[command(flatten)]
    pub settings: Settings,
}

/// What a run measured.
#[derive(Clone, Debug, Serialize)]
pub struct LoadReport {
    /// `sqlite` or `postgres`.
    pub store: String,
    /// Ballots acknowledged.
    pub ballots: usize,
    /// Acknowledged / refused (by code) / lost: every ballot is one of them.
    pub outcome: burst::BurstCounts,
    /// Requests in flight.
    pub concurrency: usize,
    /// Seconds to pre-generate the ballots.
    pub pregen_seconds: f64,
    /// Seconds of casting.
    pub seconds: f64,
    /// Verified durable casts per second.
    pub casts_per_second: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Largest latency, ms.
    pub max_ms: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs the load generator.
pub async fn run(args: LoadArgs) -> DriveResult<LoadReport> {
    let mut settings = args.settings.clone();
    if settings.data_dir.is_none() {
        settings.data_dir = Some(std::env::temp_dir().join(format!(
            "psephos-loadgen-{}-{}",
            crate::now(),
            std::process::id()
        )));
    }
    settings.listen = Some("127.0.0.1:0".parse().expect("addr"));
    // The generator is one client at full speed: no per-IP limit applies.
    settings.rate_ip = settings.rate_ip.or(Some(1e9));
    settings.burst_ip = settings.burst_ip.or(Some(1e9));
    let config = settings.resolve()?;
    let store = if config.database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let data_dir = config.data_dir.clone();
    std::fs::create_dir_all(&data_dir)?;
    let app = App::open(config.clone()).await?;
    let running = crate::server::start(app.clone(), config.listen).await?;
    let token = app.create_token(TokenKind::Officer, None, None).await?;
    let officer = Client::new(&running.url())?.with_token(&token);

    let options: Vec<String> = (0..args.options).map(|i| format!("o{i}")).collect();
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    let q = ScriptQuestion {
        max: Some(10),
        passive_solution: Some("o0".into()),
        ..ScriptQuestion::new("budget", "systemic_consensus", &options)
    }
    .question()?;
    let now = crate::now();
    let round = format!("load-{now}-{}", OsRng.next_u32() % 100_000);
    let draft = RoundDraft {
        election: round.clone(),
        title: text("Load test"),
        questions: vec![q],
        schedule: Schedule {
            opens_at: now - 60,
            closes_at: now + 86_400,
        },
        revote: RevotePolicy::LastCounts,
        credential_mode: CredentialMode::Server,
    };
    let driver = Driver::create(&officer, draft, 1, 1, &data_dir).await?;
    driver.ceremony().await?;
    let (_, stmt) = driver.freeze().await?;
    let voters = driver
        .server_credentials(&members(args.ballots, |_| 1))
        .await?;
    driver.step("open").await?;

    let pregen = Instant::now();
    let n = args.options;
    let stmt = Arc::new(stmt);
    let s2 = stmt.clone();
    let keys: Vec<_> = voters
        .iter()
        .map(|v| v.code.signing_key(&stmt.election_id))
        .collect();
    let ballots: Vec<Vec<u8>> = tokio::task::spawn_blocking(move || {
        keys.par_iter()
            .map(|k| {
                let mut rng = OsRng;
                let plain = vec![PlainAnswer::Linear(
                    (0..n).map(|_| rng.next_u64() % 11).collect(),
                )];
                Ballot::cast(&s2, k, &plain, &mut OsRng).map(|(b, _)| b.to_bytes())
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| DriveError::Check(e.to_string()))??;
    let pregen_seconds = pregen.elapsed().as_secs_f64();

    let voter_client = Client::new(&running.url())?;
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let started = Instant::now();
    let b = burst::burst(
        &voter_client,
        &round,
        ballots,
        args.concurrency,
        deadline,
        Duration::from_secs(120),
        Arc::default(),
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let mut lat: Vec<f64> = b.acknowledged.iter().map(|a| a.2).collect();
    lat.sort_by(|a, b| a.total_cmp(b));
    let report = LoadReport {
        store: store.into(),
        ballots: lat.len(),
        outcome: b.counts(),
        concurrency: args.concurrency,
        pregen_seconds,
        seconds,
        casts_per_second: lat.len() as f64 / seconds,
        p50_ms: percentile(&lat, 0.50),
        p99_ms: percentile(&lat, 0.99),
        max_ms: lat.last().copied().unwrap_or(0.0),
    };
    running.stop().await;
    if args.settings.data_dir.is_none() {
        let _ = std::fs::remove_dir_all(data_dir);
    }
    Ok(report)
}
