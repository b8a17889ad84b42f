//! The HTTP edge (specs/server-api.md): one module per audience, one
//! [`error::ApiError`], strict extractors, and the layers every response
//! passes — security headers (HSTS behind TLS), a last-resort panic catcher answering a JSON
//! 500, per-IP rate limits and the rejection metrics.
//!
//! | module | audience |
//! | --- | --- |
//! | [`officer`] | election officers (officer token) |
//! | [`trustee`] | trustees (trustee token) |
//! | [`voter`] | voters: cast, audit, look up |
//! | [`public`] | anyone: rounds, board, proofs, results, health, metrics |
//! | [`initiatives`] | members (session cookie + CSRF), anyone, officers: member initiatives |
//! | [`booth`] | browsers: booth, console and results pages, bundle hashes |

pub mod booth;
pub mod error;
pub mod extract;
pub mod initiatives;
pub mod officer;
pub mod public;
pub mod trustee;
pub mod voter;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use psephos_trustee::wire::API;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use self::error::{ApiError, ErrorCode};
use crate::app::App;
use crate::error::ServerError;

/// The whole router with its layers.
pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .merge(public::routes())
        .merge(voter::routes())
        .merge(officer::routes())
        .merge(trustee::routes())
        .merge(initiatives::routes());
    let limit = app.config.max_ballot.max(app.config.max_body);
    // HSTS only when clients come over TLS (the public URL is https).
    let hsts = app
        .config
        .behind_tls()
        .then(|| HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    Router::new()
        .merge(booth::routes())
        .nest(API, api)
        .route("/healthz", get(public::healthz))
        .route("/metrics", get(public::metrics))
        .route("/openapi.json", get(crate::openapi::serve))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(app.clone(), edge))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &Response| hsts.clone(),
        ))
        .with_state(app)
}

async fn not_found() -> ApiError {
    ApiError(ServerError::not_found("route.not_found", "no such route"))
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError(ServerError::internal("the server failed on this request")).into_response()
}

/// Per-IP rate limit, and counting every refusal by its code.
async fn edge(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = ip {
        if let Err(e) = app.limits.check_ip(ip) {
            app.metrics.reject(&e.code);
            return ApiError(e).into_response();
        }
    }
    let resp = next.run(req).await;
    if let Some(ErrorCode(code)) = resp.extensions().get::<ErrorCode>() {
        app.metrics.reject(code);
    }
    resp
}
