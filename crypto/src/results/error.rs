//! Errors of the result methods (spec `results.md` §16).
//!
//! Every result function validates its input and returns one of these instead
//! of panicking: the verifier feeds decrypted totals and published records
//! that it does not trust.

use thiserror::Error;

/// Why a result could not be computed (spec `results.md` §16).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResultError {
    /// A method needs at least one option.
    #[error("no options")]
    NoOptions,
    /// More options than the method accepts (spec §1.3).
    #[error("{options} options, at most {max} allowed")]
    TooManyOptions {
        /// Options given.
        options: usize,
        /// The limit.
        max: usize,
    },
    /// A list does not have the length the number of options requires.
    #[error("{what}: expected length {expected}, found {found}")]
    LengthMismatch {
        /// What the list is.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A pairwise matrix row has the wrong length (spec §8.1).
    #[error("pairwise matrix is not square: row {row} has {found} entries, expected {expected}")]
    NotSquare {
        /// Row index.
        row: usize,
        /// Expected row length (number of rows).
        expected: usize,
        /// Actual row length.
        found: usize,
    },
    /// A pairwise matrix has a non-zero diagonal entry (spec §8.1).
    #[error("pairwise matrix diagonal entry {option} is {value}, must be 0")]
    NonZeroDiagonal {
        /// Option index.
        option: usize,
        /// The entry.
        value: u64,
    },
    /// An option index is not below the number of options.
    #[error("option {option} out of range (options: {options})")]
    OptionOutOfRange {
        /// The index given.
        option: usize,
        /// Number of options.
        options: usize,
    },
    /// An option appears twice where it may appear once.
    #[error("option {option} listed more than once")]
    DuplicateOption {
        /// The repeated index.
        option: usize,
    },
    /// A ballot contains an empty tier (spec §8.2).
    #[error("ballot {ballot} has an empty tier")]
    EmptyTier {
        /// Ballot position in the input.
        ballot: usize,
    },
    /// A majority requirement is not a fraction in (0, 1] that can be met
    /// (spec §3.1).
    #[error("invalid majority {num}/{den} (strict: {strict})")]
    InvalidMajority {
        /// Numerator.
        num: u64,
        /// Denominator.
        den: u64,
        /// Strict comparison.
        strict: bool,
    },
    /// A quorum share is not a fraction in [0, 1] (spec §3.2).
    #[error("invalid quorum share {num}/{den}")]
    InvalidQuorum {
        /// Numerator.
        num: u64,
        /// Denominator.
        den: u64,
    },
    /// A quorum relative to the electorate was asked for without the
    /// electorate size (spec §3.2).
    #[error("quorum is a share of the electorate, but no electorate size was given")]
    MissingElectorate,
    /// More ballots than voters on the roll (spec §3.2).
    #[error("participation {participation} exceeds electorate {electorate}")]
    ParticipationExceedsElectorate {
        /// Ballots counted.
        participation: u64,
        /// Voters on the roll.
        electorate: u64,
    },
    /// A count is larger than the ballots can produce (spec §5.1, §6, §7.1).
    #[error("option {option}: {value} exceeds the possible maximum {max}")]
    CountTooLarge {
        /// Option index.
        option: usize,
        /// The count.
        value: u64,
        /// The largest value possible.
        max: u128,
    },
    /// The sum of all counts is larger than the ballots can produce (spec §5.1).
    #[error("sum of votes {sum} exceeds the possible maximum {max}")]
    SumTooLarge {
        /// Sum of the counts.
        sum: u128,
        /// The largest value possible.
        max: u128,
    },
    /// A method parameter is out of its range (seats 0, max points 0,
    /// max choices 0, ...).
    #[error("invalid parameter {what}: {value}")]
    InvalidParameter {
        /// The parameter.
        what: &'static str,
        /// Its value.
        value: u64,
    },
    /// Rules for the default option are inconsistent (spec §9).
    #[error("invalid default-option rules: {0}")]
    InvalidDefaultRules(&'static str),
    /// A sum does not fit the integer type the spec prescribes.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// A rational number violates its invariants (spec §2.1).
    #[error("invalid rational number {num}/{den}")]
    InvalidRational {
        /// Numerator.
        num: i128,
        /// Denominator.
        den: u128,
    },
    /// A tie-break order is not a permutation of the options (spec §14).
    #[error("tie-break order is not a permutation of the {options} options")]
    InvalidTieBreakOrder {
        /// Number of options.
        options: usize,
    },
}

/// Shorthand for results of this module.
pub type Result<T> = core::result::Result<T, ResultError>;
