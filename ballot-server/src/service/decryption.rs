//! Trustees' decryption shares (threshold.md §10; specs/server-api.md §8).
//! Each share is verified against the trustee's verification key from the
//! ceremony outcome before it is appended as a `decryption` entry; an
//! invalid share is refused with `trustee.faulty`, naming the trustee, and
//! the trustee is listed in the round's status. Shares are taken under the
//! round's shared lock, so none lands after the `result` entry.

use psephos_crypto::threshold::{verify_decryption_share, DecryptionShare};
use psephos_trustee::wire::{RejectedTrustee, RoundState, ShareAccepted, TallyView};
use rand_core::OsRng;

use crate::app::App;
use crate::error::{ErrorClass, Result, ServerError};
use crate::round::AcceptedShare;
use crate::state::require;
use crate::store::TokenRecord;

fn trustee_of(who: &TokenRecord) -> Result<(String, u32)> {
    match (&who.round, who.trustee) {
        (Some(r), Some(t)) => Ok((r.clone(), t)),
        _ => Err(ServerError::internal("trustee token without round")),
    }
}

impl App {
    /// The encrypted tally for a trustee to decrypt.
    pub async fn trustee_tally(&self, who: &TokenRecord) -> Result<TallyView> {
        let (round, you) = trustee_of(who)?;
        let doc = self.load(&round).await?.doc;
        require(
            doc.state,
            &[RoundState::Tallying, RoundState::Published],
            "decrypt",
        )?;
        let (tally, _) = self.tally_on_board(&doc).await?;
        Ok(TallyView { you, tally })
    }

    /// Verifies and posts a trustee's decryption share.
    pub async fn post_share(
        &self,
        who: &TokenRecord,
        share: DecryptionShare,
    ) -> Result<ShareAccepted> {
        let (round, you) = trustee_of(who)?;
        if share.trustee != you {
            return Err(ServerError::new(
                ErrorClass::Forbidden,
                "decryption.not_yours",
                "a trustee may only post its own share",
            ));
        }
        let doc = self.load(&round).await?.doc;
        require(doc.state, &[RoundState::Tallying], "take decryption shares")?;
        let bytes = serde_json::to_vec(&share).map_err(|e| ServerError::internal(e.to_string()))?;
        let (tally, _) = self.tally_on_board(&doc).await?;
        let outcome = doc
            .ceremony
            .as_ref()
            .and_then(|c| c.outcome.clone())
            .ok_or_else(|| ServerError::internal("round without ceremony outcome"))?;
        let election = self.election_of(&doc)?;
        let check = share.clone();
        let verdict = self
            .on_verifier(move || {
                let x = outcome
                    .verification_key(check.trustee)
                    .ok_or_else(|| ServerError::internal("no verification key"))?;
                Ok(verify_decryption_share(
                    &election.0,
                    &outcome.joint_key,
                    x,
                    &tally.ciphertexts(),
                    &check,
                    &mut OsRng,
                ))
            })
            .await?;
        if let Err(e) = verdict {
            let rejected = RejectedTrustee {
                trustee: you,
                code: e.code().to_string(),
                message: e.to_string(),
            };
            self.mutate(&round, |d| {
                if !d.rejected_shares.contains(&rejected) {
                    d.rejected_shares.push(rejected.clone());
                }
                Ok(())
            })
            .await?;
            tracing::warn!(round = %round, trustee = you, "decryption share refused");
            return Err(e.into());
        }
        let lock = self.store.lock_shared(&round).await?;
        let result = async {
            let doc = self.load(&round).await?.doc;
            require(doc.state, &[RoundState::Tallying], "take decryption shares")?;
            if doc.pending.is_some() {
                return Err(ServerError::conflict(
                    "round.transition_under_way",
                    "the round is being published",
                ));
            }
            if let Some(s) = doc.shares.iter().find(|s| s.trustee == you) {
                let on_board = self.entry(election, s.index, "decryption").await?;
                if on_board.payload() == bytes.as_slice() {
                    return Ok(s.index);
                }
                return Err(ServerError::conflict(
                    "decryption.duplicate",
                    "this trustee's share is already on the board",
                ));
            }
            let entry = psephos_board::Entry::new("decryption", &bytes)
                .map_err(|e| ServerError::internal(e.to_string()))?;
            let receipt = self.board.append(election, entry).await?;
            self.mutate(&round, |d| {
                if !d.shares.iter().any(|s| s.trustee == you) {
                    d.shares.push(AcceptedShare {
                        trustee: you,
                        index: receipt.index,
                    });
                }
                Ok(())
            })
            .await?;
            Ok(receipt.index)
        }
        .await;
        lock.release().await;
        Ok(ShareAccepted {
            trustee: you,
            index: result?,
        })
    }
}
