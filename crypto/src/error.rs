//! Errors of the cryptographic core, each with a stable machine-readable code
//! (spec `encoding.md` §6 lists them). Callers at the HTTP edge map
//! [`CryptoError::code`] into their own error bodies; the code strings never
//! change once published.

use thiserror::Error;

/// Why a byte string, hex string or structured value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input is not lowercase hexadecimal of even length.
    #[error("not lowercase hexadecimal")]
    BadHex,
    /// The input has the wrong length.
    #[error("wrong length: expected {expected} bytes, got {got}")]
    WrongLength {
        /// Length the encoding requires.
        expected: usize,
        /// Length that was given.
        got: usize,
    },
    /// The 32 bytes are not the canonical encoding of a Ristretto point.
    #[error("not a canonical Ristretto255 point encoding")]
    NonCanonicalPoint,
    /// The 32 bytes are not the canonical encoding of a scalar (< ℓ).
    #[error("not a canonical scalar encoding")]
    NonCanonicalScalar,
    /// The identity point appeared where it is forbidden.
    #[error("the identity point is not allowed here")]
    IdentityPoint,
    /// A record object carries a `spec_version` this code does not know.
    #[error("unknown spec_version {0}")]
    UnknownVersion(u32),
    /// A structured value is malformed (the message says which part).
    #[error("malformed {0}")]
    Malformed(&'static str),
}

/// Every error of this crate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// Decoding failed.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A proof did not verify; the string names the proof (`link`, `range`,
    /// `or`, `schnorr`, `dleq`, `signature`, ...).
    #[error("{0} proof does not verify")]
    InvalidProof(&'static str),
    /// A ballot, answer or message does not have the shape its statement
    /// requires (wrong number of values, wrong question, ...).
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// The plaintext given to a prover is not a valid answer to the question.
    #[error("invalid plaintext: {0}")]
    InvalidPlaintext(String),
    /// A parameter is out of the supported range (too many options, bits, ...).
    #[error("unsupported parameter: {0}")]
    Unsupported(String),
    /// A discrete logarithm was not found within its bound.
    #[error("discrete logarithm not found below {0}")]
    DlogNotFound(u64),
    /// A trustee's message is invalid or missing; `index` names the trustee
    /// at fault (spec `threshold.md` §15).
    #[error("trustee {index}: {reason}")]
    FaultyTrustee {
        /// Index (1..=n) of the trustee at fault.
        index: u32,
        /// What is wrong with its message.
        reason: &'static str,
    },
    /// Fewer than `needed` qualified dealers or valid decryption shares.
    #[error("threshold not met: {got} of {needed} needed")]
    ThresholdNotMet {
        /// The threshold `t`.
        needed: u32,
        /// How many there are.
        got: u32,
    },
}

impl CryptoError {
    /// Stable machine-readable code (spec `encoding.md` §6).
    pub fn code(&self) -> &'static str {
        match self {
            CryptoError::Decode(d) => match d {
                DecodeError::BadHex => "decode.bad_hex",
                DecodeError::WrongLength { .. } => "decode.wrong_length",
                DecodeError::NonCanonicalPoint => "decode.non_canonical_point",
                DecodeError::NonCanonicalScalar => "decode.non_canonical_scalar",
                DecodeError::IdentityPoint => "decode.identity_point",
                DecodeError::UnknownVersion(_) => "record.unknown_version",
                DecodeError::Malformed(_) => "decode.malformed",
            },
            CryptoError::InvalidProof(_) => "proof.invalid",
            CryptoError::Shape(_) => "ballot.shape",
            CryptoError::InvalidPlaintext(_) => "plaintext.invalid",
            CryptoError::Unsupported(_) => "param.unsupported",
            CryptoError::DlogNotFound(_) => "dlog.not_found",
            CryptoError::FaultyTrustee { .. } => "trustee.faulty",
            CryptoError::ThresholdNotMet { .. } => "threshold.not_met",
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = CryptoError> = core::result::Result<T, E>;
