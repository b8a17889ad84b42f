//! `psephos-verify`: check an election record, or a voter's receipt.
//!
//! Exit codes: 0 the record (or receipt) is valid, 1 it is not, 2 the input
//! could not be read.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use psephos_verifier::receipt::check_receipt;
use psephos_verifier::{verify, FileSource, Options};

#[derive(Parser)]
#[command(
    name = "psephos-verify",
    version,
    about = "Verify a Psephos election record, step by step"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The record file (JSON Lines, as exported by the server).
    record: Option<PathBuf>,
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
        /// The record file.
        #[arg(long)]
        record: PathBuf,
    },
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()?;
    }
    let opts = Options {
        no_batch: cli.no_batch,
        progress: !cli.json,
        ..Options::default()
    };
    match cli.command {
        Some(Command::Receipt { receipt, record }) => {
            let text = std::fs::read(&receipt)?;
            let receipt: psephos_board::Receipt = serde_json::from_slice(&text)?;
            let report = match check_receipt(&FileSource(record), &receipt, &opts) {
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
            let Some(path) = cli.record else {
                anyhow::bail!("give a record file (see --help)");
            };
            let report = match verify(&FileSource(path), &opts) {
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

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("psephos-verify: {e:#}");
            ExitCode::from(2)
        }
    }
}
