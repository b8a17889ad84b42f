//! The support-log check of member initiatives (verification.md §11,
//! initiatives.md §5–§8): the log read as a board record under the board
//! key (11.1), then replayed entry by entry with the counting rule of
//! `psephos_crypto::record::support` — the very code the server applies
//! before each append — and every failure named by its check number and
//! log index. It proves the log's internal consistency and the threshold;
//! it cannot prove that the named members really supported (§8).

use std::io::BufRead;

use psephos_board::record::RecordReader;
use psephos_board::{BoardPublicKey, Entry};
use psephos_crypto::record::manifest::{Question, QuestionKind};
use psephos_crypto::record::support::{
    binding_trailer, log_id, OfficerAction, SupportEntry, SupportError, SupportState,
};
use psephos_crypto::record::Manifest;
use serde::Serialize;

use crate::report::Failure;

/// Largest support-log entry read (a roll part of 5,000 long ids fits).
pub const MAX_ENTRY: usize = 4 << 20;

/// What to check besides the log itself.
#[derive(Clone, Debug, Default)]
pub struct SupportOptions {
    /// The AMV manifest, for 11.8.
    pub manifest: Option<Manifest>,
    /// A member whose entries to list.
    pub member: Option<String>,
}

/// One entry of the listed member.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MemberEntry {
    /// Log index.
    pub index: u64,
    /// `support.add` or `support.withdraw`.
    pub kind: String,
    /// Version named.
    pub version: u64,
    /// Time recorded.
    pub at: u64,
}

/// The officers' action as found (11.9).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OfficerReport {
    /// AMV round id.
    pub round: String,
    /// Deadline.
    pub deadline: u64,
    /// `scheduled`, `declined` or `none`.
    pub action: String,
    /// True if acted by the deadline.
    pub in_time: bool,
}

/// The result of a support-log check.
#[derive(Clone, Debug, Serialize)]
pub struct SupportReport {
    /// True when every check passed.
    pub valid: bool,
    /// Proposal id, from `support.open`.
    pub proposal: Option<String>,
    /// Entries read.
    pub size: u64,
    /// Members on the roll snapshot.
    pub roll_size: u64,
    /// Supporters required.
    pub required: u64,
    /// Supporters counted (of the frozen version, else the current one).
    pub count: u64,
    /// Version counted.
    pub version: u64,
    /// The freeze: version, hex text hash, index of the deciding add.
    pub frozen: Option<(u64, String, u64)>,
    /// The AMV and officers.
    pub officers: Option<OfficerReport>,
    /// True if the manifest's binding was checked (11.8).
    pub manifest_checked: bool,
    /// The version of this unfrozen proposal the manifest carries as a
    /// competing alternative (11.8, initiatives.md §7.1).
    pub alternative_bound: Option<u64>,
    /// The listed member's entries.
    pub member_entries: Vec<MemberEntry>,
    /// Every failure.
    pub failures: Vec<Failure>,
}

/// The version and hex text hash an option trailer of a
/// `systemic_consensus` or `ranked` question binds to `proposal`, if the
/// question has an option `proposal` and its description such a trailer
/// (initiatives.md §7.1).
fn option_binding(q: &Question, proposal: &str) -> Option<(u64, String)> {
    let kind_ok = matches!(
        q.kind,
        QuestionKind::SystemicConsensus { .. } | QuestionKind::Ranked { .. }
    );
    if !kind_ok || !q.options.iter().any(|o| o.id == proposal) {
        return None;
    }
    let marker = format!("\n\n---\npsephos-initiative-option: {proposal} v");
    q.description.values().find_map(|d| {
        let rest = &d[d.find(&marker)? + marker.len()..];
        let (version, rest) = rest.split_once(" sha256:")?;
        let hash = rest.get(..64)?;
        let ok = version.bytes().all(|b| b.is_ascii_digit())
            && hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && rest[64..].starts_with('\n');
        if !ok {
            return None;
        }
        Some((version.parse().ok()?, hash.to_string()))
    })
}

/// 11.8: the manifest carries the frozen text's hash, as the `yes_no`
/// binding trailer or as an option trailer; or, for an unfrozen log, the
/// manifest carries this proposal as an alternative at its current
/// version. Answers the alternative's version, if that.
fn check_binding(
    m: &Manifest,
    state: &SupportState,
    proposal: Option<&String>,
    failures: &mut Vec<Failure>,
) -> Option<u64> {
    let Some(p) = proposal else {
        failures.push(simple("11.8", None, "the log has no support.open"));
        return None;
    };
    let bound = m.questions.iter().find_map(|q| option_binding(q, p));
    match (&state.freeze, bound) {
        (Some((f, _)), bound) => {
            let trailer = binding_trailer(p, f.version, &f.text_hash);
            let as_yes_no = m
                .questions
                .iter()
                .any(|q| q.description.values().any(|d| d.ends_with(&trailer)));
            if !as_yes_no && bound != Some((f.version, hex::encode(f.text_hash))) {
                failures.push(simple(
                    "11.8",
                    None,
                    format!(
                        "no question of {} carries the binding trailer of {p} v{}",
                        m.election, f.version
                    ),
                ));
            }
            None
        }
        (None, Some((v, hash))) => {
            let cur = state.current_version();
            let on_log = (cur > 0).then(|| hex::encode(state.versions[(cur - 1) as usize]));
            if v != cur || on_log.as_deref() != Some(hash.as_str()) {
                failures.push(simple(
                    "11.8",
                    None,
                    format!(
                        "{} carries {p} v{v} sha256:{hash}, not the log's current version {cur}",
                        m.election
                    ),
                ));
            }
            Some(v)
        }
        (None, None) => {
            failures.push(simple(
                "11.8",
                None,
                "the log is not frozen and no AMV option carries it: nothing to bind",
            ));
            None
        }
    }
}

fn step_of(code: &str, state: &SupportState) -> &'static str {
    match code {
        _ if state.open.is_none() => "11.2",
        "support.roll_hash" => "11.3",
        "support.order" if state.versions.is_empty() => "11.3",
        "member.unknown"
        | "support.seq"
        | "support.wrong_version"
        | "support.duplicate"
        | "support.not_supporting" => "11.5",
        "support.freeze" => "11.7",
        _ => "11.4",
    }
}

fn fail(step: &str, index: Option<u64>, e: &SupportError) -> Failure {
    Failure {
        step: step.to_string(),
        index,
        tracking_code: None,
        code: Some(e.code.to_string()),
        message: e.message.clone(),
    }
}

fn simple(step: &str, index: Option<u64>, message: impl Into<String>) -> Failure {
    Failure {
        index,
        ..Failure::new(step, message)
    }
}

/// Checks a support log record file (verification.md §11).
pub fn check_support_log<R: BufRead>(
    r: R,
    key: &BoardPublicKey,
    opts: &SupportOptions,
) -> SupportReport {
    let mut failures = Vec::new();
    let mut state = SupportState::default();
    let mut members = Vec::new();
    let mut election = None;
    let mut stopped = false;
    match RecordReader::new(r, key, MAX_ENTRY) {
        Err(e) => failures.push(simple("11.1", None, e.to_string())),
        Ok(mut reader) => {
            election = Some(reader.header().election);
            loop {
                let le = match reader.next_entry() {
                    Ok(Some(le)) => le,
                    Ok(None) => break,
                    Err(e) => {
                        failures.push(simple("11.1", None, e.to_string()));
                        break;
                    }
                };
                if stopped {
                    continue;
                }
                let i = le.index;
                let parsed = SupportEntry::parse(le.entry.kind(), le.entry.payload());
                let res = parsed.and_then(|e| state.apply(i, &e).map(|_| e));
                match res {
                    Ok(e) => note_member(&e, i, opts.member.as_deref(), &mut members),
                    Err(e) => {
                        failures.push(fail(step_of(e.code, &state), Some(i), &e));
                        failures.push(simple(
                            "11.4",
                            Some(i),
                            "replay stopped: later entries depend on this one",
                        ));
                        stopped = true;
                    }
                }
            }
        }
    }
    finish(state, election, opts, members, failures)
}

fn note_member(e: &SupportEntry, index: u64, who: Option<&str>, out: &mut Vec<MemberEntry>) {
    let (kind, m, version, at) = match e {
        SupportEntry::Add(a) => ("support.add", &a.member, a.version, a.at),
        SupportEntry::Withdraw(w) => ("support.withdraw", &w.member, w.version, w.at),
        _ => return,
    };
    if Some(m.as_str()) == who {
        out.push(MemberEntry {
            index,
            kind: kind.into(),
            version,
            at,
        });
    }
}

fn finish(
    state: SupportState,
    election: Option<psephos_board::ElectionId>,
    opts: &SupportOptions,
    member_entries: Vec<MemberEntry>,
    mut failures: Vec<Failure>,
) -> SupportReport {
    let proposal = state.open.as_ref().map(|o| o.proposal.clone());
    match (&proposal, election) {
        (Some(p), Some(e)) if e.0 != log_id(p) => failures.push(simple(
            "11.2",
            Some(0),
            "the log id is not SHA-256(\"psephos-support-log-v1\" 0x00 || proposal)",
        )),
        (None, Some(_)) if failures.is_empty() => {
            failures.push(simple("11.2", None, "the log has no support.open"))
        }
        _ => {}
    }
    if let Some(i) = state.freeze_due() {
        failures.push(simple(
            "11.7",
            Some(i),
            "the threshold was reached here but no support.freeze follows",
        ));
    }
    let frozen = state
        .freeze
        .as_ref()
        .map(|(f, _)| (f.version, hex::encode(f.text_hash), f.at_index));
    let version = frozen.as_ref().map_or(state.current_version(), |f| f.0);
    let mut manifest_checked = false;
    let mut alternative_bound = None;
    if let Some(m) = &opts.manifest {
        manifest_checked = true;
        alternative_bound = check_binding(m, &state, proposal.as_ref(), &mut failures);
    }
    let officers = state.amv.as_ref().map(|a| {
        let deadline = state.deadline().unwrap_or(0);
        if a.deadline != deadline {
            failures.push(simple(
                "11.9",
                None,
                format!(
                    "support.amv deadline {} differs from freeze + officer_days ({deadline})",
                    a.deadline
                ),
            ));
        }
        let (action, in_time) = match &state.officer {
            Some(o) if o.action == OfficerAction::Scheduled => ("scheduled", o.at <= deadline),
            Some(o) => ("declined", o.at <= deadline),
            None => ("none", false),
        };
        OfficerReport {
            round: a.round.clone(),
            deadline,
            action: action.into(),
            in_time,
        }
    });
    SupportReport {
        valid: failures.is_empty(),
        proposal,
        size: state.size,
        roll_size: state.roll.len() as u64,
        required: state.required(),
        count: state.counts.get(&version).copied().unwrap_or(0),
        version,
        frozen,
        officers,
        manifest_checked,
        alternative_bound,
        member_entries,
        failures,
    }
}

/// A manifest from its exact bytes, or from an election record whose
/// entry 0 is the manifest.
pub fn manifest_from(bytes: &[u8]) -> Result<Manifest, String> {
    if let Ok(m) = Manifest::parse(bytes) {
        return Ok(m);
    }
    #[derive(serde::Deserialize)]
    struct Line {
        index: u64,
        entry: Entry,
    }
    let second = bytes
        .split(|b| *b == b'\n')
        .nth(1)
        .ok_or("neither a manifest nor a record")?;
    let line: Line = serde_json::from_slice(second).map_err(|e| e.to_string())?;
    if line.index != 0 {
        return Err("the record's first entry is not index 0".into());
    }
    Manifest::parse(line.entry.payload()).map_err(|e| e.to_string())
}

impl SupportReport {
    /// The report for people: each check with ✓ or its failures.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let p = self.proposal.as_deref().unwrap_or("?");
        let _ = writeln!(
            s,
            "support log of {p}: {} entries, roll of {}",
            self.size, self.roll_size
        );
        for (step, what) in [
            ("11.1", "record, roots and checkpoint signatures"),
            ("11.2", "support.open and log id"),
            ("11.3", "roll snapshot"),
            ("11.4", "entries canonical and in order"),
            ("11.5", "supporters on the roll, seq, versions"),
            ("11.6", "count, no member twice"),
            ("11.7", "threshold and freeze"),
            ("11.8", "AMV manifest carries the frozen text's hash"),
            ("11.9", "AMV deadline and officers"),
        ] {
            let fs: Vec<&Failure> = self.failures.iter().filter(|f| f.step == step).collect();
            if step == "11.8" && !self.manifest_checked {
                let _ = writeln!(s, "- {step} {what}: not checked (no --manifest)");
            } else if fs.is_empty() {
                let _ = writeln!(s, "✓ {step} {what}");
            }
            for f in fs {
                let at = f
                    .index
                    .map(|i| format!(" at index {i}"))
                    .unwrap_or_default();
                let code = f
                    .code
                    .as_deref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default();
                let _ = writeln!(s, "✗ {step} {what}{at}{code}: {}", f.message);
            }
        }
        let _ = writeln!(
            s,
            "supporters of version {}: {} of {} required",
            self.version, self.count, self.required
        );
        if let Some((v, h, i)) = &self.frozen {
            let _ = writeln!(
                s,
                "frozen at version {v} (text sha256 {h}) by the support at index {i}"
            );
        }
        if let Some(o) = &self.officers {
            let _ = writeln!(
                s,
                "AMV round {}: officers' deadline {}, action {}{}",
                o.round,
                o.deadline,
                o.action,
                if o.in_time { " (in time)" } else { "" }
            );
        }
        if let Some(v) = self.alternative_bound {
            let _ = writeln!(
                s,
                "the AMV manifest carries version {v} of this unfrozen proposal as an alternative"
            );
        }
        for e in &self.member_entries {
            let _ = writeln!(
                s,
                "  {} {} version {} at {}",
                e.index, e.kind, e.version, e.at
            );
        }
        let _ = writeln!(
            s,
            "{}",
            if self.valid {
                "support log valid"
            } else {
                "support log INVALID"
            }
        );
        s
    }
}

/// Fetches a proposal's log record and the server's board key from
/// `http://HOST:PORT/api/v1/initiatives/proposals/P` (the key is the
/// server's word: pass the key you trust instead where you have it).
#[cfg(feature = "net")]
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
