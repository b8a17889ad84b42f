//! Voter routes under `/api/v1/rounds/{id}` (specs/server-api.md §7):
//! cast a ballot (its exact canonical bytes), post an audited ballot, look
//! a ballot up by tracking code.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use psephos_trustee::wire::CastReceipt;

use super::error::ApiResult;
use super::extract::{Raw, P};
use crate::app::App;

/// The voter routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/rounds/{id}/ballots", post(cast))
        .route("/rounds/{id}/ballots/{tracking}", get(lookup))
        .route("/rounds/{id}/audits", post(audit))
}

async fn cast(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Raw(body): Raw,
) -> ApiResult<Json<CastReceipt>> {
    Ok(Json(app.cast(&id, body).await?))
}

async fn audit(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Raw(body): Raw,
) -> ApiResult<Json<CastReceipt>> {
    Ok(Json(app.audit(&id, body).await?))
}

async fn lookup(
    State(app): State<Arc<App>>,
    P((id, tracking)): P<(String, String)>,
) -> ApiResult<Json<CastReceipt>> {
    Ok(Json(app.lookup(&id, &tracking).await?))
}
