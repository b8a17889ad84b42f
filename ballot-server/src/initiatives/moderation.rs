//! Moderation of proposals and amendments (specs/initiatives.md §3.5):
//! officers hide one with a public reason; it stays stored and listed as
//! hidden, with the reason and the time, its texts withheld from every
//! public view. Nothing is deleted, and the support log is untouched.

use serde_json::Value;

use super::deliberation::{reason_ok, AMENDMENT};
use super::model::{Amendment, AmendmentState, Hidden, ProposalState, ProposalView};
use super::proposals::{not_found, not_hidden};
use crate::app::App;
use crate::error::{Result, ServerError};

/// `amendment.hidden` (§9).
pub(crate) fn amendment_hidden() -> ServerError {
    ServerError::conflict("amendment.hidden", "the officers hid this amendment")
}

fn frozen() -> ServerError {
    ServerError::conflict(
        "proposal.frozen",
        "a frozen proposal is in its AMV draft and is not hidden: the officers decline it \
         with a public reason instead (§7.2)",
    )
}

/// An amendment as listed: a hidden one without its texts (§3.5).
pub fn amendment_view(a: &Amendment) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    if a.hidden.is_some() {
        if let Some(o) = v.as_object_mut() {
            o.remove("input");
        }
    }
    v
}

impl App {
    /// Officers hide a published, unfrozen proposal with a public reason
    /// (§3.5). Under the proposal's log lock, so that no support, version
    /// or freeze slips in between.
    pub async fn hide_proposal(&self, id: &str, reason: String) -> Result<ProposalView> {
        reason_ok(&reason)?;
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft {
            return Err(not_found(id));
        }
        // An alternative: under its main proposal's lock first, so that
        // it is either in the freeze's options or hidden (§7.1).
        let main = match &doc.input.alternative_to {
            Some(m) => Some(self.lock_log(m).await?),
            None => None,
        };
        let (lock, state) = match self.lock_log(id).await {
            Ok(l) => l,
            Err(e) => {
                if let Some((l, s)) = main {
                    self.unlock_log(l, s).await;
                }
                return Err(e);
            }
        };
        let result = async {
            if state.is_frozen() {
                return Err(frozen());
            }
            self.mutate_proposal(id, |d| {
                not_hidden(d)?;
                if d.state == ProposalState::Frozen {
                    return Err(frozen());
                }
                d.hidden = Some(Hidden {
                    reason: reason.clone(),
                    at: crate::now(),
                });
                Ok(())
            })
            .await
        }
        .await;
        self.unlock_log(lock, state).await;
        if let Some((l, s)) = main {
            self.unlock_log(l, s).await;
        }
        result?;
        self.proposal_view(id, None).await
    }

    /// Officers hide an open or rejected amendment with a public reason
    /// (§3.5); an accepted one is a version of the proposal now
    /// (`amendment.decided`). Under the log lock, like its acceptance.
    pub async fn hide_amendment(&self, id: &str, aid: &str, reason: String) -> Result<Value> {
        reason_ok(&reason)?;
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft {
            return Err(not_found(id));
        }
        let (lock, state) = self.lock_log(id).await?;
        let result = async {
            let (v, mut a) = self.amendment(id, aid).await?;
            if a.hidden.is_some() {
                return Err(amendment_hidden());
            }
            if a.state == AmendmentState::Accepted {
                return Err(ServerError::conflict(
                    "amendment.decided",
                    "an accepted amendment is a version of the proposal now: hide the proposal",
                ));
            }
            a.hidden = Some(Hidden {
                reason,
                at: crate::now(),
            });
            if !self.initiatives.update(AMENDMENT, aid, v, &a).await? {
                return Err(super::contention());
            }
            Ok(amendment_view(&a))
        }
        .await;
        self.unlock_log(lock, state).await;
        result
    }

    /// Every amendment of a proposal, oldest first, hidden ones without
    /// their texts.
    pub async fn amendments(&self, id: &str) -> Result<Vec<Value>> {
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft {
            return Err(not_found(id));
        }
        let list: Vec<Amendment> = self.initiatives.list(AMENDMENT, id).await?;
        Ok(list.iter().map(amendment_view).collect())
    }
}
