//! The server-side document of one round (specs/server-api.md §9): the
//! draft, the ceremony messages in progress, the state, and the intent of
//! the board writes under way. It lives in the server store as JSON with a
//! version number, updated by compare-and-swap, so several processes can
//! share it. Everything public also goes to the board; nothing secret is
//! ever in it.

use psephos_crypto::threshold::{
    CeremonyOutcome, CeremonyParameters, CeremonyRecord, Complaint, TrusteeAnnouncement,
};
use psephos_trustee::wire::{
    CeremonyPhase, CeremonyView, Dealing, RejectedTrustee, RollSummary, RoundDraft, RoundState,
};
use serde::{Deserialize, Serialize};

/// A transition entry's payload (record.md §8), in canonical field order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionEntry {
    /// Format version (1).
    pub spec_version: u32,
    /// Election id, hex.
    pub election_id: String,
    /// `open`, `close`, `tally`, `publish` or `cancel`.
    pub transition: String,
    /// Unix seconds.
    pub at: u64,
    /// Officer's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A trustee's complaint list (phase 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintsFrom {
    /// The complainer.
    pub trustee: u32,
    /// Its complaints (possibly none).
    pub complaints: Vec<Complaint>,
}

/// The key ceremony in progress (threshold.md §5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyState {
    /// Parameters.
    pub parameters: CeremonyParameters,
    /// Phase 1 messages.
    pub announcements: Vec<TrusteeAnnouncement>,
    /// Phase 2 messages.
    pub dealings: Vec<Dealing>,
    /// Phase 3 messages.
    pub complaints: Vec<ComplaintsFrom>,
    /// The derived outcome.
    pub outcome: Option<CeremonyOutcome>,
}

impl CeremonyState {
    /// A fresh ceremony.
    pub fn new(parameters: CeremonyParameters) -> Self {
        CeremonyState {
            parameters,
            announcements: Vec::new(),
            dealings: Vec::new(),
            complaints: Vec::new(),
            outcome: None,
        }
    }

    /// The current phase.
    pub fn phase(&self) -> CeremonyPhase {
        let n = self.parameters.trustees as usize;
        if self.outcome.is_some() {
            CeremonyPhase::Complete
        } else if self.announcements.len() < n {
            CeremonyPhase::Announcements
        } else if self.dealings.len() < n {
            CeremonyPhase::Dealing
        } else {
            CeremonyPhase::Complaints
        }
    }

    /// The public record of every message, in arrival order (§5.5).
    pub fn record(&self) -> CeremonyRecord {
        CeremonyRecord {
            parameters: self.parameters,
            announcements: self.announcements.clone(),
            commitments: self
                .dealings
                .iter()
                .map(|d| d.commitments.clone())
                .collect(),
            shares: self
                .dealings
                .iter()
                .flat_map(|d| d.shares.iter().cloned())
                .collect(),
            complaints: self
                .complaints
                .iter()
                .flat_map(|c| c.complaints.iter().cloned())
                .collect(),
        }
    }

    /// What trustee `you` (or an officer, `None`) is shown.
    pub fn view(&self, you: Option<u32>) -> CeremonyView {
        let record = self.record();
        let all = self.outcome.is_some();
        CeremonyView {
            parameters: self.parameters,
            phase: self.phase(),
            you,
            announcements: record.announcements,
            commitments: record.commitments,
            shares: record
                .shares
                .into_iter()
                .filter(|s| all || Some(s.recipient) == you)
                .collect(),
            complaints: record.complaints,
            complaints_from: self.complaints.iter().map(|c| c.trustee).collect(),
            outcome: self.outcome.clone(),
        }
    }
}

/// Where a pending entry's payload is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Payload {
    /// In the document (canonical JSON text).
    Inline(String),
    /// In the server store's blob of this name (large payloads).
    Blob(String),
}

/// One board entry to write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingEntry {
    /// Entry kind (record.md §8).
    pub kind: String,
    /// Its exact payload.
    pub payload: Payload,
}

/// Board writes decided but maybe not all done: written to the document
/// before the first append, so whoever finds it (this process after a
/// crash, or another process) completes it by appending the same bytes
/// again — appends of identical bytes are idempotent (board.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    /// Entries, appended in order.
    pub entries: Vec<PendingEntry>,
    /// The state once all are on the board.
    pub then: RoundState,
}

/// A decryption share on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedShare {
    /// Trustee.
    pub trustee: u32,
    /// Board index of its `decryption` entry.
    pub index: u64,
}

/// Board indices of the round's singular entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardIndices {
    /// `credentials`.
    pub credentials: Option<u64>,
    /// `tally`.
    pub tally: Option<u64>,
    /// `result`.
    pub result: Option<u64>,
}

/// Counted voters and weight, known after the tally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counted {
    /// Distinct credentials counted.
    pub voters: u64,
    /// Their weight.
    pub weight: u64,
    /// Ballot entries seen.
    pub ballots: u64,
}

/// The document of one round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundDoc {
    /// What the officers drafted.
    pub draft: RoundDraft,
    /// Current state.
    pub state: RoundState,
    /// Unix seconds of creation.
    pub created_at: u64,
    /// The key ceremony.
    pub ceremony: Option<CeremonyState>,
    /// Election id (hex), once frozen.
    pub election_id: Option<String>,
    /// Imported roll.
    pub roll: Option<RollSummary>,
    /// Size of the public credential list (blob `credentials`), once made.
    pub credentials: Option<u64>,
    /// Unix seconds of the last transition entry (transitions never go back
    /// in time, record.md §8).
    pub last_transition_at: u64,
    /// Board writes under way.
    pub pending: Option<Pending>,
    /// Where the singular entries are.
    pub board: BoardIndices,
    /// Decryption shares on the board.
    pub shares: Vec<AcceptedShare>,
    /// Decryption shares refused.
    pub rejected_shares: Vec<RejectedTrustee>,
    /// Audited ballots on the board.
    pub audited: u64,
    /// Who counted (after the tally).
    pub counted: Option<Counted>,
}

impl RoundDoc {
    /// A new draft.
    pub fn new(draft: RoundDraft, now: u64) -> Self {
        RoundDoc {
            draft,
            state: RoundState::Draft,
            created_at: now,
            ceremony: None,
            election_id: None,
            roll: None,
            credentials: None,
            last_transition_at: 0,
            pending: None,
            board: BoardIndices::default(),
            shares: Vec::new(),
            rejected_shares: Vec::new(),
            audited: 0,
            counted: None,
        }
    }

    /// The round id.
    pub fn id(&self) -> &str {
        &self.draft.election
    }

    /// The phase column of the store: `open` exactly when ballots may be
    /// accepted (open and no transition under way).
    pub fn cast_phase(&self) -> &'static str {
        match (self.state, &self.pending) {
            (RoundState::Open, None) => "open",
            (RoundState::Open, Some(_)) => "closing",
            (s, _) => s.as_str(),
        }
    }
}
