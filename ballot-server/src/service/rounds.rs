//! Round drafts and status (specs/server-api.md §4), and
//! [`App::mutate`], the compare-and-swap loop every document change goes
//! through.

use std::collections::BTreeMap;

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use psephos_crypto::record::manifest::CeremonyRef;
use psephos_crypto::record::Manifest;
use psephos_trustee::wire::{
    DecryptionStatus, RoundDraft, RoundState, RoundStatus, RoundSummary, Turnout,
};

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::round::RoundDoc;
use crate::state::require;
use crate::store::Versioned;

/// Attempts of a compare-and-swap update before giving up.
const CAS_ATTEMPTS: usize = 64;

/// The manifest a draft would give with placeholder key and ceremony:
/// checks every rule of record.md §2 that the draft already fixes.
pub fn check_draft(draft: &RoundDraft, board_key: [u8; 32]) -> Result<()> {
    let m = Manifest {
        spec_version: 1,
        election: draft.election.clone(),
        title: draft.title.clone(),
        questions: draft.questions.clone(),
        election_key: RISTRETTO_BASEPOINT_POINT,
        ceremony: CeremonyRef {
            ceremony_id: [0; 32],
            threshold: 1,
            trustees: 1,
        },
        board_key,
        schedule: draft.schedule,
        revote: draft.revote,
    };
    m.validate()
        .map_err(|e| ServerError::invalid("round.invalid_draft", e.to_string()))
}

impl App {
    /// Reads a round or fails with `round.not_found`.
    pub async fn load(&self, id: &str) -> Result<Versioned> {
        self.store
            .load_round(id)
            .await?
            .ok_or_else(|| ServerError::not_found("round.not_found", format!("no round {id:?}")))
    }

    /// Applies `f` to the stored document and writes it back, retrying
    /// when another writer came first. `f` may refuse by returning an
    /// error; nothing is written then.
    pub async fn mutate<T>(
        &self,
        id: &str,
        mut f: impl FnMut(&mut RoundDoc) -> Result<T>,
    ) -> Result<(T, RoundDoc)> {
        for _ in 0..CAS_ATTEMPTS {
            let Versioned { version, mut doc } = self.load(id).await?;
            let out = f(&mut doc)?;
            if self.store.update_round(id, version, &doc).await? {
                return Ok((out, doc));
            }
        }
        Err(ServerError::unavailable(
            "server.contention",
            "the round is being changed by others; retry",
        ))
    }

    /// Creates a round from a draft.
    pub async fn create_round(&self, draft: RoundDraft) -> Result<RoundStatus> {
        check_draft(&draft, self.board_key.0)?;
        let doc = RoundDoc::new(draft, crate::now());
        self.store.insert_round(&doc).await?;
        self.status(&doc).await
    }

    /// Replaces the draft of a round in `draft`.
    pub async fn update_round(&self, id: &str, draft: RoundDraft) -> Result<RoundStatus> {
        if draft.election != id {
            return Err(ServerError::bad_request(
                "round.id_mismatch",
                "the draft's election id differs from the URL's",
            ));
        }
        check_draft(&draft, self.board_key.0)?;
        let (_, doc) = self
            .mutate(id, |doc| {
                require(doc.state, &[RoundState::Draft], "edit the draft")?;
                doc.draft = draft.clone();
                Ok(())
            })
            .await?;
        self.status(&doc).await
    }

    /// Every round.
    pub async fn list(&self) -> Result<Vec<RoundSummary>> {
        Ok(self
            .store
            .list_rounds()
            .await?
            .into_iter()
            .map(|v| RoundSummary {
                election: v.doc.id().to_string(),
                state: v.doc.state,
                election_id: v.doc.election_id.clone(),
            })
            .collect())
    }

    /// The status of a round.
    pub async fn status(&self, doc: &RoundDoc) -> Result<RoundStatus> {
        let board_size = match self.election_of(doc) {
            Ok(e) => self.board.size(e).await?,
            Err(_) => 0,
        };
        let open_or_later = !matches!(
            doc.state,
            RoundState::Draft
                | RoundState::KeyCeremony
                | RoundState::Frozen
                | RoundState::Cancelled
        );
        let turnout = open_or_later.then(|| self.turnout_of(doc, board_size));
        let decryption =
            matches!(doc.state, RoundState::Tallying | RoundState::Published).then(|| {
                DecryptionStatus {
                    accepted: doc.shares.iter().map(|s| s.trustee).collect(),
                    rejected: doc.rejected_shares.clone(),
                    threshold: doc.ceremony.as_ref().map_or(0, |c| c.parameters.threshold),
                }
            });
        Ok(RoundStatus {
            election: doc.id().to_string(),
            state: doc.state,
            election_id: doc.election_id.clone(),
            draft: doc.draft.clone(),
            ceremony: doc.ceremony.as_ref().map(|c| c.phase()),
            roll: doc.roll,
            credentials: doc.credentials,
            board_size,
            decryption,
            turnout,
        })
    }

    /// Turnout from the board size and the document's counters: every
    /// entry after `open` and before `close` that is not audited is a
    /// ballot (record.md §8).
    pub fn turnout_of(&self, doc: &RoundDoc, board_size: u64) -> Turnout {
        let ballots = match doc.counted {
            Some(c) => c.ballots,
            // manifest, ceremony, credentials, open
            None => board_size
                .saturating_sub(4 + doc.audited + u64::from(doc.state == RoundState::Closed)),
        };
        Turnout {
            ballots,
            audited: doc.audited,
            voters: doc.counted.map(|c| c.voters),
            weight: doc.counted.map(|c| c.weight),
            electorate: doc.roll.map(|r| r.total_weight),
        }
    }
}

/// A text map from one string (drafts made by the demo and tests).
pub fn text(s: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("en".to_string(), s.to_string())])
}
