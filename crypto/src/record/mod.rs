//! Election record types (spec `record.md`).
//!
//! - [`manifest`]: the manifest of a round, its questions and rules (§2).
//! - [`credentials`]: the public credential list (§3).
//! - [`tally`]: the encrypted tally (§4).
//! - [`outcome`]: results computed from decrypted totals (§6).
//! - [`audit`]: audited (spoiled) ballots (§7).
//! - [`transition`]: officer transitions on the board (§8).
//! - [`support`]: support logs of member initiatives (`initiatives.md` §5).
//!
//! Trustee messages and decryption shares are in [`crate::threshold`] (§5).

pub mod audit;
pub mod credentials;
pub mod manifest;
pub mod outcome;
pub mod support;
pub mod tally;
pub mod transition;

pub use audit::AuditedBallot;
pub use credentials::{CredentialEntry, CredentialList};
pub use manifest::{Manifest, Question, QuestionKind};
pub use outcome::{compute_outcome, total_bound, ElectionResult, Outcome, QuestionResult};
pub use tally::{EncryptedTally, QuestionTally};
pub use transition::{Transition, TransitionKind};
