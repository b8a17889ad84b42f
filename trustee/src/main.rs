//! `psephos-trustee`: a trustee's steps of the key ceremony and the
//! decryption against the ballot server, with the secrets in a local
//! passphrase-encrypted vault; and `credentials`, the independent credential
//! authority (specs/server-api.md §6, §8).

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use psephos_crypto::record::CredentialList;
use psephos_trustee::client::Client;
use psephos_trustee::credentials::{issue, private_csv};
use psephos_trustee::roll::parse_roll;
use psephos_trustee::steps::Trustee;
use psephos_trustee::vault::KdfParams;
use rand_core::OsRng;
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "psephos-trustee",
    version,
    about = "Psephos trustee and credential-authority tool"
)]
struct Cli {
    /// Server base URL.
    #[arg(long, env = "PSEPHOS_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Bearer token (trustee token; officer token for `credentials --upload`).
    #[arg(long, env = "PSEPHOS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The vault file holding this trustee's secrets.
    #[arg(long, env = "PSEPHOS_VAULT", default_value = "trustee.vault")]
    vault: PathBuf,
    /// Read the vault passphrase from this file instead of a prompt.
    #[arg(long, env = "PSEPHOS_PASSPHRASE_FILE")]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the ceremony as this trustee sees it.
    Status,
    /// Phase 1: create the vault's secrets and announce the key.
    Announce,
    /// Phase 2: commitments and encrypted shares.
    Deal,
    /// Phase 3: check the shares received, post complaints (if any).
    Check,
    /// After the ceremony: keep only this trustee's share.
    Finish,
    /// After the tally: post the decryption share with proofs.
    Decrypt,
    /// Independent credential authority: make credentials offline.
    Credentials {
        /// Round id (for the booth links).
        #[arg(long)]
        round: String,
        /// Election id (hex); fetched from the server's manifest if absent.
        #[arg(long)]
        election_id: Option<String>,
        /// The roll CSV (member_id,email[,weight]).
        #[arg(long)]
        roll: PathBuf,
        /// Private CSV to write (codes and booth links; keep it secret).
        #[arg(long)]
        out: PathBuf,
        /// Public list JSON to write.
        #[arg(long)]
        public_out: Option<PathBuf>,
        /// Booth base URL for the links [default: the server URL].
        #[arg(long)]
        booth_url: Option<String>,
        /// Upload the public list with the (officer) token.
        #[arg(long)]
        upload: bool,
    },
}

fn passphrase(file: &Option<PathBuf>) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    if let Some(p) = file {
        let text = Zeroizing::new(std::fs::read_to_string(p).context("passphrase file")?);
        return Ok(Zeroizing::new(
            text.trim_end_matches(['\r', '\n']).as_bytes().to_vec(),
        ));
    }
    let typed = Zeroizing::new(rpassword::prompt_password("Vault passphrase: ")?);
    if typed.len() < 8 {
        bail!("the passphrase must have at least 8 characters");
    }
    Ok(Zeroizing::new(typed.as_bytes().to_vec()))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let base = Client::new(&cli.server)?;
    let client = match &cli.token {
        Some(t) => base.with_token(t),
        None => base.clone(),
    };
    if let Command::Credentials {
        round,
        election_id,
        roll,
        out,
        public_out,
        booth_url,
        upload,
    } = &cli.command
    {
        let id: [u8; 32] = match election_id {
            Some(h) => hex::decode(h)
                .ok()
                .and_then(|v| v.try_into().ok())
                .context("election id must be 64 hex digits")?,
            None => {
                let (_, bytes) = client.manifest(round).await?;
                psephos_crypto::record::Manifest::election_id_of(&bytes)
            }
        };
        let text = std::fs::read_to_string(roll).context("roll file")?;
        let members = match parse_roll(&text) {
            Ok(m) => m,
            Err(e) => {
                for l in e.lines() {
                    eprintln!("line {}: {}", l.line, l.message);
                }
                bail!("{e}");
            }
        };
        let (issued, list): (_, CredentialList) = issue(&id, &members, &mut OsRng);
        let booth = booth_url.clone().unwrap_or_else(|| cli.server.clone());
        let csv = Zeroizing::new(private_csv(&issued, &booth, round));
        std::fs::write(out, csv.as_bytes()).context("private CSV")?;
        if let Some(p) = public_out {
            std::fs::write(p, serde_json::to_vec(&list)?).context("public list")?;
        }
        if *upload {
            client.upload_credentials(round, &list).await?;
        }
        println!(
            "{} credentials made; private CSV in {}{}",
            list.credentials.len(),
            out.display(),
            if *upload {
                "; public list uploaded"
            } else {
                ""
            }
        );
        return Ok(());
    }
    let trustee = Trustee {
        client,
        vault: cli.vault.clone(),
        passphrase: if matches!(cli.command, Command::Status) {
            Zeroizing::new(Vec::new())
        } else {
            passphrase(&cli.passphrase_file)?
        },
        kdf: KdfParams::default(),
    };
    match cli.command {
        Command::Status => {
            let v = trustee.client.ceremony().await?;
            println!(
                "trustee {:?} of {} (threshold {}), phase {:?}, {} announcements, {} dealings, complaints from {:?}",
                v.you,
                v.parameters.trustees,
                v.parameters.threshold,
                v.phase,
                v.announcements.len(),
                v.commitments.len(),
                v.complaints_from
            );
        }
        Command::Announce => {
            let v = trustee.announce().await?;
            println!(
                "announced; {} of {} trustees so far",
                v.announcements.len(),
                v.parameters.trustees
            );
        }
        Command::Deal => {
            let v = trustee.deal().await?;
            println!(
                "dealt; {} of {} dealers so far",
                v.commitments.len(),
                v.parameters.trustees
            );
        }
        Command::Check => {
            let n = trustee.check().await?;
            println!("shares checked; {n} complaint(s) posted");
        }
        Command::Finish => {
            let j = trustee.finish().await?;
            println!("trustee {j}: share kept in {}", cli.vault.display());
        }
        Command::Decrypt => {
            let a = trustee.decrypt().await?;
            println!(
                "decryption share of trustee {} on the board at index {}",
                a.trustee, a.index
            );
        }
        Command::Credentials { .. } => {}
    }
    Ok(())
}
