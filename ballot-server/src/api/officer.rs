//! Officer routes under `/api/v1/officer` (specs/server-api.md §4–§6):
//! drafts, the ceremony, freeze, roll, credentials and transitions. Every
//! route needs an officer token.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use psephos_crypto::record::CredentialList;
use psephos_trustee::wire::{
    CeremonySetup, CeremonyStarted, CeremonyView, CredentialsIssued, RollSummary, RoundDraft,
    RoundStatus, TransitionRequest,
};

use super::error::{ApiError, ApiResult};
use super::extract::{parse_strict, AnyBody, Officer, Raw, Strict, P};
use crate::app::App;
use crate::error::ServerError;
use crate::state::Transition;

/// The officer routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/officer/rounds", post(create))
        .route("/officer/rounds/{id}", get(status).put(update))
        .route(
            "/officer/rounds/{id}/ceremony",
            post(start_ceremony).get(ceremony),
        )
        .route(
            "/officer/rounds/{id}/ceremony/finish",
            post(finish_ceremony),
        )
        .route("/officer/rounds/{id}/freeze", post(freeze))
        .route("/officer/rounds/{id}/roll", post(roll))
        .route(
            "/officer/rounds/{id}/credentials/generate",
            post(generate_credentials),
        )
        .route(
            "/officer/rounds/{id}/credentials",
            axum::routing::put(upload_credentials),
        )
        .route("/officer/rounds/{id}/{transition}", post(transition))
}

async fn create(
    _: Officer,
    State(app): State<Arc<App>>,
    Strict(draft): Strict<RoundDraft>,
) -> ApiResult<Json<RoundStatus>> {
    Ok(Json(app.create_round(draft).await?))
}

async fn update(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(draft): Strict<RoundDraft>,
) -> ApiResult<Json<RoundStatus>> {
    Ok(Json(app.update_round(&id, draft).await?))
}

async fn status(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<RoundStatus>> {
    let doc = app.load(&id).await?.doc;
    Ok(Json(app.status(&doc).await?))
}

async fn start_ceremony(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(setup): Strict<CeremonySetup>,
) -> ApiResult<Json<CeremonyStarted>> {
    Ok(Json(app.start_ceremony(&id, setup).await?))
}

async fn ceremony(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<CeremonyView>> {
    Ok(Json(app.ceremony_view(&id, None).await?))
}

async fn finish_ceremony(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<CeremonyView>> {
    Ok(Json(app.finish_ceremony(&id).await?))
}

async fn freeze(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<RoundStatus>> {
    Ok(Json(app.freeze(&id).await?))
}

async fn roll(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Raw(body): Raw,
) -> ApiResult<Json<RollSummary>> {
    let text = String::from_utf8(body)
        .map_err(|_| ServerError::bad_request("roll.encoding", "the roll must be UTF-8"))?;
    Ok(Json(app.import_roll(&id, &text).await?))
}

async fn generate_credentials(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<CredentialsIssued>> {
    Ok(Json(app.generate_credentials(&id).await?))
}

async fn upload_credentials(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Raw(body): Raw,
) -> ApiResult<Json<RoundStatus>> {
    let list: CredentialList = parse_strict(&body)?;
    app.upload_credentials(&id, list).await?;
    let doc = app.load(&id).await?.doc;
    Ok(Json(app.status(&doc).await?))
}

async fn transition(
    _: Officer,
    State(app): State<Arc<App>>,
    P((id, name)): P<(String, String)>,
    AnyBody(body): AnyBody,
) -> ApiResult<Json<RoundStatus>> {
    let t = Transition::parse(&name)
        .filter(|t| !matches!(t, Transition::Ceremony | Transition::Freeze))
        .ok_or_else(|| {
            ApiError(ServerError::not_found(
                "route.not_found",
                format!("no officer action {name:?}"),
            ))
        })?;
    let request: TransitionRequest = if body.is_empty() || &body[..] == b"null" {
        TransitionRequest::default()
    } else {
        parse_strict(&body)?
    };
    Ok(Json(app.transition(&id, t, request.reason).await?))
}
