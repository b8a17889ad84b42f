//! The initiatives' documents and wire types (specs/initiatives.md §3,
//! §6, §7): settings, proposals, canonical versions, amendments, comments
//! and the public views. Every input is checked here before anything is
//! stored.

use psephos_crypto::record::support::{text_hash, Threshold};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorClass, Result, ServerError};

/// Absolute ceiling of a body, in bytes (§3.1): room is left for the
/// binding trailer within the manifest's 100,000-byte text limit (§7.1).
pub const MAX_BODY: usize = 99_000;
/// Title limit, in characters.
pub const MAX_TITLE: usize = 200;
/// Summary limit, in characters.
pub const MAX_SUMMARY: usize = 2_000;
/// Comment limit, in characters.
pub const MAX_COMMENT: usize = 10_000;
/// Reason limit (rejections, refusals, moderation), in characters.
pub const MAX_REASON: usize = 2_000;

/// One area of the configurable list (§3.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// Stable id, 1–64 of `[a-z0-9-]`.
    pub id: String,
    /// Label.
    pub title: String,
    /// Supporters needed.
    pub threshold: Threshold,
}

fn default_days() -> u64 {
    30
}

fn default_body() -> usize {
    MAX_BODY
}

/// Settings (§3.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The areas.
    pub areas: Vec<Area>,
    /// Officers' deadline after a freeze, in days.
    #[serde(default = "default_days")]
    pub officer_days: u64,
    /// Body limit in bytes.
    #[serde(default = "default_body")]
    pub max_body: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            areas: Vec::new(),
            officer_days: default_days(),
            max_body: default_body(),
        }
    }
}

fn bad_settings(m: impl Into<String>) -> ServerError {
    ServerError::invalid("initiatives.settings", m)
}

impl Settings {
    /// Checks every rule of §3.6.
    pub fn check(&self) -> Result<()> {
        if self.areas.is_empty() || self.areas.len() > 100 {
            return Err(bad_settings("1 to 100 areas"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.areas {
            let id_ok = !a.id.is_empty()
                && a.id.len() <= 64
                && a.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !id_ok || !seen.insert(&a.id) {
                return Err(bad_settings(format!("bad or repeated area id {:?}", a.id)));
            }
            if a.title.trim().is_empty() || a.title.chars().count() > MAX_TITLE {
                return Err(bad_settings(format!("area {:?}: title", a.id)));
            }
            if !a.threshold.is_valid() {
                return Err(bad_settings(format!("area {:?}: threshold", a.id)));
            }
        }
        if !(1..=365).contains(&self.officer_days) {
            return Err(bad_settings("officer_days must be 1..=365"));
        }
        if !(1..=MAX_BODY).contains(&self.max_body) {
            return Err(bad_settings(format!("max_body must be 1..={MAX_BODY}")));
        }
        Ok(())
    }

    /// The area `id`, or `area.unknown`.
    pub fn area(&self, id: &str) -> Result<&Area> {
        self.areas
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ServerError::invalid("area.unknown", format!("no area {id:?}")))
    }
}

/// How the AMV decides (§3.1, §7.1), chosen by the author while drafting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Yes / no / abstain on the proposal alone.
    #[default]
    YesNo,
    /// Systemic consensus over the status quo, the proposal and its
    /// alternatives.
    SystemicConsensus,
    /// A ranked ballot over the same options, the status quo as default.
    Ranked,
}

impl Decision {
    /// True for the kinds that take competing alternatives.
    pub fn has_alternatives(self) -> bool {
        self != Decision::YesNo
    }
}

/// What an author writes (§3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Full text, Markdown.
    pub body: String,
    /// Area id.
    pub area: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Decision kind.
    #[serde(default)]
    pub decision: Decision,
    /// The main proposal this one is an alternative to (§7.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_to: Option<String>,
}

fn invalid(m: impl Into<String>) -> ServerError {
    ServerError::invalid("proposal.invalid", m)
}

/// Checks a title, summary and body against §3.1 and §4.
pub fn check_text(title: &str, summary: &str, body: &str, max_body: usize) -> Result<()> {
    if body.len() > max_body {
        return Err(ServerError::new(
            ErrorClass::TooLarge,
            "proposal.too_large",
            format!(
                "the body is {} bytes, over the limit of {max_body}",
                body.len()
            ),
        ));
    }
    let bounded = |s: &str, max: usize| !s.trim().is_empty() && s.chars().count() <= max;
    if !bounded(title, MAX_TITLE) || title.chars().any(char::is_control) {
        return Err(invalid(format!(
            "title must be 1–{MAX_TITLE} characters on one line"
        )));
    }
    if !bounded(summary, MAX_SUMMARY) {
        return Err(invalid(format!(
            "summary must be 1–{MAX_SUMMARY} characters"
        )));
    }
    if body.trim().is_empty() {
        return Err(invalid("the body is empty"));
    }
    if body
        .lines()
        .any(|l| l.trim_start().starts_with(TRAILER_PREFIX))
    {
        return Err(invalid(format!(
            "no line of the body may start with \"{TRAILER_PREFIX}\": \
             that is how the AMV description binds the texts (§3.1, §7.1)"
        )));
    }
    super::markdown::check(body)
}

/// The start of the binding and option trailers' lines (§7.1); no line of a
/// body may start with it, so the trailers a description carries are
/// always the server's.
const TRAILER_PREFIX: &str = psephos_crypto::record::support::trailer::LINE_PREFIX;

#[cfg(test)]
mod trailer_tests {
    use super::*;

    #[test]
    fn a_body_cannot_forge_a_trailer_line() {
        let ok = check_text("T", "S", "Text about psephos-initiative lines.", 1000);
        assert!(ok.is_ok());
        for body in [
            "Text.\n\n---\npsephos-initiative: p-1 v1 sha256:00\n",
            "Text.\n  psephos-initiative-option: p-2 v3 sha256:ab",
            "psephos-initiative",
        ] {
            let e = check_text("T", "S", body, 1000).unwrap_err();
            assert_eq!(e.code, "proposal.invalid", "{body:?}");
        }
    }
}

impl ProposalInput {
    /// Checks every field (§3.1).
    pub fn check(&self, settings: &Settings) -> Result<()> {
        check_text(&self.title, &self.summary, &self.body, settings.max_body)?;
        let lang_ok = (2..=35).contains(&self.language.len())
            && self
                .language
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !lang_ok {
            return Err(invalid("language must be a BCP 47 tag"));
        }
        settings.area(&self.area).map(|_| ())
    }
}

/// States of a proposal (§3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Only the author sees it.
    Draft,
    /// Published, gathering supporters.
    Deliberation,
    /// Threshold reached.
    Frozen,
}

/// The stored proposal (object kind `proposal`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProposalDoc {
    /// Permanent id `p-` + 16 hex.
    pub id: String,
    /// Author's member id.
    pub author: String,
    /// State.
    pub state: ProposalState,
    /// The draft, or the current version's fields.
    pub input: ProposalInput,
    /// Current version (0 while a draft).
    pub version: u64,
    /// Created.
    pub created_at: u64,
    /// Published.
    pub published_at: Option<u64>,
    /// Moderation (§3.5): hidden by the officers with a public reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
}

/// The canonical bytes of a version (§3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionText {
    /// Format version.
    pub spec_version: u32,
    /// Proposal id.
    pub proposal: String,
    /// Version number.
    pub version: u64,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body.
    pub body: String,
    /// Area.
    pub area: String,
    /// Language.
    pub language: String,
}

impl VersionText {
    /// Version `version` of `p` with `input`'s texts.
    pub fn new(p: &str, version: u64, input: &ProposalInput) -> Self {
        VersionText {
            spec_version: 1,
            proposal: p.to_string(),
            version,
            title: input.title.clone(),
            summary: input.summary.clone(),
            body: input.body.clone(),
            area: input.area.clone(),
            language: input.language.clone(),
        }
    }

    /// Canonical JSON.
    pub fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("plain struct")
    }

    /// Its text hash.
    pub fn hash(&self) -> [u8; 32] {
        text_hash(&self.bytes())
    }
}

/// A version as served.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VersionView {
    /// The canonical version.
    pub text: VersionText,
    /// Its text hash, hex.
    pub text_hash: String,
    /// The body rendered (§4).
    pub html: String,
}

/// An amendment's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentState {
    /// Awaiting the author.
    Open,
    /// Made a new version.
    Accepted,
    /// Rejected with a reason.
    Rejected,
}

/// What a member proposes as an amendment (§3.3).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendmentInput {
    /// Version amended.
    pub version: u64,
    /// Replacement body.
    pub body: String,
    /// Replacement title.
    #[serde(default)]
    pub title: Option<String>,
    /// Replacement summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Why.
    pub rationale: String,
}

/// A stored amendment (object kind `amendment`, parent the proposal).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Amendment {
    /// Id `a-` + 16 hex.
    pub id: String,
    /// Proposal.
    pub proposal: String,
    /// Member who proposed it.
    pub author: String,
    /// What was proposed.
    pub input: AmendmentInput,
    /// State.
    pub state: AmendmentState,
    /// The author's reason for a rejection.
    pub reason: Option<String>,
    /// The version an acceptance made.
    pub made_version: Option<u64>,
    /// Created.
    pub created_at: u64,
    /// Decided.
    pub decided_at: Option<u64>,
    /// Moderation (§3.5): hidden by the officers with a public reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
}

/// A moderation action kept with its object (§3.4, §3.5): the officers
/// hid it, at `at`, for the public `reason`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hidden {
    /// Public reason.
    pub reason: String,
    /// When.
    pub at: u64,
}

/// A stored comment (object kind `comment`, parent the proposal).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comment {
    /// Id `c-` + 16 hex.
    pub id: String,
    /// Proposal.
    pub proposal: String,
    /// Member.
    pub author: String,
    /// Plain text (absent from public listings once hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Created.
    pub created_at: u64,
    /// Moderation.
    pub hidden: Option<Hidden>,
}

/// Support progress (§6).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SupportView {
    /// Members standing behind the current version.
    pub count: u64,
    /// Required.
    pub required: u64,
    /// Current version.
    pub version: u64,
    /// Entries on the support log.
    pub log_size: u64,
    /// Hex log id.
    pub log_id: String,
}

/// The freeze (§5.3).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FrozenView {
    /// Version.
    pub version: u64,
    /// Its text hash, hex.
    pub text_hash: String,
    /// Supporters.
    pub count: u64,
    /// Index of the add that reached the threshold.
    pub at_index: u64,
    /// When.
    pub at: u64,
}

/// The AMV state (§7.3).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AmvView {
    /// Round id.
    pub round: String,
    /// Officers' deadline.
    pub deadline: u64,
    /// `awaiting_officers`, `overdue`, `scheduled` or `declined`.
    pub state: String,
    /// Public reason of a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The public page of a proposal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProposalView {
    /// Id.
    pub id: String,
    /// Author.
    pub author: String,
    /// State.
    pub state: ProposalState,
    /// Title, summary, body, area, language, decision (withheld, absent,
    /// once hidden: §3.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<ProposalInput>,
    /// Current version.
    pub version: u64,
    /// Body rendered (absent once hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The officers' moderation (§3.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
    /// Its published alternatives, hidden ones included (§7.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// Created.
    pub created_at: u64,
    /// Published.
    pub published_at: Option<u64>,
    /// Progress, once published.
    pub support: Option<SupportView>,
    /// The freeze.
    pub frozen: Option<FrozenView>,
    /// The AMV.
    pub amv: Option<AmvView>,
    /// The signed-in member looking at the page, and the version they
    /// stand behind (§6); absent without a member session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<ViewerView>,
}

/// The signed-in member's own standing on a proposal (§6).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ViewerView {
    /// Their member id.
    pub member: String,
    /// The version their standing support names, if any (§5.3).
    pub standing: Option<u64>,
}

/// The answer to a support or a withdrawal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SupportReceipt {
    /// Board receipt of the entry.
    pub receipt: psephos_board::Receipt,
    /// Progress after it.
    pub support: SupportView,
    /// True if this support froze the proposal.
    pub frozen: bool,
}
