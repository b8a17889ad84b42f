//! The key ceremony through the trustee API (threshold.md §5, §8;
//! specs/server-api.md §8). The server checks each message as it arrives
//! (sender, phase, proofs), keeps exactly one message per sender and phase
//! (a byte-identical repeat is accepted, a different one refused as
//! equivocation), and derives the outcome with [`CeremonyRecord::derive`]
//! once every complaint list is in, or when an officer finishes early.

use psephos_crypto::threshold::CeremonyParameters;
use psephos_trustee::wire::{
    CeremonyPhase, CeremonySetup, CeremonyStarted, CeremonyView, ComplaintList, Dealing,
    RoundState, TrusteeToken,
};
use rand_core::{OsRng, RngCore};

use crate::app::App;
use crate::error::{Result, ServerError};
use crate::round::{CeremonyState, ComplaintsFrom};
use crate::state::{next, require, Transition};
use crate::store::{TokenKind, TokenRecord};

/// Most trustees a ceremony on this server may have.
pub const MAX_SERVER_TRUSTEES: u32 = 32;

fn phase_error(expected: CeremonyPhase, got: CeremonyPhase) -> ServerError {
    ServerError::conflict(
        "ceremony.wrong_phase",
        format!("the ceremony is in phase {got:?}, not {expected:?}"),
    )
}

fn trustee_of(who: &TokenRecord) -> Result<(String, u32)> {
    match (&who.round, who.trustee) {
        (Some(r), Some(t)) => Ok((r.clone(), t)),
        _ => Err(ServerError::internal("trustee token without round")),
    }
}

fn ceremony_mut(doc: &mut crate::round::RoundDoc) -> Result<&mut CeremonyState> {
    require(
        doc.state,
        &[RoundState::KeyCeremony],
        "take ceremony messages",
    )?;
    doc.ceremony
        .as_mut()
        .ok_or_else(|| ServerError::conflict("ceremony.none", "no ceremony is running"))
}

impl App {
    /// Starts (or restarts, with a fresh id and fresh tokens) the ceremony.
    pub async fn start_ceremony(&self, id: &str, setup: CeremonySetup) -> Result<CeremonyStarted> {
        if setup.trustees > MAX_SERVER_TRUSTEES {
            return Err(ServerError::invalid(
                "ceremony.too_many_trustees",
                format!("at most {MAX_SERVER_TRUSTEES} trustees"),
            ));
        }
        let mut ceremony_id = [0u8; 32];
        OsRng.fill_bytes(&mut ceremony_id);
        let parameters = CeremonyParameters::new(ceremony_id, setup.trustees, setup.threshold)?;
        self.mutate(id, |doc| {
            doc.state = next(doc.state, Transition::Ceremony)?;
            doc.ceremony = Some(CeremonyState::new(parameters));
            Ok(())
        })
        .await?;
        self.store.revoke_trustee_tokens(id).await?;
        let mut tokens = Vec::new();
        for trustee in 1..=setup.trustees {
            let token = self
                .create_token(TokenKind::Trustee, Some(id), Some(trustee))
                .await?;
            tokens.push(TrusteeToken { trustee, token });
        }
        Ok(CeremonyStarted { parameters, tokens })
    }

    /// The ceremony as `you` (a trustee) or an officer (`None`) sees it.
    pub async fn ceremony_view(&self, id: &str, you: Option<u32>) -> Result<CeremonyView> {
        let doc = self.load(id).await?.doc;
        let c = doc
            .ceremony
            .as_ref()
            .ok_or_else(|| ServerError::conflict("ceremony.none", "no ceremony is running"))?;
        Ok(c.view(you))
    }

    /// The ceremony view of a trustee token.
    pub async fn trustee_view(&self, who: &TokenRecord) -> Result<CeremonyView> {
        let (round, you) = trustee_of(who)?;
        self.ceremony_view(&round, Some(you)).await
    }

    /// Phase 1: a trustee's announcement.
    pub async fn post_announcement(
        &self,
        who: &TokenRecord,
        a: psephos_crypto::threshold::TrusteeAnnouncement,
    ) -> Result<CeremonyView> {
        let (round, you) = trustee_of(who)?;
        if a.trustee != you {
            return Err(ServerError::new(
                crate::error::ErrorClass::Forbidden,
                "ceremony.not_yours",
                "a trustee may only send its own messages",
            ));
        }
        let params = self.current_parameters(&round).await?;
        let check = a.clone();
        self.on_verifier(move || Ok(check.verify(&params, &mut OsRng)?))
            .await?;
        self.mutate(&round, |doc| {
            let c = ceremony_mut(doc)?;
            if c.parameters != params {
                return Err(ServerError::conflict(
                    "ceremony.restarted",
                    "the ceremony was restarted",
                ));
            }
            match c.announcements.iter().find(|x| x.trustee == you) {
                Some(x) if *x == a || x.encryption_key == a.encryption_key => Ok(()),
                Some(_) => Err(ServerError::conflict(
                    "ceremony.equivocation",
                    "this trustee already announced another key",
                )),
                None => {
                    c.announcements.push(a.clone());
                    Ok(())
                }
            }
        })
        .await?;
        self.trustee_view(who).await
    }

    /// Phase 2: a dealer's commitments and shares.
    pub async fn post_dealing(&self, who: &TokenRecord, d: Dealing) -> Result<CeremonyView> {
        let (round, you) = trustee_of(who)?;
        let params = self.current_parameters(&round).await?;
        if d.commitments.dealer != you || d.shares.iter().any(|s| s.dealer != you) {
            return Err(ServerError::new(
                crate::error::ErrorClass::Forbidden,
                "ceremony.not_yours",
                "a dealer may only send its own commitments and shares",
            ));
        }
        let mut recipients: Vec<u32> = d.shares.iter().map(|s| s.recipient).collect();
        recipients.sort_unstable();
        let expected: Vec<u32> = (1..=params.trustees).filter(|&j| j != you).collect();
        if recipients != expected {
            return Err(ServerError::invalid(
                "ceremony.shares",
                "exactly one share to every other trustee is required",
            ));
        }
        let check = d.clone();
        self.on_verifier(move || {
            check.commitments.verify(&params, &mut OsRng)?;
            for s in &check.shares {
                s.check_form(&params)?;
            }
            Ok(())
        })
        .await?;
        self.mutate(&round, |doc| {
            let c = ceremony_mut(doc)?;
            if c.parameters != params {
                return Err(ServerError::conflict(
                    "ceremony.restarted",
                    "the ceremony was restarted",
                ));
            }
            match c.dealings.iter().find(|x| x.commitments.dealer == you) {
                Some(x) if *x == d => Ok(()),
                Some(_) => Err(ServerError::conflict(
                    "ceremony.equivocation",
                    "this dealer already sent other commitments or shares",
                )),
                None if c.phase() != CeremonyPhase::Dealing => {
                    Err(phase_error(CeremonyPhase::Dealing, c.phase()))
                }
                None => {
                    c.dealings.push(d.clone());
                    Ok(())
                }
            }
        })
        .await?;
        self.trustee_view(who).await
    }

    /// Phase 3: a trustee's complaint list; derives the outcome when it is
    /// the last one.
    pub async fn post_complaints(
        &self,
        who: &TokenRecord,
        list: ComplaintList,
    ) -> Result<CeremonyView> {
        let (round, you) = trustee_of(who)?;
        if list.complaints.iter().any(|c| c.complainer != you) {
            return Err(ServerError::new(
                crate::error::ErrorClass::Forbidden,
                "ceremony.not_yours",
                "a trustee may only complain in its own name",
            ));
        }
        let (all_in, _) = self
            .mutate(&round, |doc| {
                let c = ceremony_mut(doc)?;
                let mine = ComplaintsFrom {
                    trustee: you,
                    complaints: list.complaints.clone(),
                };
                if c.complaints.contains(&mine) {
                    return Ok(c.complaints.len() == c.parameters.trustees as usize);
                }
                if c.phase() != CeremonyPhase::Complaints {
                    return Err(phase_error(CeremonyPhase::Complaints, c.phase()));
                }
                if c.complaints.iter().any(|x| x.trustee == you) {
                    return Err(ServerError::conflict(
                        "ceremony.equivocation",
                        "this trustee already sent its complaints",
                    ));
                }
                let record = c.record();
                for complaint in &list.complaints {
                    let share = record
                        .shares
                        .iter()
                        .find(|s| s.dealer == complaint.dealer && s.recipient == you)
                        .ok_or_else(|| {
                            ServerError::invalid(
                                "ceremony.complaint",
                                "no such share to complain about",
                            )
                        })?;
                    complaint.check_form(&c.parameters, share)?;
                }
                c.complaints.push(mine);
                Ok(c.complaints.len() == c.parameters.trustees as usize)
            })
            .await?;
        if all_in {
            self.derive_outcome(&round).await?;
        }
        self.trustee_view(who).await
    }

    /// Derives the outcome from the messages so far (officer).
    pub async fn finish_ceremony(&self, id: &str) -> Result<CeremonyView> {
        self.derive_outcome(id).await?;
        self.ceremony_view(id, None).await
    }

    async fn current_parameters(&self, round: &str) -> Result<CeremonyParameters> {
        let doc = self.load(round).await?.doc;
        require(
            doc.state,
            &[RoundState::KeyCeremony],
            "take ceremony messages",
        )?;
        doc.ceremony
            .map(|c| c.parameters)
            .ok_or_else(|| ServerError::conflict("ceremony.none", "no ceremony is running"))
    }

    async fn derive_outcome(&self, round: &str) -> Result<()> {
        let doc = self.load(round).await?.doc;
        require(doc.state, &[RoundState::KeyCeremony], "derive the ceremony")?;
        let c = doc
            .ceremony
            .ok_or_else(|| ServerError::conflict("ceremony.none", "no ceremony is running"))?;
        if c.outcome.is_some() {
            return Ok(());
        }
        let record = c.record();
        let outcome = self
            .on_verifier(move || Ok(record.derive(&mut OsRng)?))
            .await?;
        self.mutate(round, |doc| {
            let now = ceremony_mut(doc)?;
            if now.record() != c.record() {
                return Err(ServerError::conflict(
                    "ceremony.changed",
                    "the ceremony changed while it was derived; retry",
                ));
            }
            now.outcome = Some(outcome.clone());
            Ok(())
        })
        .await?;
        Ok(())
    }
}
