//! Wire types of the ballot server's HTTP API (specs/server-api.md): the
//! request and response bodies every client and the server itself use, so
//! that each is defined exactly once.
//!
//! Every request type refuses unknown fields; the server additionally
//! refuses duplicate keys anywhere in a JSON body (server-api.md §2).

use psephos_board::{LogEntry, Receipt};
use psephos_crypto::record::manifest::{Question, RevotePolicy, Schedule, Text};
use psephos_crypto::record::EncryptedTally;
use psephos_crypto::threshold::{
    CeremonyOutcome, CeremonyParameters, Complaint, DealerCommitments, EncryptedShare,
    TrusteeAnnouncement,
};
use serde::{Deserialize, Serialize};

/// Path prefix of every API route.
pub const API: &str = "/api/v1";

/// The body of every error response (server-api.md §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// A stable machine code, a human message and, for line-oriented inputs,
/// the offending lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `round.not_open`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Per-line problems (roll import), 1-based line numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineError>,
}

/// One bad line of an uploaded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

/// The states of a round (server-api.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Being drafted by officers.
    Draft,
    /// The trustees' key ceremony is running.
    KeyCeremony,
    /// The manifest is on the board; credentials are being made.
    Frozen,
    /// Ballots are accepted.
    Open,
    /// No more ballots.
    Closed,
    /// The encrypted tally is on the board; trustees decrypt.
    Tallying,
    /// The result is on the board.
    Published,
    /// Cancelled before opening.
    Cancelled,
}

impl RoundState {
    /// The name used on the wire and in error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Draft => "draft",
            RoundState::KeyCeremony => "key_ceremony",
            RoundState::Frozen => "frozen",
            RoundState::Open => "open",
            RoundState::Closed => "closed",
            RoundState::Tallying => "tallying",
            RoundState::Published => "published",
            RoundState::Cancelled => "cancelled",
        }
    }
}

/// Who makes the voters' credentials (server-api.md §6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialMode {
    /// The server generates the codes, hands them out once, keeps only the
    /// public list.
    #[default]
    Server,
    /// An independent authority generates them offline
    /// (`psephos-trustee credentials`) and uploads only the public list.
    External,
}

/// What an officer drafts: everything of the manifest that is not known
/// before the key ceremony.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundDraft {
    /// Round id, 1–64 of `[A-Za-z0-9._-]`; the manifest's `election`.
    pub election: String,
    /// Title of the round.
    pub title: Text,
    /// Questions in ballot order.
    pub questions: Vec<Question>,
    /// Voting window.
    pub schedule: Schedule,
    /// Revote policy (default `last_counts`).
    #[serde(default)]
    pub revote: RevotePolicy,
    /// Credential mode (default `server`).
    #[serde(default)]
    pub credential_mode: CredentialMode,
}

/// Summary of an imported roll.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollSummary {
    /// Members on the roll.
    pub members: u64,
    /// Sum of their weights (the electorate).
    pub total_weight: u64,
}

/// Decryption progress of a round.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionStatus {
    /// Trustees whose valid share is on the board.
    pub accepted: Vec<u32>,
    /// Trustees whose share was refused, with the reason.
    pub rejected: Vec<RejectedTrustee>,
    /// Valid shares needed.
    pub threshold: u32,
}

/// A trustee named for a refused message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectedTrustee {
    /// Trustee index.
    pub trustee: u32,
    /// Error code of the refusal.
    pub code: String,
    /// Why.
    pub message: String,
}

/// Ballots cast so far and, once tallied, who counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turnout {
    /// Ballot entries on the board (revotes included).
    pub ballots: u64,
    /// Audited (spoiled) ballots on the board.
    pub audited: u64,
    /// Distinct credentials counted (known after the tally).
    pub voters: Option<u64>,
    /// Their total weight (known after the tally).
    pub weight: Option<u64>,
    /// Total weight of the credential list, once it is published.
    pub electorate: Option<u64>,
}

/// The state of a round as the server reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundStatus {
    /// Round id.
    pub election: String,
    /// Current state.
    pub state: RoundState,
    /// Election id (hex), once the manifest is frozen.
    pub election_id: Option<String>,
    /// The draft (questions, schedule, policies).
    pub draft: RoundDraft,
    /// Key ceremony phase, once one runs.
    pub ceremony: Option<CeremonyPhase>,
    /// Imported roll.
    pub roll: Option<RollSummary>,
    /// Size of the public credential list, once made.
    pub credentials: Option<u64>,
    /// Entries on the board.
    pub board_size: u64,
    /// Decryption progress, once tallying.
    pub decryption: Option<DecryptionStatus>,
    /// Turnout, once open.
    pub turnout: Option<Turnout>,
}

/// A round in the public list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundSummary {
    /// Round id.
    pub election: String,
    /// Current state.
    pub state: RoundState,
    /// Election id (hex), once frozen.
    pub election_id: Option<String>,
}

/// The officer's request to start (or restart) the key ceremony.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonySetup {
    /// Trustees `n`.
    pub trustees: u32,
    /// Threshold `t`.
    pub threshold: u32,
}

/// One trustee's access token, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeToken {
    /// Trustee index `1..=n`.
    pub trustee: u32,
    /// Bearer token for the trustee API.
    pub token: String,
}

/// Answer to [`CeremonySetup`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyStarted {
    /// The ceremony's parameters (its fresh id included).
    pub parameters: CeremonyParameters,
    /// One token per trustee.
    pub tokens: Vec<TrusteeToken>,
}

/// Phases of the key ceremony (threshold.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeremonyPhase {
    /// Waiting for every trustee's announcement.
    Announcements,
    /// Waiting for every dealer's commitments and shares.
    Dealing,
    /// Waiting for every trustee's (possibly empty) complaint list.
    Complaints,
    /// The outcome is derived.
    Complete,
}

/// What a trustee (or officer) sees of the ceremony.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyView {
    /// Parameters.
    pub parameters: CeremonyParameters,
    /// Current phase.
    pub phase: CeremonyPhase,
    /// The index of the asking trustee (absent for officers).
    pub you: Option<u32>,
    /// Announcements received.
    pub announcements: Vec<TrusteeAnnouncement>,
    /// Dealer commitments received.
    pub commitments: Vec<DealerCommitments>,
    /// Encrypted shares addressed to the asking trustee (all of them once
    /// the outcome is derived).
    pub shares: Vec<EncryptedShare>,
    /// Complaints received.
    pub complaints: Vec<Complaint>,
    /// Trustees that have posted their complaint list.
    pub complaints_from: Vec<u32>,
    /// The derived outcome, once complete.
    pub outcome: Option<CeremonyOutcome>,
}

/// Phase 2: a dealer's commitments and its `n − 1` encrypted shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dealing {
    /// Commitments with proofs.
    pub commitments: DealerCommitments,
    /// One share per other trustee.
    pub shares: Vec<EncryptedShare>,
}

/// Phase 3: a trustee's complaints (empty when every share checked out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintList {
    /// Complaints.
    pub complaints: Vec<Complaint>,
}

/// Server-mode credentials, handed out exactly once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsIssued {
    /// CSV for mail merge: `member_id,email,weight,credential,booth_link`.
    pub csv: String,
    /// Members on the list.
    pub issued: u64,
    /// E-mails delivered (0 without SMTP).
    pub mailed: u64,
}

/// An officer transition's optional reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Free text put into the transition entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The receipt of a cast or audited ballot (protocol.md §10.3, board.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastReceipt {
    /// Tracking code: SHA-256 of the ballot bytes, hex.
    pub tracking_code: String,
    /// Board receipt: index, leaf hash, signed checkpoint, inclusion proof.
    pub receipt: Receipt,
}

/// What a trustee decrypts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyView {
    /// The asking trustee.
    pub you: u32,
    /// The encrypted tally on the board.
    pub tally: EncryptedTally,
}

/// A decryption share accepted onto the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareAccepted {
    /// The trustee.
    pub trustee: u32,
    /// Board index of its `decryption` entry.
    pub index: u64,
}

/// A page of board entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesPage {
    /// Entries from the requested index on.
    pub entries: Vec<LogEntry>,
    /// The log's size when read.
    pub size: u64,
}

/// Answer of `/healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Board public key (hex).
    pub board_key: String,
}
