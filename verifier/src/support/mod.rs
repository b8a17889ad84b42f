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
    log_id, OfficerAction, SupportEntry, SupportError, SupportState, Trailer,
};
use psephos_crypto::record::Manifest;
use serde::Serialize;

use crate::report::Failure;

#[cfg(feature = "net")]
mod cli;
mod text;

#[cfg(feature = "net")]
pub use cli::fetch_log;
#[cfg(feature = "cli")]
pub use cli::{run_cli, SupportArgs};

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
    /// `support.add`, `support.withdraw`, or `support.roll-add` (the
    /// member joined the log's roll there).
    pub kind: String,
    /// Version named (0 for a `support.roll-add`).
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
    /// Members on the roll snapshot the log opened with.
    pub roll_size: u64,
    /// Members added to the log's roll since (`support.roll-add`).
    pub roll_added: u64,
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
/// (initiatives.md §7.1, read by `support::trailer`, the writer's own code).
fn option_binding(q: &Question, proposal: &str) -> Option<(u64, String)> {
    let kind_ok = matches!(
        q.kind,
        QuestionKind::SystemicConsensus { .. } | QuestionKind::Ranked { .. }
    );
    if !kind_ok || !q.options.iter().any(|o| o.id == proposal) {
        return None;
    }
    q.description
        .values()
        .find_map(|d| Trailer::option_of(d, proposal))
        .map(|t| (t.version, hex::encode(t.text_hash)))
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
            let as_yes_no = m.questions.iter().any(|q| {
                q.description.values().any(|d| {
                    Trailer::binding_at_end(d).is_some_and(|t| {
                        t.proposal == *p && t.version == f.version && t.text_hash == f.text_hash
                    })
                })
            });
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
        "support.roll_hash" | "support.roll_add" => "11.3",
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
        SupportEntry::RollAdd(r) => match who.and_then(|w| r.members.iter().find(|m| *m == w)) {
            Some(m) => ("support.roll-add", m, 0, r.at),
            None => return,
        },
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
        roll_size: state.open.as_ref().map_or(0, |o| o.roll_size),
        roll_added: state.roll_added,
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
