//! The server's one error type, [`ServerError`]: a class (which fixes the
//! HTTP status at the edge), a stable machine code (specs/server-api.md §3,
//! plus the codes of encoding.md §6 and board.md §9 passed through
//! verbatim) and a message. Messages never carry secrets or plaintexts.

use std::borrow::Cow;

use psephos_board::store::StoreError;
use psephos_crypto::CryptoError;
use psephos_trustee::wire::LineError;

/// What kind of failure; the HTTP edge maps each to one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// 400: the request is malformed.
    BadRequest,
    /// 401: no or unknown token.
    Unauthorized,
    /// 403: a token of the wrong kind or for another round.
    Forbidden,
    /// 404: no such round or object.
    NotFound,
    /// 409: the request conflicts with the round's state.
    Conflict,
    /// 413: the body is too large.
    TooLarge,
    /// 415: wrong content type.
    UnsupportedMedia,
    /// 422: well-formed but invalid (a proof, a ballot, a roll).
    Invalid,
    /// 408: the client was too slow sending its request.
    Timeout,
    /// 429: rate limited.
    TooMany,
    /// 500: a bug or corrupt data.
    Internal,
    /// 503: a dependency (database) failed; retrying may help.
    Unavailable,
}

/// An error with a stable code.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServerError {
    /// Class (status).
    pub class: ErrorClass,
    /// Stable code.
    pub code: Cow<'static, str>,
    /// Human message.
    pub message: String,
    /// Per-line problems (roll import).
    pub lines: Vec<LineError>,
}

/// Result alias of this crate.
pub type Result<T, E = ServerError> = core::result::Result<T, E>;

impl ServerError {
    /// An error of `class` with `code` and `message`.
    pub fn new(class: ErrorClass, code: &'static str, message: impl Into<String>) -> Self {
        ServerError {
            class,
            code: Cow::Borrowed(code),
            message: message.into(),
            lines: Vec::new(),
        }
    }

    /// 400.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorClass::BadRequest, code, message)
    }

    /// 404.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorClass::NotFound, code, message)
    }

    /// 409.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Conflict, code, message)
    }

    /// 422.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Invalid, code, message)
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Internal, "internal", message)
    }

    /// 503 from a database failure.
    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Unavailable, code, message)
    }

    /// The server-side state store failed.
    pub fn database(e: impl core::fmt::Display) -> Self {
        Self::unavailable("server.database", e.to_string())
    }
}

impl From<CryptoError> for ServerError {
    fn from(e: CryptoError) -> Self {
        let class = match e {
            CryptoError::DlogNotFound(_) => ErrorClass::Internal,
            _ => ErrorClass::Invalid,
        };
        ServerError {
            class,
            code: Cow::Borrowed(e.code()),
            message: e.to_string(),
            lines: Vec::new(),
        }
    }
}

impl From<StoreError> for ServerError {
    fn from(e: StoreError) -> Self {
        let code = e.code();
        let class = match code {
            "board.entry_too_large" => ErrorClass::TooLarge,
            "board.malformed_entry"
            | "board.index_out_of_range"
            | "board.size_out_of_range"
            | "board.reversed_range"
            | "board.empty_page" => ErrorClass::BadRequest,
            "board.database" | "board.closed" => ErrorClass::Unavailable,
            _ => ErrorClass::Internal,
        };
        ServerError {
            class,
            code: Cow::Borrowed(code),
            message: e.to_string(),
            lines: Vec::new(),
        }
    }
}
