//! Trustee routes under `/api/v1/trustee` (specs/server-api.md §8): the
//! key ceremony phase by phase, then the tally to decrypt and the
//! decryption share. The round and trustee index come from the token.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use psephos_crypto::threshold::{DecryptionShare, TrusteeAnnouncement};
use psephos_trustee::wire::{CeremonyView, ComplaintList, Dealing, ShareAccepted, TallyView};

use super::error::ApiResult;
use super::extract::{Strict, Trustee};
use crate::app::App;

/// The trustee routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/trustee/ceremony", get(view))
        .route("/trustee/ceremony/announcement", post(announce))
        .route("/trustee/ceremony/dealing", post(deal))
        .route("/trustee/ceremony/complaints", post(complain))
        .route("/trustee/tally", get(tally))
        .route("/trustee/decryption", post(decryption))
}

async fn view(Trustee(who): Trustee, State(app): State<Arc<App>>) -> ApiResult<Json<CeremonyView>> {
    Ok(Json(app.trustee_view(&who).await?))
}

async fn announce(
    Trustee(who): Trustee,
    State(app): State<Arc<App>>,
    Strict(a): Strict<TrusteeAnnouncement>,
) -> ApiResult<Json<CeremonyView>> {
    Ok(Json(app.post_announcement(&who, a).await?))
}

async fn deal(
    Trustee(who): Trustee,
    State(app): State<Arc<App>>,
    Strict(d): Strict<Dealing>,
) -> ApiResult<Json<CeremonyView>> {
    Ok(Json(app.post_dealing(&who, d).await?))
}

async fn complain(
    Trustee(who): Trustee,
    State(app): State<Arc<App>>,
    Strict(c): Strict<ComplaintList>,
) -> ApiResult<Json<CeremonyView>> {
    Ok(Json(app.post_complaints(&who, c).await?))
}

async fn tally(Trustee(who): Trustee, State(app): State<Arc<App>>) -> ApiResult<Json<TallyView>> {
    Ok(Json(app.trustee_tally(&who).await?))
}

async fn decryption(
    Trustee(who): Trustee,
    State(app): State<Arc<App>>,
    Strict(share): Strict<DecryptionShare>,
) -> ApiResult<Json<ShareAccepted>> {
    Ok(Json(app.post_share(&who, share).await?))
}
