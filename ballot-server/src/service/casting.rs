//! Casting, auditing and looking up ballots (protocol.md §10;
//! specs/server-api.md §7).
//!
//! A cast is parsed strictly (canonical JSON only), checked against the
//! round's statement with the same `Ballot::verify` the verifier runs — on
//! the verification pool, never on the async threads — and its credential
//! against the published list. Then, under the round's shared lock, the
//! round must still be open (the phase column, written by a transition
//! before its first append), the ballot must not be an audited one, and
//! under `once` its credential must have no other ballot; the ballot is
//! appended and the receipt returned only once it is durable. A
//! byte-identical resubmission returns the first receipt.

use std::sync::Arc;
use std::time::Instant;

use psephos_board::{Entry, Hash};
use psephos_crypto::ballot::tracking_code;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::AuditedBallot;
use psephos_trustee::wire::CastReceipt;
use rand_core::OsRng;

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::service::live::LiveRound;
use crate::store::{Claim, Gate};

fn not_open(phase: Option<&str>) -> ServerError {
    match phase {
        Some("closing") | Some("closed") | Some("tallying") | Some("published") => {
            ServerError::conflict("round.closed", "the round is closed")
        }
        Some(p) => ServerError::conflict("round.not_open", format!("the round is {p}, not open")),
        None => ServerError::not_found("round.not_found", "no such round"),
    }
}

impl App {
    /// The receipt of the entry whose payload hashes to `payload_hash`, if
    /// it is of `kind`.
    async fn existing(
        &self,
        live: &LiveRound,
        payload_hash: [u8; 32],
        kind: &str,
    ) -> Result<Option<CastReceipt>> {
        let found = self
            .board
            .find_payload(live.election, Hash(payload_hash))
            .await?;
        for index in found {
            let e = self.board.entries(live.election, index, 1).await?;
            if e.first().is_some_and(|e| e.entry.kind() == kind) {
                return Ok(Some(CastReceipt {
                    tracking_code: hex::encode(payload_hash),
                    receipt: self.board.receipt(live.election, index).await?,
                }));
            }
        }
        Ok(None)
    }

    /// Casts a ballot given its exact bytes.
    pub async fn cast(&self, round: &str, bytes: Vec<u8>) -> Result<CastReceipt> {
        let started = Instant::now();
        let live = self.live_round(round).await?;
        let tracking = tracking_code(&bytes);
        if !live.maybe_open() {
            // Closed (as far as this process knows): a byte-identical
            // resubmission still gets its receipt, anything else is refused
            // without spending a verification.
            if let Some(r) = self.existing(&live, tracking, "ballot").await? {
                return Ok(r);
            }
            let phase = self.store.phase(round).await?;
            if phase.as_deref() != Some("open") {
                return Err(not_open(phase.as_deref()));
            }
            live.set_open(true);
        }
        let verify_started = Instant::now();
        let bytes = Arc::new(bytes);
        let ballot = self
            .ballots
            .verify(Arc::clone(&live.stmt), Arc::clone(&bytes))
            .await?;
        self.metrics
            .verify_seconds
            .observe(verify_started.elapsed().as_secs_f64());
        let credential = ballot.body.credential.compress().to_bytes();
        if !live.credentials.contains_key(&credential) {
            return Err(ServerError::invalid(
                "credential.unknown",
                "the ballot's credential is not on the published list",
            ));
        }
        self.limits.check_credential(&credential)?;
        let once = (live.manifest.revote == RevotePolicy::Once).then_some(credential);
        let (lock, gate) = self.store.cast_gate(round, tracking, once).await?;
        let result = self.append_ballot(&live, &bytes, &gate).await;
        tokio::spawn(lock.release());
        let receipt = match result {
            Ok(r) => r,
            Err(e) => {
                if gate.phase.as_deref() != Some("open") {
                    live.set_open(false);
                    if let Some(r) = self.existing(&live, tracking, "ballot").await? {
                        return Ok(r);
                    }
                }
                return Err(e);
            }
        };
        self.metrics.casts.inc();
        self.metrics
            .cast_seconds
            .observe(started.elapsed().as_secs_f64());
        Ok(CastReceipt {
            tracking_code: hex::encode(tracking),
            receipt,
        })
    }

    async fn append_ballot(
        &self,
        live: &LiveRound,
        bytes: &[u8],
        gate: &Gate,
    ) -> Result<psephos_board::Receipt> {
        if gate.phase.as_deref() != Some("open") {
            return Err(not_open(gate.phase.as_deref()));
        }
        if crate::now() >= live.manifest.schedule.closes_at {
            return Err(ServerError::conflict(
                "round.closed",
                "the voting window has ended",
            ));
        }
        if gate.audited {
            return Err(ServerError::conflict(
                "ballot.audited",
                "this ballot was audited (spoiled) and can never be cast",
            ));
        }
        if gate.claim == Some(Claim::Other) {
            return Err(ServerError::conflict(
                "ballot.revote_refused",
                "this round allows one ballot per credential",
            ));
        }
        let entry =
            Entry::new("ballot", bytes).map_err(|e| ServerError::internal(e.to_string()))?;
        Ok(self.board.append(live.election, entry).await?)
    }

    /// Posts an audited (spoiled) ballot given its exact bytes; it is
    /// checked (ballot and openings) and never counted, and its ballot can
    /// never be cast afterwards.
    pub async fn audit(&self, round: &str, bytes: Vec<u8>) -> Result<CastReceipt> {
        let live = self.live_round(round).await?;
        let own = tracking_code(&bytes);
        if let Some(mut r) = self.existing(&live, own, "audited").await? {
            if let Ok(a) = serde_json::from_slice::<AuditedBallot>(&bytes) {
                r.tracking_code = hex::encode(tracking_code(&a.ballot.to_bytes()));
            }
            return Ok(r);
        }
        let stmt = Arc::clone(&live.stmt);
        let bytes = Arc::new(bytes);
        let b2 = Arc::clone(&bytes);
        let audited = self
            .on_verifier(move || {
                let a: AuditedBallot = serde_json::from_slice(&b2).map_err(|_| {
                    ServerError::invalid("decode.malformed", "malformed audited ballot JSON")
                })?;
                if serde_json::to_vec(&a).ok().as_deref() != Some(&b2[..]) {
                    return Err(ServerError::invalid(
                        "decode.malformed",
                        "audited ballot is not in canonical JSON",
                    ));
                }
                a.check(&stmt, &mut OsRng)?;
                Ok(a)
            })
            .await?;
        let credential = audited.ballot.body.credential.compress().to_bytes();
        if !live.credentials.contains_key(&credential) {
            return Err(ServerError::invalid(
                "credential.unknown",
                "the ballot's credential is not on the published list",
            ));
        }
        self.limits.check_credential(&credential)?;
        let inner = tracking_code(&audited.ballot.to_bytes());
        let lock = self.store.lock_exclusive(round).await?;
        let result = async {
            let phase = self.store.phase(round).await?;
            if phase.as_deref() != Some("open") {
                return Err(not_open(phase.as_deref()));
            }
            if self.existing(&live, inner, "ballot").await?.is_some() {
                return Err(ServerError::conflict(
                    "ballot.already_cast",
                    "this ballot was cast; a cast ballot cannot be audited",
                ));
            }
            self.store.insert_audit(round, inner).await?;
            let entry =
                Entry::new("audited", &bytes).map_err(|e| ServerError::internal(e.to_string()))?;
            let receipt = self.board.append(live.election, entry).await?;
            self.mutate(round, |d| {
                d.audited += 1;
                Ok(())
            })
            .await?;
            Ok(receipt)
        }
        .await;
        lock.release().await;
        let receipt = result?;
        self.metrics.audits.inc();
        Ok(CastReceipt {
            tracking_code: hex::encode(inner),
            receipt,
        })
    }

    /// The receipt of a cast ballot by its tracking code.
    pub async fn lookup(&self, round: &str, tracking: &str) -> Result<CastReceipt> {
        let live = self.live_round(round).await?;
        let code: [u8; 32] = Hash::from_hex(tracking)
            .map_err(|_| ServerError::bad_request("decode.bad_hex", "bad tracking code"))?
            .0;
        self.existing(&live, code, "ballot").await?.ok_or_else(|| {
            ServerError::not_found("ballot.not_found", "no ballot with this tracking code")
        })
    }
}
