//! `psephos-verify`: check an election record, or a voter's receipt.
//!
//! Exit codes: 0 the record (or receipt) is valid, 1 it is not, 2 the input
//! could not be read.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use psephos_verifier::receipt::check_receipt;
use psephos_verifier::url::{fetch, is_url};
use psephos_verifier::{verify, FileSource, Options, Progress, RecordSource, Since};

#[derive(Parser)]
#[command(
    name = "psephos-verify",
    version,
    about = "Verify a Psephos election record, step by step"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The record file (JSON Lines, as exported by the server), or a round
    /// on a server: `http://HOST:PORT/api/v1/rounds/ROUND`.
    record: Option<String>,
    /// The `--json` report of an earlier run on this round: check that the
    /// board extends it and verify only the ballots it has not verified.
    #[arg(long)]
    since: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long, global = true)]
    json: bool,
    /// Verify every proof on its own (the reference path) instead of in batches.
    #[arg(long, global = true)]
    no_batch: bool,
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Is my ballot on the board and counted?
    Receipt {
        /// The receipt file the booth gave you.
        receipt: PathBuf,
        /// The record file, or the round's URL on a server.
        #[arg(long)]
        record: String,
    },
    /// Check an initiative's support log (verification.md §11).
    Support(psephos_verifier::support::SupportArgs),
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()?;
    }
    let since = match &cli.since {
        Some(p) => Some(Since::from_report_json(&std::fs::read(p)?)?),
        None => None,
    };
    let bar = (!cli.json && std::io::stderr().is_terminal()).then(progress_bar);
    let opts = Options {
        no_batch: cli.no_batch,
        progress: bar.clone().map(|b| {
            Progress(Arc::new(move |done, total| {
                b.set_length(total);
                b.set_position(done);
            }))
        }),
        since: since.clone(),
        ..Options::default()
    };
    match cli.command {
        Some(Command::Support(a)) => Ok(psephos_verifier::support::run_cli(&a, cli.json)),
        Some(Command::Receipt { receipt, record }) => {
            let text = std::fs::read(&receipt)?;
            let receipt: psephos_board::Receipt = serde_json::from_slice(&text)?;
            let Some(source) = open(&record, None)? else {
                return Ok(2);
            };
            let report = match check_receipt(source.as_ref(), &receipt, &opts) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(2);
                }
            };
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                let yes = |b: bool| if b { "✓" } else { "✗" };
                println!("{} receipt signed by the board", yes(report.receipt_valid));
                println!(
                    "{} ballot on the board at index {}",
                    yes(report.on_board),
                    receipt.index
                );
                println!(
                    "{} the final board extends the one the receipt shows",
                    yes(report.consistent)
                );
                println!("{} ballot counted", yes(report.counted));
                println!("{} record valid", yes(report.record.valid));
            }
            Ok(if report.ok() { 0 } else { 1 })
        }
        None => {
            let Some(input) = cli.record else {
                anyhow::bail!("give a record file or a round's URL (see --help)");
            };
            let report = match open(&input, since.as_ref()) {
                Ok(Some(source)) => verify(source.as_ref(), &opts),
                Ok(None) => return Ok(2),
                // The server's log does not extend the earlier one: invalid,
                // reported at step 4.2.
                Err(e) => match e.report() {
                    Some(r) => Ok(r),
                    None => {
                        eprintln!("psephos-verify: {e}");
                        return Ok(2);
                    }
                },
            };
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            let report = match report {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(2);
                }
            };
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.to_text());
            }
            Ok(if report.valid { 0 } else { 1 })
        }
    }
}

fn progress_bar() -> ProgressBar {
    let b = ProgressBar::new(0);
    b.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} entries {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// The record behind `input`: a file, or a round's board paged from a
/// server. `Ok(None)` when it cannot be read (exit code 2, message
/// printed); `Err` only when an earlier run's log is not a prefix of the
/// server's (exit code 1).
fn open(
    input: &str,
    since: Option<&Since>,
) -> Result<Option<Box<dyn RecordSource>>, psephos_verifier::url::FetchError> {
    if !is_url(input) {
        return Ok(Some(Box::new(FileSource(PathBuf::from(input)))));
    }
    match fetch(input, since) {
        Ok(s) => Ok(Some(Box::new(s))),
        Err(e @ psephos_verifier::url::FetchError::Inconsistent { .. }) => Err(e),
        Err(e) => {
            eprintln!("psephos-verify: {e}");
            Ok(None)
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("psephos-verify: {e:#}");
            ExitCode::from(2)
        }
    }
}
