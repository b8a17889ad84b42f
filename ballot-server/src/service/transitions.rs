//! Officer transitions and the board writes they make (record.md §1, §8;
//! specs/server-api.md §4).
//!
//! Every transition runs under the round's exclusive lock, so it waits for
//! the casts in flight in every process. It first writes its intent — the
//! exact entries to append and the state after them — into the round
//! document; from then on no cast is accepted (the phase column leaves
//! `open`). Then it appends the entries and records the new state. A crash
//! in between leaves the intent, which [`App::complete_pending`] finishes
//! on the next start or transition by appending the same bytes again
//! (idempotent, board.md §6).

use psephos_board::Entry;
use psephos_crypto::record::manifest::CeremonyRef;
use psephos_crypto::record::Manifest;
use psephos_trustee::wire::{RoundState, RoundStatus};

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::round::{Counted, Payload, Pending, PendingEntry, RoundDoc, TransitionEntry};
use crate::service::credentials::CREDENTIALS_BLOB;
use crate::state::{next, Transition};

fn inline(kind: &str, bytes: Vec<u8>) -> Result<PendingEntry> {
    Ok(PendingEntry {
        kind: kind.to_string(),
        payload: Payload::Inline(
            String::from_utf8(bytes).map_err(|_| ServerError::internal("payload is not UTF-8"))?,
        ),
    })
}

impl App {
    fn transition_entry(
        &self,
        doc: &RoundDoc,
        t: Transition,
        at: u64,
        reason: Option<String>,
    ) -> Result<PendingEntry> {
        let e = TransitionEntry {
            spec_version: 1,
            election_id: doc
                .election_id
                .clone()
                .ok_or_else(|| ServerError::internal("transition entry without election"))?,
            transition: t.as_str().to_string(),
            at: at.max(doc.last_transition_at),
            reason,
        };
        inline(
            "transition",
            serde_json::to_vec(&e).map_err(|err| ServerError::internal(err.to_string()))?,
        )
    }

    /// Freezes the manifest: `manifest` then `ceremony` entries.
    pub async fn freeze(&self, id: &str) -> Result<RoundStatus> {
        self.run_transition(id, Transition::Freeze, None).await
    }

    /// Runs an officer transition.
    pub async fn transition(
        &self,
        id: &str,
        t: Transition,
        reason: Option<String>,
    ) -> Result<RoundStatus> {
        if let Some(r) = &reason {
            if r.len() > 1000 {
                return Err(ServerError::invalid(
                    "transition.reason",
                    "reason over 1000 bytes",
                ));
            }
        }
        self.run_transition(id, t, reason).await
    }

    async fn run_transition(
        &self,
        id: &str,
        t: Transition,
        reason: Option<String>,
    ) -> Result<RoundStatus> {
        let lock = self.store.lock_exclusive(id).await?;
        let result = async {
            self.complete_pending(id).await?;
            let doc = self.load(id).await?.doc;
            let to = next(doc.state, t)?;
            let (entries, election_id, counted) = self.plan(&doc, t, reason).await?;
            let from = doc.state;
            self.mutate(id, |d| {
                if d.state != from || d.pending.is_some() {
                    return Err(ServerError::conflict(
                        "round.changed",
                        "the round changed meanwhile; retry",
                    ));
                }
                if election_id.is_some() {
                    d.election_id = election_id.clone();
                }
                if counted.is_some() {
                    d.counted = counted;
                }
                d.pending = Some(Pending {
                    entries: entries.clone(),
                    then: to,
                });
                Ok(())
            })
            .await?;
            self.complete_pending(id).await?;
            self.status(&self.load(id).await?.doc).await
        }
        .await;
        lock.release().await;
        result
    }

    /// The entries of a transition (and, for freeze, the election id; for
    /// the tally, who is counted).
    async fn plan(
        &self,
        doc: &RoundDoc,
        t: Transition,
        reason: Option<String>,
    ) -> Result<(Vec<PendingEntry>, Option<String>, Option<Counted>)> {
        let now = crate::now();
        let schedule = doc.draft.schedule;
        Ok(match t {
            Transition::Freeze => {
                let (manifest, record) = self.manifest_of(doc)?;
                let bytes = manifest.to_bytes();
                Manifest::parse(&bytes)?;
                let id = hex::encode(Manifest::election_id_of(&bytes));
                let entries = vec![
                    inline("manifest", bytes)?,
                    inline(
                        "ceremony",
                        serde_json::to_vec(&record)
                            .map_err(|e| ServerError::internal(e.to_string()))?,
                    )?,
                ];
                (entries, Some(id), None)
            }
            Transition::Open => {
                if doc.credentials.is_none() {
                    return Err(ServerError::conflict(
                        "credentials.missing",
                        "make or upload the credential list first",
                    ));
                }
                if now < schedule.opens_at || now >= schedule.closes_at {
                    return Err(ServerError::conflict(
                        "round.outside_window",
                        format!(
                            "the round may open from {} until {} (now {now})",
                            schedule.opens_at, schedule.closes_at
                        ),
                    ));
                }
                let cred = PendingEntry {
                    kind: "credentials".into(),
                    payload: Payload::Blob(CREDENTIALS_BLOB.into()),
                };
                (
                    vec![cred, self.transition_entry(doc, t, now, reason)?],
                    None,
                    None,
                )
            }
            Transition::Close => {
                let at = now.min(schedule.closes_at);
                (vec![self.transition_entry(doc, t, at, reason)?], None, None)
            }
            Transition::Tally => {
                let (tally, counted) = self.compute_tally(doc).await?;
                let bytes =
                    serde_json::to_vec(&tally).map_err(|e| ServerError::internal(e.to_string()))?;
                let entries = vec![
                    self.transition_entry(doc, t, now, reason)?,
                    inline("tally", bytes)?,
                ];
                (entries, None, Some(counted))
            }
            Transition::Publish => {
                let result = self.compute_result(doc).await?;
                let bytes = serde_json::to_vec(&result)
                    .map_err(|e| ServerError::internal(e.to_string()))?;
                let entries = vec![
                    inline("result", bytes)?,
                    self.transition_entry(doc, t, now, reason)?,
                ];
                (entries, None, None)
            }
            Transition::Cancel if t.on_board(doc.state) => (
                vec![self.transition_entry(doc, t, now, reason)?],
                None,
                None,
            ),
            Transition::Cancel => (Vec::new(), None, None),
            Transition::Ceremony => {
                return Err(ServerError::internal("ceremony is not a board transition"))
            }
        })
    }

    fn manifest_of(
        &self,
        doc: &RoundDoc,
    ) -> Result<(Manifest, psephos_crypto::threshold::CeremonyRecord)> {
        let c = doc
            .ceremony
            .as_ref()
            .ok_or_else(|| ServerError::conflict("ceremony.none", "run the key ceremony first"))?;
        let outcome = c.outcome.as_ref().ok_or_else(|| {
            ServerError::conflict("ceremony.incomplete", "the key ceremony is not complete")
        })?;
        let d = &doc.draft;
        let manifest = Manifest {
            spec_version: 1,
            election: d.election.clone(),
            title: d.title.clone(),
            questions: d.questions.clone(),
            election_key: outcome.joint_key,
            ceremony: CeremonyRef {
                ceremony_id: c.parameters.ceremony_id,
                threshold: c.parameters.threshold,
                trustees: c.parameters.trustees,
            },
            board_key: self.board_key.0,
            schedule: d.schedule,
            revote: d.revote,
        };
        Ok((manifest, c.record()))
    }

    /// Appends the entries of a pending intent (again, if some already
    /// are on the board) and records the state after them.
    pub async fn complete_pending(&self, id: &str) -> Result<()> {
        let doc = self.load(id).await?.doc;
        let Some(pending) = doc.pending.clone() else {
            return Ok(());
        };
        let mut placed = Vec::new();
        let mut last_at = doc.last_transition_at;
        if !pending.entries.is_empty() {
            let election = self.election_of(&doc)?;
            for e in &pending.entries {
                let payload = match &e.payload {
                    Payload::Inline(s) => s.clone().into_bytes(),
                    Payload::Blob(name) => self.store.blob(id, name).await?.ok_or_else(|| {
                        ServerError::internal(format!("blob {name} of a pending entry is missing"))
                    })?,
                };
                if e.kind == "transition" {
                    if let Ok(t) = serde_json::from_slice::<TransitionEntry>(&payload) {
                        last_at = last_at.max(t.at);
                    }
                }
                let entry = Entry::new(&e.kind, &payload)
                    .map_err(|err| ServerError::internal(err.to_string()))?;
                let receipt = self.board.append(election, entry).await?;
                placed.push((e.kind.clone(), receipt.index));
            }
        }
        self.mutate(id, |d| {
            if d.pending.as_ref() != Some(&pending) {
                return Ok(());
            }
            for (kind, index) in &placed {
                match kind.as_str() {
                    "credentials" => d.board.credentials = Some(*index),
                    "tally" => d.board.tally = Some(*index),
                    "result" => d.board.result = Some(*index),
                    _ => {}
                }
            }
            d.state = pending.then;
            d.last_transition_at = last_at;
            d.pending = None;
            Ok(())
        })
        .await?;
        tracing::info!(round = id, state = pending.then.as_str(), "transition done");
        Ok(())
    }

    /// Finishes every intent left by a crash (run on start).
    pub async fn recover(&self) -> Result<()> {
        for v in self.store.list_rounds().await? {
            if v.doc.pending.is_some() {
                let id = v.doc.id().to_string();
                let lock = self.store.lock_exclusive(&id).await?;
                let r = self.complete_pending(&id).await;
                lock.release().await;
                r?;
            }
        }
        Ok(())
    }

    /// Closes every open round whose scheduled close has passed (run every
    /// second by the server).
    pub async fn close_due_rounds(&self) -> Result<()> {
        let now = crate::now();
        for v in self.store.list_rounds().await? {
            let d = &v.doc;
            if d.state == RoundState::Open && d.draft.schedule.closes_at <= now {
                let r = self
                    .transition(d.id(), Transition::Close, Some("scheduled close".into()))
                    .await;
                if let Err(e) = r {
                    if e.code != "round.illegal_transition" {
                        return Err(e);
                    }
                }
            } else if d.pending.is_some() {
                self.recover_one(d.id()).await?;
            }
        }
        Ok(())
    }

    async fn recover_one(&self, id: &str) -> Result<()> {
        let lock = self.store.lock_exclusive(id).await?;
        let r = self.complete_pending(id).await;
        lock.release().await;
        r
    }
}
