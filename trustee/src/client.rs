//! HTTP client of the ballot server's API (specs/server-api.md), shared by
//! the trustee CLI, the server's demo and load generator, and the tests.
//! One method per route; every error response is decoded into
//! [`ClientError::Api`] with its stable code.

use psephos_board::SignedCheckpoint;
use psephos_crypto::record::{CredentialList, Manifest};
use psephos_crypto::threshold::{DecryptionShare, TrusteeAnnouncement};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::wire::*;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request did not reach the server or the answer was cut.
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// The server answered with an error body.
    #[error("{status} {code}: {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code.
        code: String,
        /// Message.
        message: String,
        /// Per-line problems, if any.
        lines: Vec<LineError>,
    },
    /// The server's answer did not decode.
    #[error("bad answer: {0}")]
    Decode(String),
}

impl ClientError {
    /// The API error code, if the server gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A client for one server, optionally holding a bearer token.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

/// Never prints the token.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("token", &self.token.as_ref().map(|_| "<secret>"))
            .finish()
    }
}

impl Client {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()?;
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            http,
            token: None,
        })
    }

    /// The same client with a bearer token.
    pub fn with_token(&self, token: &str) -> Self {
        Client {
            token: Some(token.to_string()),
            ..self.clone()
        }
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The bearer token this client sends, if any (a secret).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{API}{path}", self.base));
        if let Some(t) = &self.token {
            r = r.header(AUTHORIZATION, format!("Bearer {t}"));
        }
        r
    }

    async fn send(&self, r: RequestBuilder) -> Result<Vec<u8>, ClientError> {
        let resp = r.send().await?;
        let status = resp.status();
        let body = resp.bytes().await?.to_vec();
        if status.is_success() {
            return Ok(body);
        }
        Err(decode_error(status, &body))
    }

    async fn json<T: DeserializeOwned>(&self, r: RequestBuilder) -> Result<T, ClientError> {
        let body = self.send(r).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.json(self.request(Method::GET, path)).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.json(self.request(Method::POST, path).json(body)).await
    }

    /// Posts raw bytes with a content type; returns the raw answer.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, ClientError> {
        self.send(
            self.request(Method::POST, path)
                .header(CONTENT_TYPE, content_type)
                .body(body),
        )
        .await
    }

    /// GETs a path under the API prefix and returns the raw answer.
    pub async fn get_raw(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        self.send(self.request(Method::GET, path)).await
    }

    // --- public -------------------------------------------------------

    /// `GET /healthz` (outside the API prefix).
    pub async fn health(&self) -> Result<Health, ClientError> {
        let r = self.http.get(format!("{}/healthz", self.base));
        self.json(r).await
    }

    /// Every round.
    pub async fn rounds(&self) -> Result<Vec<RoundSummary>, ClientError> {
        self.get("/rounds").await
    }

    /// A round's public status.
    pub async fn round(&self, round: &str) -> Result<RoundStatus, ClientError> {
        self.get(&format!("/rounds/{round}")).await
    }

    /// The manifest's exact bytes and their parse.
    pub async fn manifest(&self, round: &str) -> Result<(Manifest, Vec<u8>), ClientError> {
        let bytes = self.get_raw(&format!("/rounds/{round}/manifest")).await?;
        let m = Manifest::parse(&bytes).map_err(|e| ClientError::Decode(e.to_string()))?;
        Ok((m, bytes))
    }

    /// A page of board entries.
    pub async fn entries(
        &self,
        round: &str,
        from: u64,
        limit: u32,
    ) -> Result<EntriesPage, ClientError> {
        self.get(&format!(
            "/rounds/{round}/board/entries?from={from}&limit={limit}"
        ))
        .await
    }

    /// The latest signed checkpoint.
    pub async fn checkpoint(&self, round: &str) -> Result<SignedCheckpoint, ClientError> {
        self.get(&format!("/rounds/{round}/board/checkpoint")).await
    }

    /// The record file (board.md §7).
    pub async fn record(&self, round: &str) -> Result<Vec<u8>, ClientError> {
        self.get_raw(&format!("/rounds/{round}/board/record")).await
    }

    /// Turnout so far.
    pub async fn turnout(&self, round: &str) -> Result<Turnout, ClientError> {
        self.get(&format!("/rounds/{round}/turnout")).await
    }

    /// The published result's exact bytes.
    pub async fn result_bytes(&self, round: &str) -> Result<Vec<u8>, ClientError> {
        self.get_raw(&format!("/rounds/{round}/result")).await
    }

    // --- voter --------------------------------------------------------

    /// Casts a ballot given its canonical bytes.
    pub async fn cast(&self, round: &str, ballot: Vec<u8>) -> Result<CastReceipt, ClientError> {
        let body = self
            .post_raw(
                &format!("/rounds/{round}/ballots"),
                "application/json",
                ballot,
            )
            .await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Posts an audited (spoiled) ballot given its canonical bytes.
    pub async fn audit(&self, round: &str, audited: Vec<u8>) -> Result<CastReceipt, ClientError> {
        let body = self
            .post_raw(
                &format!("/rounds/{round}/audits"),
                "application/json",
                audited,
            )
            .await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Looks a ballot up by tracking code.
    pub async fn lookup(&self, round: &str, tracking: &str) -> Result<CastReceipt, ClientError> {
        self.get(&format!("/rounds/{round}/ballots/{tracking}"))
            .await
    }

    // --- officer ------------------------------------------------------

    /// Creates a round from a draft.
    pub async fn create_round(&self, draft: &RoundDraft) -> Result<RoundStatus, ClientError> {
        self.post("/officer/rounds", draft).await
    }

    /// Replaces the draft of a round still in `draft`.
    pub async fn update_round(
        &self,
        round: &str,
        draft: &RoundDraft,
    ) -> Result<RoundStatus, ClientError> {
        self.json(
            self.request(Method::PUT, &format!("/officer/rounds/{round}"))
                .json(draft),
        )
        .await
    }

    /// Starts (or restarts) the key ceremony.
    pub async fn start_ceremony(
        &self,
        round: &str,
        setup: &CeremonySetup,
    ) -> Result<CeremonyStarted, ClientError> {
        self.post(&format!("/officer/rounds/{round}/ceremony"), setup)
            .await
    }

    /// The ceremony as officers see it.
    pub async fn officer_ceremony(&self, round: &str) -> Result<CeremonyView, ClientError> {
        self.get(&format!("/officer/rounds/{round}/ceremony")).await
    }

    /// Derives the ceremony outcome from the messages received so far.
    pub async fn finish_ceremony(&self, round: &str) -> Result<CeremonyView, ClientError> {
        self.post(&format!("/officer/rounds/{round}/ceremony/finish"), &())
            .await
    }

    /// Freezes the manifest onto the board.
    pub async fn freeze(&self, round: &str) -> Result<RoundStatus, ClientError> {
        self.post(&format!("/officer/rounds/{round}/freeze"), &())
            .await
    }

    /// Imports the roll (CSV `member_id,email[,weight]`).
    pub async fn import_roll(&self, round: &str, csv: &str) -> Result<RollSummary, ClientError> {
        let body = self
            .post_raw(
                &format!("/officer/rounds/{round}/roll"),
                "text/csv",
                csv.as_bytes().to_vec(),
            )
            .await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Server mode: generates every member's credential (once).
    pub async fn generate_credentials(
        &self,
        round: &str,
    ) -> Result<CredentialsIssued, ClientError> {
        self.post(
            &format!("/officer/rounds/{round}/credentials/generate"),
            &(),
        )
        .await
    }

    /// External mode: uploads the public credential list.
    pub async fn upload_credentials(
        &self,
        round: &str,
        list: &CredentialList,
    ) -> Result<RoundStatus, ClientError> {
        self.json(
            self.request(Method::PUT, &format!("/officer/rounds/{round}/credentials"))
                .json(list),
        )
        .await
    }

    /// An officer transition: `open`, `close`, `tally`, `publish`, `cancel`.
    pub async fn transition(
        &self,
        round: &str,
        transition: &str,
        request: &TransitionRequest,
    ) -> Result<RoundStatus, ClientError> {
        self.post(&format!("/officer/rounds/{round}/{transition}"), request)
            .await
    }

    // --- trustee ------------------------------------------------------

    /// The ceremony as this trustee sees it.
    pub async fn ceremony(&self) -> Result<CeremonyView, ClientError> {
        self.get("/trustee/ceremony").await
    }

    /// Phase 1.
    pub async fn announce(&self, a: &TrusteeAnnouncement) -> Result<CeremonyView, ClientError> {
        self.post("/trustee/ceremony/announcement", a).await
    }

    /// Phase 2.
    pub async fn deal(&self, d: &Dealing) -> Result<CeremonyView, ClientError> {
        self.post("/trustee/ceremony/dealing", d).await
    }

    /// Phase 3.
    pub async fn complain(&self, c: &ComplaintList) -> Result<CeremonyView, ClientError> {
        self.post("/trustee/ceremony/complaints", c).await
    }

    /// The encrypted tally to decrypt.
    pub async fn tally(&self) -> Result<TallyView, ClientError> {
        self.get("/trustee/tally").await
    }

    /// Posts this trustee's decryption share.
    pub async fn post_decryption(
        &self,
        share: &DecryptionShare,
    ) -> Result<ShareAccepted, ClientError> {
        self.post("/trustee/decryption", share).await
    }
}

fn decode_error(status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => ClientError::Api {
            status: status.as_u16(),
            code: e.error.code,
            message: e.error.message,
            lines: e.error.lines,
        },
        Err(_) => ClientError::Api {
            status: status.as_u16(),
            code: "http.error".into(),
            message: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
            lines: Vec::new(),
        },
    }
}
