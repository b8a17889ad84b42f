//! Request extractors with the server's limits and strictness
//! (specs/server-api.md §2, §7): [`Strict`] JSON bodies, [`Raw`] ballot and
//! roll bodies, and [`Bearer`] tokens. Every refusal is an [`ApiError`]
//! with a stable code.

use std::sync::Arc;

use axum::body::{to_bytes, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::app::App;
use crate::error::{ErrorClass, ServerError};
use crate::strict_json::check_no_duplicate_keys;

/// Reads a body of at most `limit` bytes within the body timeout
/// (`request.timeout`, a slow sender) — the one way every handler reads a
/// body.
pub async fn body_limited(app: &App, req: Request, limit: usize) -> Result<Bytes, ApiError> {
    let read = to_bytes(req.into_body(), limit);
    match tokio::time::timeout(app.config.body_timeout, read).await {
        Err(_) => Err(ApiError(ServerError::new(
            ErrorClass::Timeout,
            "request.timeout",
            format!(
                "the body did not arrive within {} s",
                app.config.body_timeout.as_secs()
            ),
        ))),
        Ok(r) => r.map_err(|_| {
            ApiError(ServerError::new(
                ErrorClass::TooLarge,
                "request.too_large",
                format!("the body is over {limit} bytes, or was cut"),
            ))
        }),
    }
}

/// Any body (no content type required, possibly empty), read with the
/// limits of [`body_limited`].
pub struct AnyBody(pub Bytes);

impl FromRequest<Arc<App>> for AnyBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, ApiError> {
        Ok(AnyBody(body_limited(app, req, app.config.max_body).await?))
    }
}

fn content_type_is(req: &Request, want: &[&str]) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| want.contains(&v.as_str()))
}

fn wrong_type(want: &str) -> ApiError {
    ApiError(ServerError::new(
        ErrorClass::UnsupportedMedia,
        "request.content_type",
        format!("the body must be {want}"),
    ))
}

/// A strictly parsed JSON body: `application/json`, at most `max_body`
/// bytes, no repeated keys anywhere, no unknown fields.
pub struct Strict<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<App>> for Strict<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, ApiError> {
        if !content_type_is(&req, &["application/json"]) {
            return Err(wrong_type("application/json"));
        }
        let bytes = body_limited(app, req, app.config.max_body).await?;
        parse_strict(&bytes).map(Strict)
    }
}

/// Parses strict JSON (no duplicate keys, typed with unknown fields refused).
pub fn parse_strict<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    check_no_duplicate_keys(bytes)
        .map_err(|m| ApiError(ServerError::bad_request("request.invalid_json", m)))?;
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(ServerError::bad_request(
            "request.invalid_json",
            e.to_string(),
        ))
    })
}

/// A raw body of at most `max_ballot` bytes with a JSON or CSV type.
pub struct Raw(pub Vec<u8>);

impl FromRequest<Arc<App>> for Raw {
    type Rejection = ApiError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, ApiError> {
        if !content_type_is(&req, &["application/json", "text/csv"]) {
            return Err(wrong_type("application/json or text/csv"));
        }
        Ok(Raw(body_limited(app, req, app.config.max_ballot)
            .await?
            .to_vec()))
    }
}

/// The bearer token of the request, if any.
pub struct Bearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        Ok(Bearer(token))
    }
}

/// An authenticated officer.
pub struct Officer;

impl FromRequestParts<Arc<App>> for Officer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let Bearer(t) = Bearer::from_request_parts(parts, app).await?;
        app.authenticate(t.as_deref(), crate::store::TokenKind::Officer)
            .await?;
        Ok(Officer)
    }
}

/// An authenticated trustee of one round.
pub struct Trustee(pub crate::store::TokenRecord);

impl FromRequestParts<Arc<App>> for Trustee {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let Bearer(t) = Bearer::from_request_parts(parts, app).await?;
        Ok(Trustee(
            app.authenticate(t.as_deref(), crate::store::TokenKind::Trustee)
                .await?,
        ))
    }
}

/// Path parameters parsed into `T`; a refusal (e.g. percent-encoded bytes
/// that are not UTF-8) is `request.invalid_path`.
pub struct P<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for P<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| P(p.0))
            .map_err(|e| {
                ApiError(ServerError::bad_request(
                    "request.invalid_path",
                    e.body_text(),
                ))
            })
    }
}

/// A query string parsed into `T`; a refusal is `request.invalid_query`.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Q(q.0))
            .map_err(|e| {
                ApiError(ServerError::bad_request(
                    "request.invalid_query",
                    e.body_text(),
                ))
            })
    }
}
