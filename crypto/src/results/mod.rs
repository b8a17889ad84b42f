//! Result methods: from decrypted totals to outcomes (spec `results.md`).
//!
//! Pure functions of plain integers (the decrypted, weighted totals of a
//! question) to serde-encodable results that go into the election record.
//! The verifier recomputes every result with these same functions (its
//! step 9), so each rule is specified in `specs/results.md` precisely enough
//! to be reimplemented elsewhere; every module cites its sections.
//!
//! - [`yes_no`]: yes / no / abstain with quorum and majority (§4).
//! - [`choice`]: plurality (single choice, k-of-n) and approval (§5).
//! - [`score`]: score voting, highest total wins (§6).
//! - [`consensus`]: systemic consensus, least resistance wins (§7).
//! - [`pairwise`]: the pairwise matrix of a ranked question (§8).
//! - [`default_option`]: default option, quorum, required majorities (§9).
//! - [`schulze`]: Schulze by winning votes, strongest paths (§10).
//! - [`debian`]: Schulze as Debian's Schwartz-set procedure (§11).
//! - [`copeland`], [`borda`]: from the pairwise matrix (§12, §13).
//!
//! Shared pieces: [`rational`] (exact fractions and their decimal display,
//! §2), [`threshold`] (majority and quorum, §3), [`tiers`] (rankings with
//! ties, seats, explicit tie-breaking, §1.4, §5.4, §14), [`error`] (§16).
//!
//! No function panics on any input, floats take no part, and no tie is ever
//! broken implicitly: ties are reported as tiers.

pub mod borda;
pub mod choice;
pub mod consensus;
pub mod copeland;
pub mod debian;
pub mod default_option;
pub mod error;
pub mod pairwise;
pub mod rational;
pub mod schulze;
pub mod score;
pub mod threshold;
pub mod tiers;
pub mod yes_no;

pub use borda::{borda, BordaResult};
pub use choice::{approval, plurality, ChoiceMethod, ChoiceResult, OptionVotes};
pub use consensus::{systemic_consensus, AcceptanceBase, ConsensusOption, ConsensusResult};
pub use copeland::{copeland, CopelandResult, CopelandScore};
pub use debian::{debian_schwartz, DebianResult, Defeat, SchwartzRound};
pub use default_option::{
    eligibility, DefaultOption, DropReason, DroppedOption, Eligibility, RankedRules,
};
pub use error::ResultError;
pub use pairwise::{PairwiseMatrix, RankedBallot, Strength};
pub use rational::{Decimal, Percentage, Rational};
pub use schulze::{schulze, strongest_paths, PathMatrix, SchulzeResult};
pub use score::{score, ScoreOption, ScoreResult};
pub use threshold::{Majority, Quorum};
pub use tiers::{break_ties, SeatAllocation, Tiers};
pub use yes_no::{
    yes_no, MajorityCheck, QuorumCheck, YesNoOutcome, YesNoReason, YesNoResult, YesNoRules,
    YesNoTally,
};

/// Most options a linear question (plurality, approval, score, systemic
/// consensus) may have (spec §1.3).
pub const MAX_OPTIONS: usize = 10_000;

/// Most options a ranked question may have (spec §1.3). The strongest-path
/// computation is cubic in it and the Debian procedure up to quintic, so an
/// untrusted record cannot make the verifier spin; ranked ballots have at
/// most 20 options.
pub const MAX_RANKED_OPTIONS: usize = 64;
