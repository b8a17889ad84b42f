//! Member initiatives (specs/initiatives.md): member login, proposals and
//! their versions, deliberation, the support log on the board, the freeze
//! and the AMV round draft for the officers.
//!
//! | module | holds |
//! | --- | --- |
//! | [`model`] | documents, inputs and views, with their checks (§3, §6, §7) |
//! | [`markdown`] | safe rendering, refusal of raw HTML, version diffs (§4, §3.2) |
//! | [`store`] | [`store::InitiativeStore`] on both server stores (migration 2) |
//! | [`auth`] | sign-in links, one-time codes, sessions, CSRF (§2) |
//! | [`proposals`] | settings, roll, drafts, publication, versions (§3.1–§3.2, §3.6) |
//! | [`deliberation`] | amendments and comments (§3.3–§3.4) |
//! | [`moderation`] | officers hiding proposals and amendments (§3.5) |
//! | [`log`] | the support log: supports, withdrawals, freeze (§5) |
//! | [`roll`] | members who join after a log opened: `support.roll-add` (§5.2) |
//! | [`notify`] | mails to supporters of an older version (§5.3) |
//! | [`amv`] | the AMV draft, officers' actions, public state (§7) |
//! | [`alternatives`] | competing alternatives and their AMV options (§7.1) |
//! | [`routes`] | the route table of `/openapi.json` |
//!
//! The support log's entries and counting rule are
//! `psephos_crypto::record::support`, which the verifier replays too.

pub mod alternatives;
pub mod amv;
pub mod auth;
pub mod deliberation;
pub mod log;
pub mod markdown;
pub mod model;
pub mod moderation;
pub mod notify;
pub mod proposals;
pub mod roll;
pub mod routes;
pub mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use psephos_crypto::record::support::{SupportError, SupportState};
use rand_core::{OsRng, RngCore};
use serde::de::DeserializeOwned;
use serde::Serialize;

use self::store::InitiativeStore;
use crate::error::{ErrorClass, Result, ServerError};

/// The replayed state of one support log, shared by its readers and the
/// holder of the proposal's lock (§5.3).
pub(crate) type LogSlot = Arc<tokio::sync::RwLock<SupportState>>;

/// The initiatives' part of [`crate::app::App`].
pub struct Initiatives {
    /// Roll, logins, sessions, documents.
    pub store: Arc<dyn InitiativeStore>,
    /// Support-log states by proposal, as far as replayed: the cache of
    /// §5.3, kept by log size (`SupportState::size`).
    logs: Mutex<HashMap<String, LogSlot>>,
}

impl Initiatives {
    /// Wraps a store.
    pub fn new(store: Arc<dyn InitiativeStore>) -> Self {
        Initiatives {
            store,
            logs: Mutex::new(HashMap::new()),
        }
    }

    /// The cached state of a log (an empty one, replayed on first use,
    /// if none).
    pub(crate) fn log_slot(&self, id: &str) -> LogSlot {
        let mut m = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(id.to_string()).or_default().clone()
    }

    /// Drops every cached log state: the next use of a log replays it from
    /// the board (benchmarks compare the two; a lock holder keeps its own).
    pub fn forget_logs(&self) {
        self.logs.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// A typed object with its version.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        kind: &str,
        id: &str,
    ) -> Result<Option<(i64, T)>> {
        match self.store.object(kind, id).await? {
            None => Ok(None),
            Some(o) => Ok(Some((o.version, parse(&o.doc)?))),
        }
    }

    /// Inserts a typed object; false if it exists.
    pub(crate) async fn insert<T: Serialize>(
        &self,
        kind: &str,
        id: &str,
        parent: &str,
        doc: &T,
    ) -> Result<bool> {
        self.store
            .insert_object(kind, id, parent, &text(doc)?, crate::now())
            .await
    }

    /// Compare-and-swap update of a typed object.
    pub(crate) async fn update<T: Serialize>(
        &self,
        kind: &str,
        id: &str,
        version: i64,
        doc: &T,
    ) -> Result<bool> {
        self.store
            .update_object(kind, id, version, &text(doc)?)
            .await
    }

    /// Typed objects under a parent, in insertion order.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        kind: &str,
        parent: &str,
    ) -> Result<Vec<T>> {
        self.store
            .objects(kind, parent)
            .await?
            .iter()
            .map(|o| parse(&o.doc))
            .collect()
    }
}

fn parse<T: DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| ServerError::internal(format!("stored document: {e}")))
}

fn text<T: Serialize>(doc: &T) -> Result<String> {
    serde_json::to_string(doc).map_err(|e| ServerError::internal(e.to_string()))
}

/// `prefix` followed by 16 random lowercase hex digits.
pub fn random_id(prefix: &str) -> String {
    let mut b = [0u8; 8];
    OsRng.fill_bytes(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

/// A support-log refusal as a server error (initiatives.md §9).
pub fn support_error(e: SupportError) -> ServerError {
    let class = match e.code {
        "member.unknown" => ErrorClass::Invalid,
        "support.duplicate"
        | "support.not_supporting"
        | "support.wrong_version"
        | "proposal.frozen" => ErrorClass::Conflict,
        _ => ErrorClass::Internal,
    };
    ServerError::new(class, e.code, e.message)
}

/// Attempts of a compare-and-swap update before giving up.
pub(crate) const CAS_ATTEMPTS: usize = 32;

/// The refusal when compare-and-swap keeps losing.
pub(crate) fn contention() -> ServerError {
    ServerError::unavailable("server.contention", "too many concurrent changes; retry")
}
