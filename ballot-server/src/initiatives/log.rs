//! The support log of a proposal on the board (specs/initiatives.md §5):
//! replaying it into a [`SupportState`] (the counting rule shared with the
//! verifier), appending under the proposal's exclusive lock, supports,
//! withdrawals and the freeze.

use psephos_board::{ElectionId, Entry, Receipt};
use psephos_crypto::record::support::{log_id, Add, Freeze, SupportEntry, SupportState, Withdraw};

use super::model::{FrozenView, ProposalState, SupportReceipt, SupportView};
use super::proposals::{not_hidden, wrong_state};
use super::support_error;
use crate::app::App;
use crate::error::{Result, ServerError};
use crate::store::RoundLock;

/// The cached state of a log, held with the proposal's lock.
pub(crate) type LogGuard = tokio::sync::OwnedRwLockWriteGuard<SupportState>;

/// The name of a proposal's lock (the round locks of server-api.md §4).
fn lock_name(id: &str) -> String {
    format!("initiative:{id}")
}

/// The board id of a proposal's log.
pub fn board_id(id: &str) -> ElectionId {
    ElectionId(log_id(id))
}

/// The freeze entry for the current version, the threshold having been
/// reached at `at_index` (initiatives.md §5).
fn freeze_entry(state: &SupportState, at_index: u64) -> SupportEntry {
    let cur = state.current_version();
    SupportEntry::Freeze(Freeze {
        version: cur,
        text_hash: state.versions[(cur - 1) as usize],
        count: state.count(),
        at_index,
        at: crate::now(),
    })
}

fn frozen() -> ServerError {
    ServerError::conflict("proposal.frozen", "the proposal is frozen")
}

/// The freeze as served.
pub fn frozen_view(state: &SupportState) -> Option<FrozenView> {
    state.freeze.as_ref().map(|(f, _)| FrozenView {
        version: f.version,
        text_hash: hex::encode(f.text_hash),
        count: f.count,
        at_index: f.at_index,
        at: f.at,
    })
}

impl App {
    /// Replays the board's entries past `state.size` into `state` (the
    /// cache of §5.3). A state longer than the board (a store restored
    /// from an older copy) is dropped and the log replayed from index 0.
    async fn catch_up(&self, id: &str, state: &mut SupportState) -> Result<()> {
        let board = board_id(id);
        let size = self.board.size(board).await?;
        if state.size > size {
            tracing::warn!(
                proposal = id,
                "support-log cache ahead of the board: replaying"
            );
            *state = SupportState::default();
        }
        while state.size < size {
            let page = self.board.entries(board, state.size, 1000).await?;
            if page.is_empty() {
                return Err(ServerError::internal("support log shorter than its size"));
            }
            for le in page {
                let e = SupportEntry::parse(le.entry.kind(), le.entry.payload())
                    .and_then(|e| state.apply(le.index, &e).map(|_| e));
                if let Err(e) = e {
                    return Err(ServerError::internal(format!(
                        "support log of {id} entry {}: {e}",
                        le.index
                    )));
                }
            }
        }
        Ok(())
    }

    /// Applies `f` to the log's state as of now, without the proposal's
    /// lock (reads): the cached state if it has the board's size, else the
    /// cache brought up to it first. Waits while a lock holder of this
    /// process changes the state; never replays what is cached.
    pub async fn with_log<T>(&self, id: &str, f: impl FnOnce(&SupportState) -> T) -> Result<T> {
        let slot = self.initiatives.log_slot(id);
        let size = self.board.size(board_id(id)).await?;
        {
            let state = slot.read().await;
            if state.size == size {
                return Ok(f(&state));
            }
        }
        let mut state = slot.write().await;
        self.catch_up(id, &mut state).await?;
        Ok(f(&state))
    }

    /// Takes the proposal's exclusive lock and the log's state under it,
    /// first completing a freeze a crash cut short (§5.3, §7.1). Lock
    /// order: the proposal's lock, then its cached state.
    pub(crate) async fn lock_log(&self, id: &str) -> Result<(RoundLock, LogGuard)> {
        let lock = self.store.lock_exclusive(&lock_name(id)).await?;
        let mut state = self.initiatives.log_slot(id).write_owned().await;
        let ready = async {
            self.catch_up(id, &mut state).await?;
            self.repair(id, &mut state).await
        }
        .await;
        match ready {
            Ok(()) => Ok((lock, state)),
            Err(e) => {
                drop(state);
                lock.release().await;
                Err(e)
            }
        }
    }

    /// A threshold reached without its freeze entry, or a freeze without
    /// its AMV draft: appends what is missing.
    async fn repair(&self, id: &str, state: &mut SupportState) -> Result<()> {
        if let Some(at_index) = state.freeze_due() {
            let f = freeze_entry(state, at_index);
            self.append_support(id, state, f).await?;
        }
        if state.freeze.is_some() && state.amv.is_none() {
            self.finish_freeze(id, state).await?;
        }
        Ok(())
    }

    /// Gives the lock back; the state stays cached.
    pub(crate) async fn unlock_log(&self, lock: RoundLock, state: LogGuard) {
        drop(state);
        lock.release().await;
    }

    /// Checks `e` against the state, appends it durably and applies it.
    pub(crate) async fn append_support(
        &self,
        id: &str,
        state: &mut SupportState,
        e: SupportEntry,
    ) -> Result<Receipt> {
        state.check(&e).map_err(support_error)?;
        let entry = Entry::new(e.kind(), &e.payload())
            .map_err(|err| ServerError::internal(err.to_string()))?;
        let receipt = self.board.append(board_id(id), entry).await?;
        if receipt.index != state.size {
            return Err(ServerError::internal("support log moved under its lock"));
        }
        state
            .apply(receipt.index, &e)
            .map_err(|err| ServerError::internal(err.to_string()))?;
        Ok(receipt)
    }

    /// Progress as served (§6).
    pub fn support_view(&self, id: &str, state: &SupportState) -> SupportView {
        let version = state
            .freeze
            .as_ref()
            .map_or(state.current_version(), |(f, _)| f.version);
        SupportView {
            count: state.counts.get(&version).copied().unwrap_or(0),
            required: state.required(),
            version,
            log_size: state.size,
            log_id: hex::encode(log_id(id)),
        }
    }

    /// A member supports version `version` (§5.3); the threshold freezes
    /// the proposal and makes the AMV draft (§7.1).
    pub async fn support(&self, member: &str, id: &str, version: u64) -> Result<SupportReceipt> {
        let (_, doc) = self.proposal_doc(id).await?;
        match doc.state {
            ProposalState::Draft => {
                return Err(wrong_state("a draft cannot be supported"));
            }
            ProposalState::Frozen => return Err(frozen()),
            ProposalState::Deliberation => {}
        }
        not_hidden(&doc)?;
        if doc.input.alternative_to.is_some() {
            return Err(ServerError::conflict(
                "alternative.no_support",
                "an alternative goes into its main proposal's AMV: support the main proposal",
            ));
        }
        let (lock, mut state) = self.lock_log(id).await?;
        let result = async {
            // Again under the lock: a hiding (§3.5) may have come between.
            not_hidden(&self.proposal_doc(id).await?.1)?;
            self.support_locked(member, id, version, &mut state).await
        }
        .await;
        let finish = match &result {
            Ok((_, true)) => self.finish_freeze(id, &mut state).await,
            _ => Ok(()),
        };
        let view = self.support_view(id, &state);
        self.unlock_log(lock, state).await;
        let (receipt, froze) = result?;
        finish?;
        self.mail_receipt(member, id, "support", &receipt).await;
        Ok(SupportReceipt {
            receipt,
            support: view,
            frozen: froze,
        })
    }

    /// Mails a member the receipt of an entry made in their name (§5.3).
    /// The entry stands whatever the mail does; a failure is logged
    /// without the address.
    async fn mail_receipt(&self, member: &str, id: &str, what: &str, r: &Receipt) {
        let Some(mailer) = &self.mailer else { return };
        let to = match self.initiatives.store.member_email(member).await {
            Ok(Some(to)) => to,
            _ => return,
        };
        let receipt = serde_json::to_string_pretty(r).unwrap_or_default();
        let body = format!(
            "Hello,\n\nthe support log of proposal {id} now records your {what} at index {}:\n\
             {}/initiatives/{id}\n\nIf you did not do this, tell the officers and keep this mail.\n\
             Your receipt (a signed checkpoint and an inclusion proof; check it with\n\
             psephos-verify support --member {member}):\n\n{receipt}\n",
            r.index,
            self.config.public_url.trim_end_matches('/'),
        );
        let subject = format!("Receipt: your {what} of {id}");
        if let Err(e) = mailer.send(&to, &subject, body).await {
            tracing::warn!(code = %e.code, proposal = id, "support receipt not mailed");
        }
    }

    async fn support_locked(
        &self,
        member: &str,
        id: &str,
        version: u64,
        state: &mut SupportState,
    ) -> Result<(Receipt, bool)> {
        if state.is_frozen() {
            return Err(frozen());
        }
        let cur = state.current_version();
        if version == 0 || version > cur {
            return Err(ServerError::not_found(
                "version.not_found",
                format!("no version {version}"),
            ));
        }
        if version != cur {
            return Err(ServerError::conflict(
                "support.wrong_version",
                format!("version {version} is not the current version {cur}"),
            ));
        }
        self.admit_supporter(id, member, state).await?;
        let add = SupportEntry::Add(Add {
            member: member.to_string(),
            version,
            text_hash: state.versions[(cur - 1) as usize],
            seq: state.next_seq(member),
            at: crate::now(),
        });
        let receipt = self.append_support(id, state, add).await?;
        let Some(at_index) = state.freeze_due() else {
            return Ok((receipt, false));
        };
        let f = freeze_entry(state, at_index);
        self.append_support(id, state, f).await?;
        Ok((receipt, true))
    }

    /// After the freeze entry: the document's state, the AMV draft and its
    /// entry. Repeated at the next locked action if a crash cut it short.
    pub(crate) async fn finish_freeze(&self, id: &str, state: &mut SupportState) -> Result<()> {
        self.mutate_proposal(id, |d| {
            d.state = ProposalState::Frozen;
            Ok(())
        })
        .await?;
        if state.amv.is_none() {
            self.make_amv_draft(id, state).await?;
        }
        Ok(())
    }

    /// A member withdraws their standing support (§5.3), before the freeze.
    pub async fn withdraw(&self, member: &str, id: &str) -> Result<SupportReceipt> {
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft {
            return Err(wrong_state("a draft has no supporters"));
        }
        let (lock, mut state) = self.lock_log(id).await?;
        let result = async {
            if state.is_frozen() {
                return Err(frozen());
            }
            let Some(&version) = state.standing.get(member) else {
                return Err(ServerError::conflict(
                    "support.not_supporting",
                    "you do not support this proposal",
                ));
            };
            let w = SupportEntry::Withdraw(Withdraw {
                member: member.to_string(),
                version,
                seq: state.next_seq(member),
                at: crate::now(),
            });
            self.append_support(id, &mut state, w).await
        }
        .await;
        let view = self.support_view(id, &state);
        self.unlock_log(lock, state).await;
        let receipt = result?;
        self.mail_receipt(member, id, "withdrawal", &receipt).await;
        Ok(SupportReceipt {
            receipt,
            support: view,
            frozen: false,
        })
    }
}
