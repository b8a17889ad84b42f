//! [`ApiError`], the one error type at the HTTP edge: every
//! [`ServerError`] becomes a status and the body
//! `{"error": {"code", "message"[, "lines"]}}` (specs/server-api.md §3).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use psephos_trustee::wire::{ErrorBody, ErrorDetail};

use crate::error::{ErrorClass, ServerError};

/// An error answered to a client.
#[derive(Debug)]
pub struct ApiError(pub ServerError);

/// The error code of a response, for the rejection metrics.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);

impl<E: Into<ServerError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The HTTP status of a class.
pub fn status_of(class: ErrorClass) -> StatusCode {
    match class {
        ErrorClass::BadRequest => StatusCode::BAD_REQUEST,
        ErrorClass::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorClass::Forbidden => StatusCode::FORBIDDEN,
        ErrorClass::NotFound => StatusCode::NOT_FOUND,
        ErrorClass::Conflict => StatusCode::CONFLICT,
        ErrorClass::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorClass::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorClass::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorClass::Timeout => StatusCode::REQUEST_TIMEOUT,
        ErrorClass::TooMany => StatusCode::TOO_MANY_REQUESTS,
        ErrorClass::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.class == ErrorClass::Internal {
            tracing::error!(code = %e.code, message = %e.message, "internal error");
        }
        let code = e.code.to_string();
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.clone(),
                message: e.message,
                lines: e.lines,
            },
        };
        let unread_body = code == "request.too_large" || code == "request.timeout";
        let mut resp = (status_of(e.class), Json(body)).into_response();
        if unread_body {
            // The rest of the body was never read: the connection cannot
            // carry another request, and saying so keeps a client from
            // sending its next request into a connection being closed
            // (server-api.md §2).
            resp.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        resp.extensions_mut().insert(ErrorCode(code));
        resp
    }
}

/// Result alias of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
