//! Support logs of member initiatives (spec `initiatives.md` §5): the
//! entries, their canonical JSON, the hashes with their domain labels, and
//! [`SupportState`], the counting rule (§5.3) that the server applies
//! before every append and the verifier replays (verification.md §11).
//! One implementation for both.
//!
//! The entry types and their encoding are here; [`SupportState`] is in
//! `state`, the AMV description's trailers (§7.1) in [`trailer`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::encoding;

mod state;
#[cfg(test)]
mod tests;
pub mod trailer;

pub use state::SupportState;
pub use trailer::{binding_trailer, option_trailer, Trailer, TrailerKind};

/// Label of the support log id (§5.1).
pub const LOG_LABEL: &[u8] = b"psephos-support-log-v1\0";
/// Label of the roll hash (§5.2).
pub const ROLL_LABEL: &[u8] = b"psephos-support-roll-v1\0";
/// Label of a version's text hash (§3.2).
pub const TEXT_LABEL: &[u8] = b"psephos-initiative-text-v1\0";
/// Most member ids in one `support.roll` part (§5.2).
pub const ROLL_PART: usize = 5000;

/// Entry kinds (§5.2).
pub mod kind {
    /// `support.open`.
    pub const OPEN: &str = "support.open";
    /// `support.roll`.
    pub const ROLL: &str = "support.roll";
    /// `support.roll-add`: members who joined after the log opened.
    pub const ROLL_ADD: &str = "support.roll-add";
    /// `support.version`.
    pub const VERSION: &str = "support.version";
    /// `support.add`.
    pub const ADD: &str = "support.add";
    /// `support.withdraw`.
    pub const WITHDRAW: &str = "support.withdraw";
    /// `support.freeze`.
    pub const FREEZE: &str = "support.freeze";
    /// `support.amv`.
    pub const AMV: &str = "support.amv";
    /// `support.officer`.
    pub const OFFICER: &str = "support.officer";
}

/// A support-log error with a stable code (initiatives.md §9).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct SupportError {
    /// Stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> SupportError {
    SupportError {
        code,
        message: message.into(),
    }
}

/// Result alias of this module.
pub type Result<T, E = SupportError> = core::result::Result<T, E>;

/// The 32-byte board log id of proposal `proposal`'s support log (§5.1).
pub fn log_id(proposal: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(LOG_LABEL);
    h.update(proposal.as_bytes());
    h.finalize().into()
}

/// The text hash of a version's canonical bytes (§3.2).
pub fn text_hash(version_bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(TEXT_LABEL);
    h.update(version_bytes);
    h.finalize().into()
}

/// Incremental roll hash (§5.2): feed ids in ascending order.
#[derive(Clone)]
pub struct RollHasher(Sha256);

impl core::fmt::Debug for RollHasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RollHasher")
    }
}

impl Default for RollHasher {
    fn default() -> Self {
        let mut h = Sha256::new();
        h.update(ROLL_LABEL);
        RollHasher(h)
    }
}

impl RollHasher {
    /// Adds one member id.
    pub fn push(&mut self, id: &str) {
        self.0.update((id.len() as u32).to_be_bytes());
        self.0.update(id.as_bytes());
    }

    /// The hash of the ids pushed.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The roll hash of ids already in ascending order.
pub fn roll_hash<'a>(ids: impl IntoIterator<Item = &'a str>) -> [u8; 32] {
    let mut h = RollHasher::default();
    ids.into_iter().for_each(|i| h.push(i));
    h.finish()
}

/// A member id as the roll allows it: 1–128 bytes, no control character,
/// no comma (server-api.md §5).
pub fn member_id_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.chars().all(|c| !c.is_control() && c != ',')
}

/// The threshold rule of an area (§3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Threshold {
    /// An absolute number of supporters, at least 1.
    Absolute(u64),
    /// A share of the roll in basis points, 1..=10000.
    ShareBp(u64),
}

impl Threshold {
    /// True if the parameter is in range.
    pub fn is_valid(&self) -> bool {
        match *self {
            Threshold::Absolute(n) => (1..=1 << 40).contains(&n),
            Threshold::ShareBp(b) => (1..=10_000).contains(&b),
        }
    }

    /// Supporters required on a roll of `roll_size` members (§5.2).
    pub fn required(&self, roll_size: u64) -> u64 {
        match *self {
            Threshold::Absolute(n) => n,
            Threshold::ShareBp(b) => {
                let num = roll_size as u128 * b as u128;
                (num.div_ceil(10_000) as u64).max(1)
            }
        }
    }
}

/// `support.open` (index 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open {
    /// Format version.
    pub spec_version: u32,
    /// Proposal id.
    pub proposal: String,
    /// Area id.
    pub area: String,
    /// Threshold rule in force at publication.
    pub threshold: Threshold,
    /// Supporters required.
    pub required: u64,
    /// Members on the roll snapshot.
    pub roll_size: u64,
    /// Roll hash.
    #[serde(with = "encoding::bytes32")]
    pub roll_hash: [u8; 32],
    /// Officers' deadline after the freeze, in days.
    pub officer_days: u64,
    /// Publication time.
    pub opened_at: u64,
}

/// `support.roll`: part `part` of the roll snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollPart {
    /// Part number, from 0.
    pub part: u64,
    /// Member ids, strictly ascending.
    pub members: Vec<String>,
}

/// `support.roll-add`: member ids added to the log's roll after it opened
/// (§5.2): strictly ascending, 1 to [`ROLL_PART`] of them, none on the
/// log's roll before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollAdd {
    /// Member ids, strictly ascending.
    pub members: Vec<String>,
    /// When.
    pub at: u64,
}

/// `support.version`: version `version` with its text hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionEntry {
    /// Version number.
    pub version: u64,
    /// Text hash (§3.2).
    #[serde(with = "encoding::bytes32")]
    pub text_hash: [u8; 32],
    /// When.
    pub at: u64,
}

/// `support.add`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Add {
    /// Member id.
    pub member: String,
    /// Version supported.
    pub version: u64,
    /// Its text hash.
    #[serde(with = "encoding::bytes32")]
    pub text_hash: [u8; 32],
    /// The member's entry count on this log.
    pub seq: u64,
    /// When.
    pub at: u64,
}

/// `support.withdraw`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdraw {
    /// Member id.
    pub member: String,
    /// Version whose support is withdrawn.
    pub version: u64,
    /// The member's entry count on this log.
    pub seq: u64,
    /// When.
    pub at: u64,
}

/// `support.freeze`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Freeze {
    /// Frozen version.
    pub version: u64,
    /// Its text hash.
    #[serde(with = "encoding::bytes32")]
    pub text_hash: [u8; 32],
    /// Supporters counted.
    pub count: u64,
    /// Index of the add that reached the threshold.
    pub at_index: u64,
    /// When.
    pub at: u64,
}

/// `support.amv`: the round draft made for the officers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amv {
    /// Round id.
    pub round: String,
    /// Officers' deadline.
    pub deadline: u64,
    /// When.
    pub at: u64,
}

/// What the officers did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficerAction {
    /// The round was scheduled.
    Scheduled,
    /// Declined with a public reason.
    Declined,
}

/// `support.officer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// Action.
    pub action: OfficerAction,
    /// Round scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<String>,
    /// Public reason of a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When.
    pub at: u64,
}

/// One support-log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SupportEntry {
    /// `support.open`.
    Open(Open),
    /// `support.roll`.
    Roll(RollPart),
    /// `support.roll-add`.
    RollAdd(RollAdd),
    /// `support.version`.
    Version(VersionEntry),
    /// `support.add`.
    Add(Add),
    /// `support.withdraw`.
    Withdraw(Withdraw),
    /// `support.freeze`.
    Freeze(Freeze),
    /// `support.amv`.
    Amv(Amv),
    /// `support.officer`.
    Officer(Officer),
}

fn parse_canonical<T: Serialize + DeserializeOwned>(payload: &[u8]) -> Result<T> {
    let v: T =
        serde_json::from_slice(payload).map_err(|e| err("support.malformed", e.to_string()))?;
    let again = serde_json::to_vec(&v).map_err(|e| err("support.malformed", e.to_string()))?;
    if again != payload {
        return Err(err(
            "support.not_canonical",
            "payload is not canonical JSON",
        ));
    }
    Ok(v)
}

impl SupportEntry {
    /// The board entry kind.
    pub fn kind(&self) -> &'static str {
        match self {
            SupportEntry::Open(_) => kind::OPEN,
            SupportEntry::Roll(_) => kind::ROLL,
            SupportEntry::RollAdd(_) => kind::ROLL_ADD,
            SupportEntry::Version(_) => kind::VERSION,
            SupportEntry::Add(_) => kind::ADD,
            SupportEntry::Withdraw(_) => kind::WITHDRAW,
            SupportEntry::Freeze(_) => kind::FREEZE,
            SupportEntry::Amv(_) => kind::AMV,
            SupportEntry::Officer(_) => kind::OFFICER,
        }
    }

    /// The canonical JSON payload.
    pub fn payload(&self) -> Vec<u8> {
        let r = match self {
            SupportEntry::Open(v) => serde_json::to_vec(v),
            SupportEntry::Roll(v) => serde_json::to_vec(v),
            SupportEntry::RollAdd(v) => serde_json::to_vec(v),
            SupportEntry::Version(v) => serde_json::to_vec(v),
            SupportEntry::Add(v) => serde_json::to_vec(v),
            SupportEntry::Withdraw(v) => serde_json::to_vec(v),
            SupportEntry::Freeze(v) => serde_json::to_vec(v),
            SupportEntry::Amv(v) => serde_json::to_vec(v),
            SupportEntry::Officer(v) => serde_json::to_vec(v),
        };
        r.expect("plain structs always serialize")
    }

    /// Parses a board entry's kind and payload, refusing unknown kinds and
    /// non-canonical payloads.
    pub fn parse(kind: &str, payload: &[u8]) -> Result<Self> {
        Ok(match kind {
            kind::OPEN => SupportEntry::Open(parse_canonical(payload)?),
            kind::ROLL => SupportEntry::Roll(parse_canonical(payload)?),
            kind::ROLL_ADD => SupportEntry::RollAdd(parse_canonical(payload)?),
            kind::VERSION => SupportEntry::Version(parse_canonical(payload)?),
            kind::ADD => SupportEntry::Add(parse_canonical(payload)?),
            kind::WITHDRAW => SupportEntry::Withdraw(parse_canonical(payload)?),
            kind::FREEZE => SupportEntry::Freeze(parse_canonical(payload)?),
            kind::AMV => SupportEntry::Amv(parse_canonical(payload)?),
            kind::OFFICER => SupportEntry::Officer(parse_canonical(payload)?),
            other => return Err(err("support.unknown_kind", format!("kind {other:?}"))),
        })
    }
}

/// The roll parts of a sorted, deduplicated roll (§5.2).
pub fn roll_parts(ids: &[String]) -> Vec<RollPart> {
    ids.chunks(ROLL_PART)
        .enumerate()
        .map(|(i, c)| RollPart {
            part: i as u64,
            members: c.to_vec(),
        })
        .collect()
}

/// The `support.roll-add` entries that bring `roll` (the log's roll so far)
/// up to date with the member ids `ids` (§5.2): the ids not on it, sorted
/// and deduplicated, at most [`ROLL_PART`] per entry. Empty when nothing
/// is new.
pub fn roll_adds<'a>(
    roll: &std::collections::BTreeSet<String>,
    ids: impl IntoIterator<Item = &'a str>,
    at: u64,
) -> Vec<RollAdd> {
    let new: std::collections::BTreeSet<&str> =
        ids.into_iter().filter(|i| !roll.contains(*i)).collect();
    let new: Vec<String> = new.into_iter().map(str::to_string).collect();
    new.chunks(ROLL_PART)
        .map(|c| RollAdd {
            members: c.to_vec(),
            at,
        })
        .collect()
}
