//! Initiative routes (specs/initiatives.md §2, §3, §5–§7): member login and
//! sessions, proposals, deliberation, supports, the support log, and the
//! officers' initiative routes. [`Member`] authenticates by the session
//! cookie and, on every state-changing request, checks the CSRF header
//! and the `Origin` (§2.3).

use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use psephos_board::SignedCheckpoint;
use psephos_trustee::wire::EntriesPage;
use serde::Deserialize;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::error::{ApiError, ApiResult};
use super::extract::{Officer, Raw, Strict, P, Q};
use super::public::{self, Page};
use crate::app::App;
use crate::error::{ErrorClass, ServerError};
use crate::initiatives::auth::{self, LoginRequest, SessionRequest, SessionView, COOKIE as NAME};
use crate::initiatives::log::board_id;
use crate::initiatives::model::{
    Amendment, AmendmentInput, AmvView, Comment, ProposalInput, ProposalView, Settings,
    SupportReceipt, VersionView,
};

/// The routes under the API prefix.
pub fn routes() -> Router<Arc<App>> {
    let p = "/initiatives/proposals/{id}";
    Router::new()
        .route("/members/login", post(login))
        .route("/members/session", post(session))
        .route("/members/me", get(me))
        .route("/members/logout", post(logout))
        .route("/initiatives/settings", get(settings))
        .route("/initiatives/roll", get(roll))
        .route("/initiatives/proposals", get(list).post(create))
        .route(p, get(view).put(update))
        .route(&format!("{p}/publish"), post(publish))
        .route(&format!("{p}/versions/{{n}}"), get(version))
        .route(&format!("{p}/diff"), get(diff))
        .route(&format!("{p}/amendments"), get(amendments).post(amend))
        .route(&format!("{p}/amendments/{{aid}}/accept"), post(accept))
        .route(&format!("{p}/amendments/{{aid}}/reject"), post(reject))
        .route(&format!("{p}/comments"), get(comments).post(comment))
        .route(&format!("{p}/support"), post(support))
        .route(&format!("{p}/withdraw"), post(withdraw))
        .route(&format!("{p}/log/entries"), get(log_entries))
        .route(&format!("{p}/log/checkpoint"), get(log_checkpoint))
        .route(&format!("{p}/log/checkpoints"), get(log_checkpoints))
        .route(&format!("{p}/log/record"), get(log_record))
        .route("/officer/initiatives/settings", put(put_settings))
        .route("/officer/initiatives/roll", post(import_roll))
        .route(
            "/officer/initiatives/proposals/{id}/schedule",
            post(schedule),
        )
        .route("/officer/initiatives/proposals/{id}/decline", post(decline))
        .route(
            "/officer/initiatives/proposals/{id}/comments/{cid}/hide",
            post(hide),
        )
        .route(
            "/officer/initiatives/proposals/{id}/hide",
            post(hide_proposal),
        )
        .route(
            "/officer/initiatives/proposals/{id}/amendments/{aid}/hide",
            post(hide_amendment),
        )
}

fn session_cookie(parts: &Parts) -> Option<Zeroizing<String>> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == NAME)
        .map(|(_, v)| Zeroizing::new(v.to_string()))
}

fn csrf_refused(m: &str) -> ApiError {
    ApiError(ServerError::new(ErrorClass::Forbidden, "auth.csrf", m))
}

/// The origin (`scheme://host[:port]`) of a URL.
fn origin_of(url: &str) -> &str {
    let rest = url.find("://").map_or(0, |i| i + 3);
    let end = url[rest..].find('/').map_or(url.len(), |i| rest + i);
    &url[..end]
}

fn check_origin(parts: &Parts, app: &App) -> Result<(), ApiError> {
    match parts.headers.get(ORIGIN).map(|v| v.to_str()) {
        None => Ok(()),
        Some(Ok(o)) if o == origin_of(&app.config.public_url) => Ok(()),
        Some(_) => Err(csrf_refused("the request comes from another origin")),
    }
}

/// A signed-in member (§2.3): the session cookie, and for `POST`/`PUT`
/// the CSRF header and a same-origin `Origin`, if any.
pub struct Member {
    /// Member id.
    pub id: String,
    expires_at: u64,
    sid: Zeroizing<String>,
}

impl FromRequestParts<Arc<App>> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let sid = session_cookie(parts).ok_or_else(|| ApiError(auth::member_required()))?;
        if parts.method != Method::GET && parts.method != Method::HEAD {
            check_origin(parts, app)?;
            let presented = parts
                .headers
                .get(auth::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !auth::csrf_ok(&sid, presented) {
                return Err(csrf_refused("missing or wrong X-CSRF-Token"));
            }
        }
        let (id, expires_at) = app.member_of(&sid).await?;
        Ok(Member {
            id,
            expires_at,
            sid,
        })
    }
}

/// A member if signed in (reads only).
pub struct MaybeMember(pub Option<String>);

impl FromRequestParts<Arc<App>> for MaybeMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        Ok(MaybeMember(match session_cookie(parts) {
            Some(sid) => app.member_of(&sid).await.ok().map(|(m, _)| m),
            None => None,
        }))
    }
}

async fn login(
    State(app): State<Arc<App>>,
    Strict(req): Strict<LoginRequest>,
) -> ApiResult<Response> {
    app.member_login(&req.email).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"sent": true}))).into_response())
}

struct OriginChecked;

impl FromRequestParts<Arc<App>> for OriginChecked {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        check_origin(parts, app).map(|_| OriginChecked)
    }
}

async fn session(
    _: OriginChecked,
    State(app): State<Arc<App>>,
    Strict(req): Strict<SessionRequest>,
) -> ApiResult<Response> {
    let (sid, view) = app.member_session(req).await?;
    let cookie = Zeroizing::new(format!(
        "{NAME}={}; Path=/; Max-Age={}; Secure; HttpOnly; SameSite=Strict",
        sid.as_str(),
        auth::SESSION_TTL
    ));
    Ok(([(SET_COOKIE, cookie.as_str())], Json(view)).into_response())
}

async fn me(m: Member) -> Json<SessionView> {
    Json(SessionView {
        csrf: auth::csrf_token(&m.sid),
        member: m.id,
        expires_at: m.expires_at,
    })
}

async fn logout(m: Member, State(app): State<Arc<App>>) -> ApiResult<Response> {
    app.member_logout(&m.sid).await?;
    let clear = format!("{NAME}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
    Ok(([(SET_COOKIE, clear)], Json(json!({"signed_out": true}))).into_response())
}

async fn settings(State(app): State<Arc<App>>) -> ApiResult<Json<Settings>> {
    Ok(Json(app.initiative_settings().await?))
}

async fn roll(State(app): State<Arc<App>>) -> ApiResult<Json<Value>> {
    let ids = app.initiatives.store.member_ids().await?;
    Ok(Json(json!({"members": ids})))
}

async fn list(State(app): State<Arc<App>>) -> ApiResult<Json<Vec<Value>>> {
    Ok(Json(app.list_proposals().await?))
}

async fn create(
    m: Member,
    State(app): State<Arc<App>>,
    Strict(input): Strict<ProposalInput>,
) -> ApiResult<Response> {
    let v = app.create_proposal(&m.id, input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn view(
    MaybeMember(m): MaybeMember,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(app.proposal_view(&id, m.as_deref()).await?))
}

async fn update(
    m: Member,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(input): Strict<ProposalInput>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(app.update_draft(&m.id, &id, input).await?))
}

async fn publish(
    m: Member,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(app.publish_proposal(&m.id, &id).await?))
}

async fn version(
    State(app): State<Arc<App>>,
    P((id, n)): P<(String, u64)>,
) -> ApiResult<Json<VersionView>> {
    Ok(Json(app.version_view(&id, n).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffQuery {
    from: u64,
    to: u64,
}

async fn diff(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(q): Q<DiffQuery>,
) -> ApiResult<Json<Value>> {
    Ok(Json(app.version_diff(&id, q.from, q.to).await?))
}

async fn amendments(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Json<Vec<Value>>> {
    Ok(Json(app.amendments(&id).await?))
}

async fn amend(
    m: Member,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(input): Strict<AmendmentInput>,
) -> ApiResult<Response> {
    let a = app.propose_amendment(&m.id, &id, input).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

async fn accept(
    m: Member,
    State(app): State<Arc<App>>,
    P((id, aid)): P<(String, String)>,
) -> ApiResult<Json<Amendment>> {
    Ok(Json(app.decide_amendment(&m.id, &id, &aid, None).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reason {
    reason: String,
}

async fn reject(
    m: Member,
    State(app): State<Arc<App>>,
    P((id, aid)): P<(String, String)>,
    Strict(r): Strict<Reason>,
) -> ApiResult<Json<Amendment>> {
    Ok(Json(
        app.decide_amendment(&m.id, &id, &aid, Some(r.reason))
            .await?,
    ))
}

async fn comments(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Json<Vec<Comment>>> {
    app.proposal_view(&id, None).await?;
    Ok(Json(app.comments(&id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    body: String,
}

async fn comment(
    m: Member,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(c): Strict<CommentBody>,
) -> ApiResult<Response> {
    let c = app.comment(&m.id, &id, c.body).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportBody {
    version: u64,
}

async fn support(
    m: Member,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(b): Strict<SupportBody>,
) -> ApiResult<Json<SupportReceipt>> {
    Ok(Json(app.support(&m.id, &id, b.version).await?))
}

async fn withdraw(
    m: Member,
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<SupportReceipt>> {
    Ok(Json(app.withdraw(&m.id, &id).await?))
}

/// A published proposal's log id (a draft has no log).
async fn published_log(app: &App, id: &str) -> Result<psephos_board::ElectionId, ServerError> {
    app.proposal_view(id, None).await?;
    Ok(board_id(id))
}

async fn log_entries(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(p): Q<Page>,
) -> ApiResult<Json<EntriesPage>> {
    let e = published_log(&app, &id).await?;
    public::log_entries(&app, e, &p).await
}

async fn log_checkpoint(
    State(app): State<Arc<App>>,
    P(id): P<String>,
) -> ApiResult<Json<SignedCheckpoint>> {
    let e = published_log(&app, &id).await?;
    public::log_checkpoint(&app, e, "the log is empty").await
}

async fn log_checkpoints(
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Q(p): Q<Page>,
) -> ApiResult<Json<Vec<SignedCheckpoint>>> {
    let e = published_log(&app, &id).await?;
    public::log_checkpoints(&app, e, &p).await
}

async fn log_record(State(app): State<Arc<App>>, P(id): P<String>) -> ApiResult<Response> {
    let e = published_log(&app, &id).await?;
    public::log_record(&app, e).await
}

async fn put_settings(
    _: Officer,
    State(app): State<Arc<App>>,
    Strict(s): Strict<Settings>,
) -> ApiResult<Json<Settings>> {
    Ok(Json(app.put_initiative_settings(s).await?))
}

async fn import_roll(
    _: Officer,
    State(app): State<Arc<App>>,
    Raw(body): Raw,
) -> ApiResult<Json<Value>> {
    let text = String::from_utf8(body)
        .map_err(|_| ServerError::bad_request("roll.encoding", "the roll is not UTF-8"))?;
    Ok(Json(json!(app.import_member_roll(&text).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

async fn schedule(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(Empty {}): Strict<Empty>,
) -> ApiResult<Json<AmvView>> {
    Ok(Json(app.officer_decide(&id, None).await?))
}

async fn decline(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(r): Strict<Reason>,
) -> ApiResult<Json<AmvView>> {
    Ok(Json(app.officer_decide(&id, Some(r.reason)).await?))
}

async fn hide(
    _: Officer,
    State(app): State<Arc<App>>,
    P((id, cid)): P<(String, String)>,
    Strict(r): Strict<Reason>,
) -> ApiResult<Json<Comment>> {
    Ok(Json(app.hide_comment(&id, &cid, r.reason).await?))
}

async fn hide_proposal(
    _: Officer,
    State(app): State<Arc<App>>,
    P(id): P<String>,
    Strict(r): Strict<Reason>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(app.hide_proposal(&id, r.reason).await?))
}

async fn hide_amendment(
    _: Officer,
    State(app): State<Arc<App>>,
    P((id, aid)): P<(String, String)>,
    Strict(r): Strict<Reason>,
) -> ApiResult<Json<Value>> {
    Ok(Json(app.hide_amendment(&id, &aid, r.reason).await?))
}
