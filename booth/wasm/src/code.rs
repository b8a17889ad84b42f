//! Typed credential codes (protocol.md §9.1): normalising, and telling a
//! typo (wrong check symbol) from a code of the wrong length or with a
//! symbol outside the alphabet, so the page can say which.

use psephos_crypto::credential::CredentialCode;
use psephos_crypto::{CryptoError, DecodeError};
use zeroize::Zeroizing;

use crate::error::BoothError;

/// Parses a typed code; the error code is `code.length`, `code.symbol` or
/// `code.check` (a wrong check symbol: a typo).
pub fn parse(typed: &str) -> Result<CredentialCode, BoothError> {
    CredentialCode::parse(typed).map_err(|e| match e {
        CryptoError::Decode(DecodeError::WrongLength { expected, got }) => {
            BoothError::new("code.length", format!("{got} symbols, {expected} expected"))
        }
        CryptoError::Decode(DecodeError::Malformed(m)) if m.contains("check") => {
            BoothError::new("code.check", "the check symbol does not match")
        }
        _ => BoothError::new("code.symbol", "a symbol outside the code alphabet"),
    })
}

/// The normalised code grouped in fours, for showing back to the voter.
pub fn normalise(typed: &str) -> Result<Zeroizing<String>, BoothError> {
    Ok(parse(typed)?.grouped())
}
