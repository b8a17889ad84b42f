//! Public routes (specs/server-api.md §11): rounds, the exact bytes of the
//! manifest, credential list, tally and result, the board (entries,
//! checkpoints, proofs, the record file), turnout, health and metrics.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use psephos_board::{ConsistencyProof, ElectionId, InclusionProof, SignedCheckpoint};
use psephos_trustee::wire::{EntriesPage, Health, RoundStatus, RoundSummary, Turnout};
use serde::Deserialize;

use super::error::ApiResult;
use super::extract::{P, Q};
use crate::app::App;
use crate::error::ServerError;

/// The public routes under the API prefix.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/rounds", get(rounds))
        .route("/rounds/{id}", get(status))
        .route("/rounds/{id}/manifest", get(manifest))
        .route("/rounds/{id}/credentials", get(credentials))
        .route("/rounds/{id}/tally", get(tally))
        .route("/rounds/{id}/result", get(result))
        .route("/rounds/{id}/turnout", get(turnout))
        .route("/rounds/{id}/board/entries", get(entries))
        .route("/rounds/{id}/board/checkpoint", get(checkpoint))
        .route("/rounds/{id}/board/checkpoints", get(checkpoints))
        .route("/rounds/{id}/board/inclusion", get(inclusion))
        .route("/rounds/{id}/board/consistency", get(consistency))
        .route("/rounds/{id}/board/record", get(record))
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "application/json")], bytes).into_response()
}

async fn election(
    app: &App,
    id: &str,
) -> Result<(ElectionId, crate::round::RoundDoc), ServerError> {
    let doc = app.load(id).await?.doc;
    Ok((app.election_of(&doc)?, doc))
}

/// `/healthz`.
pub async fn healthz(State(app): State<Arc<App>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        board_key: hex::encode(app.board_key.0),
    })
}

/// `/metrics`.
pub async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}

async fn rounds(State(app): State<Arc<App>>) -> ApiResult<Json<Vec<RoundSummary>>> {
    Ok(Json(app.list().await?))
}

async fn status(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Json<RoundStatus>> {
    let doc = app.load(&id).await?.doc;
    Ok(Json(app.status(&doc).await?))
}

async fn singular(app: &App, id: &str, which: &str) -> ApiResult<Response> {
    let (e, doc) = election(app, id).await?;
    let index = match which {
        "manifest" => Some(0),
        "credentials" => doc.board.credentials,
        "tally" => doc.board.tally,
        _ => doc.board.result,
    };
    let index = index.ok_or_else(|| {
        ServerError::not_found("board.not_yet", format!("no {which} on the board yet"))
    })?;
    Ok(json_bytes(
        app.entry(e, index, which).await?.payload().to_vec(),
    ))
}

async fn manifest(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Response> {
    singular(&app, &id, "manifest").await
}

async fn credentials(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Response> {
    singular(&app, &id, "credentials").await
}

async fn tally(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Response> {
    singular(&app, &id, "tally").await
}

async fn result(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Response> {
    singular(&app, &id, "result").await
}

async fn turnout(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Json<Turnout>> {
    let (e, doc) = election(&app, &id).await?;
    let size = app.board.size(e).await?;
    Ok(Json(app.turnout_of(&doc, size)))
}

/// `?from&limit` of a paged board read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Page {
    #[serde(default)]
    from: u64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    100
}

async fn entries(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(p): Q<Page>,
) -> ApiResult<Json<EntriesPage>> {
    let (e, _) = election(&app, &id).await?;
    log_entries(&app, e, &p).await
}

async fn checkpoint(
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<SignedCheckpoint>> {
    let (e, _) = election(&app, &id).await?;
    log_checkpoint(&app, e, "the board is empty").await
}

async fn checkpoints(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(p): Q<Page>,
) -> ApiResult<Json<Vec<SignedCheckpoint>>> {
    let (e, _) = election(&app, &id).await?;
    log_checkpoints(&app, e, &p).await
}

// Reads of one board log, shared by a round's board and an initiative's
// support log (initiatives.md: the same log, entries and checkpoints).

/// A page of entries and the log's size (server-api.md §11).
pub(super) async fn log_entries(
    app: &App,
    e: ElectionId,
    p: &Page,
) -> ApiResult<Json<EntriesPage>> {
    let size = app.board.size(e).await?;
    let entries = if p.from >= size {
        Vec::new()
    } else {
        app.board.entries(e, p.from, p.limit).await?
    };
    Ok(Json(EntriesPage { entries, size }))
}

/// The latest signed checkpoint; `board.empty` (404, `empty` as its
/// message) before the first entry.
pub(super) async fn log_checkpoint(
    app: &App,
    e: ElectionId,
    empty: &'static str,
) -> ApiResult<Json<SignedCheckpoint>> {
    let c = app
        .board
        .latest_checkpoint(e)
        .await?
        .ok_or_else(|| ServerError::not_found("board.empty", empty))?;
    Ok(Json(c))
}

/// A page of stored checkpoints.
pub(super) async fn log_checkpoints(
    app: &App,
    e: ElectionId,
    p: &Page,
) -> ApiResult<Json<Vec<SignedCheckpoint>>> {
    Ok(Json(app.board.checkpoints(e, p.from, p.limit).await?))
}

/// The whole log as a record file (board.md §7).
pub(super) async fn log_record(app: &App, e: ElectionId) -> ApiResult<Response> {
    let bytes = crate::service::export::export(app.board.as_ref(), e, Vec::new()).await?;
    Ok(([(CONTENT_TYPE, "application/jsonl")], bytes).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InclusionQuery {
    index: u64,
    size: u64,
}

async fn inclusion(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(q): Q<InclusionQuery>,
) -> ApiResult<Json<InclusionProof>> {
    let (e, _) = election(&app, &id).await?;
    Ok(Json(app.board.inclusion_proof(e, q.index, q.size).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyQuery {
    old: u64,
    new: u64,
}

async fn consistency(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(q): Q<ConsistencyQuery>,
) -> ApiResult<Json<ConsistencyProof>> {
    let (e, _) = election(&app, &id).await?;
    Ok(Json(app.board.consistency_proof(e, q.old, q.new).await?))
}

async fn record(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Response> {
    let (e, _) = election(&app, &id).await?;
    log_record(&app, e).await
}
