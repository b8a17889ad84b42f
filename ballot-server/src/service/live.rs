//! Rounds that are open or later, loaded once per process from the board
//! itself (manifest at index 0, the credential list at its index), so
//! casting checks ballots against exactly what the board says.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use psephos_board::{ElectionId, Entry};
use psephos_crypto::ballot::BallotStatement;
use psephos_crypto::record::{CredentialList, Manifest};

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::round::RoundDoc;

/// What casting needs of a round, immutable once open.
pub struct LiveRound {
    /// Round id.
    pub round: String,
    /// The board's election id.
    pub election: ElectionId,
    /// The manifest.
    pub manifest: Manifest,
    /// What every ballot is verified against.
    pub stmt: Arc<BallotStatement>,
    /// Public credential (encoding) → weight.
    pub credentials: HashMap<[u8; 32], u64>,
    /// Total weight of the list.
    pub electorate: u64,
    /// Until when (unix seconds) this process believes the round open: a
    /// hint that saves a query per cast, never the decision, which is
    /// taken under the round lock.
    open_until: AtomicU64,
}

impl LiveRound {
    /// True unless this process recently saw the round not open.
    pub fn maybe_open(&self) -> bool {
        crate::now() < self.open_until.load(Ordering::Relaxed)
    }

    /// Records what the phase column said.
    pub fn set_open(&self, open: bool) {
        let until = if open {
            crate::now()
                .saturating_add(2)
                .min(self.manifest.schedule.closes_at)
        } else {
            0
        };
        self.open_until.store(until, Ordering::Relaxed);
    }
}

impl App {
    /// The board election of a frozen (or later) round.
    pub fn election_of(&self, doc: &RoundDoc) -> Result<ElectionId> {
        let hex = doc.election_id.as_deref().ok_or_else(|| {
            ServerError::conflict("round.not_frozen", "the round has no manifest yet")
        })?;
        ElectionId::from_hex(hex).map_err(|_| ServerError::internal("stored election id"))
    }

    /// The entry at `index`, refusing a kind other than `kind`.
    pub async fn entry(&self, election: ElectionId, index: u64, kind: &str) -> Result<Entry> {
        let e = self
            .board
            .entries(election, index, 1)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ServerError::internal(format!("board entry {index} missing")))?
            .entry;
        if e.kind() != kind {
            return Err(ServerError::internal(format!(
                "board entry {index} is a {}, not a {kind}",
                e.kind()
            )));
        }
        Ok(e)
    }

    /// The live round, loading it from the board on first use. Refused
    /// with `round.not_open` before the credential list is on the board.
    pub async fn live_round(&self, id: &str) -> Result<Arc<LiveRound>> {
        if let Some(l) = self.live.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            return Ok(l.clone());
        }
        let doc = self.load(id).await?.doc;
        let Some(cred_index) = doc.board.credentials else {
            return Err(ServerError::conflict(
                "round.not_open",
                format!("round {id} is {}, not open", doc.state.as_str()),
            ));
        };
        let election = self.election_of(&doc)?;
        let m_entry = self.entry(election, 0, "manifest").await?;
        let c_entry = self.entry(election, cred_index, "credentials").await?;
        let manifest = Manifest::parse(m_entry.payload())?;
        let stmt = manifest.ballot_statement(election.0)?;
        let list: CredentialList = serde_json::from_slice(c_entry.payload())
            .map_err(|e| ServerError::internal(format!("credential list on the board: {e}")))?;
        let credentials = list
            .credentials
            .iter()
            .map(|e| (e.credential.compress().to_bytes(), e.weight))
            .collect();
        let live = Arc::new(LiveRound {
            round: id.to_string(),
            election,
            manifest,
            stmt: Arc::new(stmt),
            credentials,
            electorate: list.total_weight(),
            open_until: AtomicU64::new(0),
        });
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), live.clone());
        Ok(live)
    }
}
