//! Members who join after a support log opened (specs/initiatives.md
//! §5.2): a roll import appends `support.roll-add` entries, the ids of the
//! new roll not yet on the log's roll, to every log that still takes
//! supports, each under its proposal's lock; a support by a member on the
//! current roll whom the log does not know yet (an import cut short, a
//! publication that raced it) first adds that member. `required` stays the
//! one `support.open` fixed, and no one is ever taken off a log's roll.

use psephos_crypto::record::support::{roll_adds, SupportEntry, SupportState};
use serde::Serialize;

use super::model::{ProposalDoc, ProposalState};
use super::proposals::PROPOSAL;
use crate::app::App;
use crate::error::{Result, ServerError};

/// The answer to a roll import (§2.1): the members on the new roll and the
/// support logs whose roll grew by a `support.roll-add` (§5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RollImport {
    /// Members on the imported roll.
    pub members: u64,
    /// Support logs that gained a `support.roll-add` entry.
    pub logs_grown: u64,
}

/// A log that takes supports: a published proposal in deliberation, not
/// hidden and not an alternative (whose log never has an add, §7.4).
fn takes_support(d: &ProposalDoc) -> bool {
    d.state == ProposalState::Deliberation && d.hidden.is_none() && d.input.alternative_to.is_none()
}

impl App {
    /// After a roll import (§2.1, §5.2): brings the roll of every log that
    /// takes supports up to `ids`. Every log is tried; the first failure is
    /// answered after them all. Repeating the import is safe: only ids
    /// not yet on a log's roll are added. Answers the logs that grew.
    pub(crate) async fn roll_add_to_logs(&self, ids: &[String]) -> Result<u64> {
        let docs: Vec<ProposalDoc> = self.initiatives.list(PROPOSAL, "").await?;
        let mut grown = 0;
        let mut first_error = None;
        for d in docs.iter().filter(|d| takes_support(d)) {
            match self.roll_add_to_log(&d.id, ids).await {
                Ok(true) => grown += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(code = %e.code, proposal = %d.id, "roll additions not appended");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(grown),
        }
    }

    /// One log, under its lock: the `support.roll-add` entries of the ids
    /// it does not know, if it still takes supports.
    async fn roll_add_to_log(&self, id: &str, ids: &[String]) -> Result<bool> {
        let (lock, mut state) = self.lock_log(id).await?;
        let result = async {
            if !state.is_accepting() {
                return Ok(false);
            }
            let adds = roll_adds(&state.roll, ids.iter().map(String::as_str), crate::now());
            let grew = !adds.is_empty();
            for a in adds {
                self.append_support(id, &mut state, SupportEntry::RollAdd(a))
                    .await?;
            }
            Ok(grew)
        }
        .await;
        self.unlock_log(lock, state).await;
        result
    }

    /// Before a member's `support.add`, under the lock (§5.2): the member
    /// must be on the current roll (`member.unknown`, 422: a member removed
    /// from the roll makes no new support, whatever session they hold);
    /// one the log does not know yet is added to its roll first.
    pub(crate) async fn admit_supporter(
        &self,
        id: &str,
        member: &str,
        state: &mut SupportState,
    ) -> Result<()> {
        if self.initiatives.store.member_email(member).await?.is_none() {
            return Err(ServerError::invalid(
                "member.unknown",
                "you are not on the member roll",
            ));
        }
        for a in roll_adds(&state.roll, [member], crate::now()) {
            self.append_support(id, state, SupportEntry::RollAdd(a))
                .await?;
        }
        Ok(())
    }
}
