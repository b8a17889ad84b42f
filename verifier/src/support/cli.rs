//! `psephos-verify support` (verification.md §11): the log from a file or
//! a server, the board key, the optional manifest, and the report.

#[cfg(feature = "cli")]
use psephos_board::BoardPublicKey;

#[cfg(feature = "cli")]
use super::{check_support_log, manifest_from, SupportOptions};

/// Fetches a proposal's log record and the server's board key from
/// `http://HOST:PORT/api/v1/initiatives/proposals/P` (the key is the
/// server's word: pass the key you trust instead where you have it).
pub fn fetch_log(url: &str) -> Result<(Vec<u8>, String), String> {
    let base = url.trim_end_matches('/');
    let root = base
        .find("/api/v1/")
        .map(|i| &base[..i])
        .ok_or("not a proposal URL")?;
    let http = reqwest::blocking::Client::new();
    let get = |u: String| -> Result<Vec<u8>, String> {
        let r = http.get(&u).send().map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("{u}: HTTP {}", r.status()));
        }
        r.bytes().map(|b| b.to_vec()).map_err(|e| e.to_string())
    };
    let record = get(format!("{base}/log/record"))?;
    let health: serde_json::Value =
        serde_json::from_slice(&get(format!("{root}/healthz"))?).map_err(|e| e.to_string())?;
    let key = health["board_key"]
        .as_str()
        .ok_or("no board_key in /healthz")?
        .to_string();
    Ok((record, key))
}

/// `psephos-verify support` arguments.
#[cfg(feature = "cli")]
#[derive(clap::Args, Debug)]
pub struct SupportArgs {
    /// The support log's record file, or the proposal on a server:
    /// `http://HOST:PORT/api/v1/initiatives/proposals/P`.
    pub log: String,
    /// The board's public key (hex); from a URL, `/healthz` gives it if absent.
    #[arg(long)]
    pub board_key: Option<String>,
    /// The AMV manifest (exact bytes), or an election record (check 11.8).
    #[arg(long)]
    pub manifest: Option<std::path::PathBuf>,
    /// List this member's entries.
    #[arg(long)]
    pub member: Option<String>,
}

/// Runs `psephos-verify support`; the exit code (0 valid, 1 invalid, 2 unreadable).
#[cfg(feature = "cli")]
pub fn run_cli(a: &SupportArgs, json: bool) -> u8 {
    let unreadable = |m: String| {
        eprintln!("psephos-verify: {m}");
        2
    };
    let (bytes, served_key) = if crate::url::is_url(&a.log) {
        match fetch_log(&a.log) {
            Ok((b, k)) => (b, Some(k)),
            Err(e) => return unreadable(e),
        }
    } else {
        match std::fs::read(&a.log) {
            Ok(b) => (b, None),
            Err(e) => return unreadable(format!("{}: {e}", a.log)),
        }
    };
    let Some(key_hex) = a.board_key.clone().or(served_key) else {
        return unreadable("give --board-key (the server's /healthz shows it)".into());
    };
    let key = match hex::decode(&key_hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(BoardPublicKey)
        .filter(|k| k.verifying_key().is_ok())
    {
        Some(k) => k,
        _ => return unreadable("the board key is not a valid Ed25519 key in hex".into()),
    };
    let manifest = match &a.manifest {
        None => None,
        Some(p) => match std::fs::read(p)
            .map_err(|e| e.to_string())
            .and_then(|b| manifest_from(&b))
        {
            Ok(m) => Some(m),
            Err(e) => return unreadable(format!("{}: {e}", p.display())),
        },
    };
    let opts = SupportOptions {
        manifest,
        member: a.member.clone(),
    };
    let report = check_support_log(&bytes[..], &key, &opts);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", report.to_text());
    }
    if report.valid {
        0
    } else {
        1
    }
}
