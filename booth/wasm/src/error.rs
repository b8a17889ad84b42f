//! The one error type of the booth core: a stable code the pages translate
//! (specs/booth.md §5) and a detail for the log of the page.

use std::fmt;

/// A refusal with a stable code such as `code.check` or `choice.invalid`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoothError {
    /// Stable code, `area.reason`.
    pub code: &'static str,
    /// Human-readable detail (never a secret).
    pub detail: String,
}

impl BoothError {
    /// A refusal with `code` and `detail`.
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        BoothError {
            code,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for BoothError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for BoothError {}
