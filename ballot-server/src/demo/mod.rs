//! `psephos-server demo` (specs/server-api.md §12): a complete AMV on the
//! embedded store, driven over real HTTP against the server it starts on a
//! loopback port — a round with one question of every kind, a 2-of-3 key
//! ceremony, N voters casting random (or scripted) ballots with some
//! revotes and one audited ballot, close, tally, decryption by trustees 1
//! and 3 with proofs, publication, a check of the published totals against
//! the plaintexts, the record file and the result JSON.
//!
//! | module | holds |
//! | --- | --- |
//! | [`drive`] | officer and trustee steps over the API |
//! | [`vote`] | voters proving and casting in parallel, receipts checked |
//! | [`questions`] | the demo's questions and random plaintexts |
//! | [`script`] | the scripted ballots file |
//! | [`report`] | totals check, summary, result JSON |
//! | [`booth_round`] | `--open-round N`: a second round left open for the web booth |
//! | [`secrets`] | the ledger of the run's secrets, for the log-leak test |

pub mod booth_round;
pub mod drive;
pub mod questions;
pub mod report;
pub mod script;
pub mod secrets;
pub mod vote;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use psephos_crypto::ballot::PlainAnswer;
use psephos_crypto::record::manifest::{RevotePolicy, Schedule};
use psephos_crypto::record::ElectionResult;
use psephos_trustee::client::Client;
use psephos_trustee::wire::{CredentialMode, RoundDraft};
use rand_core::{OsRng, RngCore};

use self::drive::{members, DriveError, DriveResult, Driver};
use self::secrets::Secrets;
use self::vote::{cast_all, VoterPlan};
use crate::app::App;
use crate::config::Settings;
use crate::service::rounds::text;
use crate::store::TokenKind;

/// Flags of `demo`.
#[derive(Args, Clone, Debug)]
pub struct DemoArgs {
    /// Random voters (ignored with --ballots).
    #[arg(long, default_value_t = 1000)]
    pub voters: usize,
    /// Scripted plaintext ballots instead of random voters.
    #[arg(long)]
    pub ballots: Option<PathBuf>,
    /// Write the election record file here.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Write the published result as JSON here.
    #[arg(long)]
    pub result_json: Option<PathBuf>,
    /// Stop after the export instead of serving on.
    #[arg(long)]
    pub exit: bool,
    /// Then open a second round with this many members for the web booth
    /// and print their personal booth links (0: none).
    #[arg(long, env = "PSEPHOS_DEMO_OPEN_ROUND")]
    pub open_round: Option<usize>,
    /// Voters casting at the same time.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Server settings.
    #[command(flatten)]
    pub settings: Settings,
    /// Keep every secret the run makes in [`DemoOutcome::secrets`] (for
    /// the test that greps the logs for them; never set by the CLI).
    #[arg(skip)]
    pub keep_secrets: bool,
}

fn bar(len: u64, msg: &'static str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(msg);
    pb
}

/// What a finished demo leaves.
pub struct DemoOutcome {
    /// The server, still running.
    pub running: crate::server::Running,
    /// Round id.
    pub round: String,
    /// The published result.
    pub result: ElectionResult,
    /// An officer token.
    pub officer_token: String,
    /// Wall time of the whole round.
    pub seconds: f64,
    /// The run's secrets, if `keep_secrets` (else empty).
    pub secrets: Secrets,
}

/// Runs the demo up to publication and export; the server keeps running.
pub async fn run(args: DemoArgs) -> DriveResult<DemoOutcome> {
    let started = Instant::now();
    let mut settings = args.settings.clone();
    let temp = if settings.data_dir.is_none() && settings.database_url.is_none() {
        let dir = std::env::temp_dir().join(format!("psephos-demo-{}", crate::now()));
        settings.data_dir = Some(dir.clone());
        Some(dir)
    } else {
        None
    };
    let explicit_listen = settings.listen.is_some();
    let config = settings.resolve()?;
    let data_dir = config.data_dir.clone();
    std::fs::create_dir_all(&data_dir)?;
    let app = App::open(config.clone()).await?;
    let running = match crate::server::start(app.clone(), config.listen).await {
        Ok(r) => r,
        Err(_) if !explicit_listen => {
            crate::server::start(app.clone(), "127.0.0.1:0".parse().expect("addr")).await?
        }
        Err(e) => return Err(e.into()),
    };
    let token = app.create_token(TokenKind::Officer, None, None).await?;
    let officer = Client::new(&running.url())?.with_token(&token);
    println!(
        "Psephos demo: server at {} (data in {})",
        running.url(),
        data_dir.display()
    );

    let script = match &args.ballots {
        Some(p) => Some(script::Script::parse(&std::fs::read(p)?)?),
        None => None,
    };
    let questions = match &script {
        Some(s) => s.questions()?,
        None => questions::demo_questions(),
    };
    let now = crate::now();
    let round = format!("amv-demo-{now}");
    let draft = RoundDraft {
        election: round.clone(),
        title: text("Demo All-Member Vote"),
        questions: questions.clone(),
        schedule: Schedule {
            opens_at: now - 60,
            closes_at: now + 7 * 86_400,
        },
        revote: RevotePolicy::LastCounts,
        credential_mode: CredentialMode::Server,
    };
    let booth_draft = booth_round::draft_like(&draft, questions.clone());
    let driver = Driver::create(&officer, draft, 3, 2, &data_dir).await?;
    driver.ceremony().await?;
    let (_, stmt) = driver.freeze().await?;
    println!(
        "Key ceremony done (2 of 3 trustees), manifest frozen: election id {}",
        hex::encode(stmt.election_id)
    );

    // The voters' plaintexts: random, or from the script.
    let mut rng = OsRng;
    let plain: Vec<(u64, Vec<Vec<PlainAnswer>>)> = match &script {
        Some(s) => s
            .plain(&questions)?
            .into_iter()
            .map(|(w, a)| (w, vec![a]))
            .collect(),
        None => (0..args.voters.max(1))
            .map(|i| {
                let w = if i % 10 == 9 { 2 } else { 1 };
                let n = if rng.next_u32() % 20 == 0 { 2 } else { 1 };
                (
                    w,
                    (0..n)
                        .map(|_| questions::random_ballot(&questions, &mut rng))
                        .collect(),
                )
            })
            .collect(),
    };
    let roll = members(plain.len(), |i| plain[i].0);
    let voters = driver.server_credentials(&roll).await?;
    let secrets = Secrets::new(args.keep_secrets);
    for v in &voters {
        let grouped = v.code.grouped();
        secrets.add(&grouped);
        secrets.add(&grouped.replace('-', ""));
    }
    driver.step("open").await?;
    println!("Credentials issued to {} members; round open", voters.len());

    let counted: Vec<(u64, Vec<PlainAnswer>)> = plain
        .iter()
        .map(|(w, b)| (*w, b.last().cloned().unwrap_or_default()))
        .collect();
    let revotes = plain.iter().filter(|(_, b)| b.len() > 1).count();
    let plans: Vec<VoterPlan> = voters
        .iter()
        .zip(plain)
        .enumerate()
        .map(|(i, (v, (_, ballots)))| VoterPlan {
            key: v.code.signing_key(&stmt.election_id),
            audit: (i == 0).then(|| questions::random_ballot(&questions, &mut OsRng)),
            ballots,
            secrets: secrets.clone(),
        })
        .collect();
    let pb = bar(plans.len() as u64, "voting");
    let cast_started = Instant::now();
    let board_key = app.board_key;
    let receipts = cast_all(
        &officer,
        &round,
        Arc::new(stmt.clone()),
        board_key,
        plans,
        args.concurrency,
        &pb,
    )
    .await?;
    pb.finish_and_clear();
    println!(
        "{} ballots cast ({} revotes, 1 audited) in {:.1} s; every receipt checked",
        receipts.len(),
        revotes,
        cast_started.elapsed().as_secs_f64()
    );

    driver.finish(&[1, 3]).await?;
    if secrets.keeps() {
        keep_round_secrets(&secrets, &driver, &token, &config.board_key_file)?;
    }
    let bytes = officer.result_bytes(&round).await?;
    let result: ElectionResult =
        serde_json::from_slice(&bytes).map_err(|e| DriveError::Check(format!("result: {e}")))?;
    let expected = report::expected_totals(&questions, &counted)?;
    report::check_totals(&result, &expected)?;
    println!("Tallied, decrypted by trustees 1 and 3 with proofs, published.");
    println!("Check: the published totals equal the plaintext count of the last ballot per voter.");
    report::print_summary(&questions, &result);
    if let Some(p) = &args.export {
        driver.export(p).await?;
        println!("Election record written to {}", p.display());
    }
    if let Some(p) = &args.result_json {
        let v = report::result_json(&round, &questions, &result);
        let text = serde_json::to_vec_pretty(&v).map_err(|e| DriveError::Check(e.to_string()))?;
        std::fs::write(p, text)?;
        println!("Result JSON written to {}", p.display());
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("Whole round: {seconds:.1} s");
    println!("Results page: {}/results/{round}", running.url());
    if let Some(n) = args.open_round.filter(|n| *n > 0) {
        let base = running.url();
        let links = booth_round::open_round(&officer, booth_draft, n, &data_dir, &base).await?;
        println!("Round {round}-booth is open; personal booth links (the credential is in the fragment):");
        for l in links {
            println!("  {l}");
        }
    }
    if let Some(dir) = temp {
        if args.exit {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(DemoOutcome {
        running,
        round,
        result,
        officer_token: token,
        seconds,
        secrets,
    })
}

/// The officer token, the trustees' tokens, passphrases and vault secrets,
/// and the board key seed.
fn keep_round_secrets(
    secrets: &Secrets,
    driver: &Driver,
    officer_token: &str,
    board_key_file: &std::path::Path,
) -> DriveResult<()> {
    secrets.add(officer_token);
    for t in &driver.trustees {
        if let Some(token) = t.client.token() {
            secrets.add(token);
        }
        secrets.add(&String::from_utf8_lossy(&t.passphrase));
        let (content, _) = psephos_trustee::vault::load(&t.vault, &t.passphrase)
            .map_err(|e| DriveError::Check(format!("vault: {e}")))?;
        for part in [
            serde_json::to_value(&content.session),
            serde_json::to_value(&content.share),
        ] {
            secrets.add_hex_in(&part.unwrap_or_default());
        }
    }
    let seed = zeroize::Zeroizing::new(std::fs::read_to_string(board_key_file)?);
    secrets.add(seed.trim());
    Ok(())
}
