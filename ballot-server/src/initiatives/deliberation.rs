//! Deliberation (specs/initiatives.md §3.3–§3.4): amendments the author
//! accepts (a new version, on the support log) or rejects with a reason,
//! and comments officers may hide with a public reason. Nothing is deleted.

use psephos_crypto::record::support::{SupportEntry, VersionEntry};

use super::model::{
    check_text, Amendment, AmendmentInput, AmendmentState, Comment, Hidden, ProposalDoc,
    ProposalState, VersionText, MAX_COMMENT, MAX_REASON,
};
use super::proposals::{not_author, not_hidden, version_key, wrong_state, VERSION};
use super::{contention, random_id, CAS_ATTEMPTS};
use crate::app::App;
use crate::error::{Result, ServerError};

pub(crate) const AMENDMENT: &str = "amendment";
const COMMENT: &str = "comment";

/// A public reason of 1–2,000 characters (§3.3–§3.5), or `proposal.invalid`.
pub(crate) fn reason_ok(r: &str) -> Result<()> {
    if r.trim().is_empty() || r.chars().count() > MAX_REASON {
        return Err(ServerError::invalid(
            "proposal.invalid",
            format!("a reason must be 1–{MAX_REASON} characters"),
        ));
    }
    Ok(())
}

fn published(doc: &ProposalDoc) -> Result<()> {
    match doc.state {
        ProposalState::Draft => Err(super::proposals::not_found(&doc.id)),
        ProposalState::Frozen => Err(ServerError::conflict(
            "proposal.frozen",
            "the proposal is frozen",
        )),
        ProposalState::Deliberation => Ok(()),
    }
}

impl App {
    /// A member proposes an amendment to the current version (§3.3).
    pub async fn propose_amendment(
        &self,
        member: &str,
        id: &str,
        input: AmendmentInput,
    ) -> Result<Amendment> {
        let (_, doc) = self.proposal_doc(id).await?;
        published(&doc)?;
        not_hidden(&doc)?;
        if input.version != doc.version {
            return Err(ServerError::conflict(
                "amendment.stale",
                format!("amend the current version {}", doc.version),
            ));
        }
        let settings = self.initiative_settings().await?;
        check_text(
            input.title.as_deref().unwrap_or(&doc.input.title),
            input.summary.as_deref().unwrap_or(&doc.input.summary),
            &input.body,
            settings.max_body,
        )?;
        reason_ok(&input.rationale)?;
        let a = Amendment {
            id: random_id("a-"),
            proposal: id.to_string(),
            author: member.to_string(),
            input,
            state: AmendmentState::Open,
            reason: None,
            made_version: None,
            created_at: crate::now(),
            decided_at: None,
            hidden: None,
        };
        if !self.initiatives.insert(AMENDMENT, &a.id, id, &a).await? {
            return Err(ServerError::internal("amendment id collision"));
        }
        Ok(a)
    }

    pub(crate) async fn amendment(&self, id: &str, aid: &str) -> Result<(i64, Amendment)> {
        match self.initiatives.get::<Amendment>(AMENDMENT, aid).await? {
            Some((v, a)) if a.proposal == id => Ok((v, a)),
            _ => Err(ServerError::not_found(
                "amendment.not_found",
                format!("no amendment {aid:?}"),
            )),
        }
    }

    /// The author accepts (`reject = None`) or rejects an amendment.
    /// Accepting makes the next version and its `support.version` entry.
    pub async fn decide_amendment(
        &self,
        member: &str,
        id: &str,
        aid: &str,
        reject: Option<String>,
    ) -> Result<Amendment> {
        if let Some(r) = &reject {
            reason_ok(r)?;
        }
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.author != member {
            return Err(not_author());
        }
        published(&doc)?;
        // An alternative's new version is admitted under its main
        // proposal's lock, before its own (§7.1).
        let main = match (&reject, &doc.input.alternative_to) {
            (None, Some(m)) => Some(self.lock_log(m).await?),
            _ => None,
        };
        let result = match &main {
            Some((_, ms)) if ms.is_frozen() => Err(ServerError::conflict(
                "proposal.frozen",
                "the main proposal is frozen, and its alternatives with it",
            )),
            _ => self.decide_locked(id, aid, reject).await,
        };
        if let Some((lock, state)) = main {
            self.unlock_log(lock, state).await;
        }
        result
    }

    async fn decide_locked(
        &self,
        id: &str,
        aid: &str,
        reject: Option<String>,
    ) -> Result<Amendment> {
        let (lock, mut state) = self.lock_log(id).await?;
        let result = async {
            let (av, mut a) = self.amendment(id, aid).await?;
            if a.state != AmendmentState::Open {
                return Err(ServerError::conflict(
                    "amendment.decided",
                    "this amendment was already decided",
                ));
            }
            // Under the lock, so that a hiding (§3.5) cannot slip between.
            let (_, doc) = self.proposal_doc(id).await?;
            let now = crate::now();
            a.decided_at = Some(now);
            if let Some(r) = reject {
                a.state = AmendmentState::Rejected;
                a.reason = Some(r);
            } else {
                if state.is_frozen() {
                    return Err(ServerError::conflict(
                        "proposal.frozen",
                        "the proposal is frozen",
                    ));
                }
                not_hidden(&doc)?;
                if doc.state != ProposalState::Deliberation {
                    return Err(ServerError::conflict(
                        "proposal.frozen",
                        "the proposal is frozen",
                    ));
                }
                if a.hidden.is_some() {
                    return Err(super::moderation::amendment_hidden());
                }
                let cur = state.current_version();
                if a.input.version != cur {
                    return Err(ServerError::conflict(
                        "amendment.stale",
                        format!("the amendment is to version {}, now {cur}", a.input.version),
                    ));
                }
                let mut input = doc.input.clone();
                input.body = a.input.body.clone();
                if let Some(t) = &a.input.title {
                    input.title = t.clone();
                }
                if let Some(s) = &a.input.summary {
                    input.summary = s.clone();
                }
                let n = cur + 1;
                let text = VersionText::new(id, n, &input);
                if input.decision.has_alternatives() {
                    let main = input.alternative_to.as_deref().unwrap_or(id);
                    self.check_group(main, &text).await?;
                }
                self.initiatives
                    .insert(
                        VERSION,
                        &version_key(id, n),
                        id,
                        &String::from_utf8_lossy(&text.bytes()),
                    )
                    .await?;
                let v = SupportEntry::Version(VersionEntry {
                    version: n,
                    text_hash: text.hash(),
                    at: now,
                });
                self.append_support(id, &mut state, v).await?;
                self.mutate_proposal(id, |d| {
                    d.input = input.clone();
                    d.version = n;
                    Ok(())
                })
                .await?;
                // The version entry is durable: tell the supporters of
                // older versions, without waiting for SMTP (§5.3).
                self.notify_new_version(id, n, super::notify::stale_supporters(&state));
                a.state = AmendmentState::Accepted;
                a.made_version = Some(n);
            }
            if !self.initiatives.update(AMENDMENT, aid, av, &a).await? {
                return Err(contention());
            }
            Ok(a)
        }
        .await;
        self.unlock_log(lock, state).await;
        result
    }

    /// A member comments on a published proposal (§3.4).
    pub async fn comment(&self, member: &str, id: &str, body: String) -> Result<Comment> {
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft {
            return Err(wrong_state("a draft takes no comments"));
        }
        not_hidden(&doc)?;
        if body.trim().is_empty() || body.chars().count() > MAX_COMMENT {
            return Err(ServerError::invalid(
                "proposal.invalid",
                format!("a comment must be 1–{MAX_COMMENT} characters"),
            ));
        }
        let c = Comment {
            id: random_id("c-"),
            proposal: id.to_string(),
            author: member.to_string(),
            body: Some(body),
            created_at: crate::now(),
            hidden: None,
        };
        if !self.initiatives.insert(COMMENT, &c.id, id, &c).await? {
            return Err(ServerError::internal("comment id collision"));
        }
        Ok(c)
    }

    /// The public comments: hidden ones listed with the moderation, without
    /// their text.
    pub async fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        let list: Vec<Comment> = self.initiatives.list(COMMENT, id).await?;
        Ok(list
            .into_iter()
            .map(|mut c| {
                if c.hidden.is_some() {
                    c.body = None;
                }
                c
            })
            .collect())
    }

    /// Officers hide a comment with a public reason; it stays stored. Each
    /// comment is hidden once (`comment.hidden`, 409; §3.4).
    pub async fn hide_comment(&self, id: &str, cid: &str, reason: String) -> Result<Comment> {
        reason_ok(&reason)?;
        for _ in 0..CAS_ATTEMPTS {
            let (v, mut c) = match self.initiatives.get::<Comment>(COMMENT, cid).await? {
                Some((v, c)) if c.proposal == id => (v, c),
                _ => {
                    return Err(ServerError::not_found(
                        "comment.not_found",
                        format!("no comment {cid:?}"),
                    ))
                }
            };
            if c.hidden.is_some() {
                return Err(ServerError::conflict(
                    "comment.hidden",
                    "the officers hid this comment already; the first reason stays",
                ));
            }
            c.hidden = Some(Hidden {
                reason: reason.clone(),
                at: crate::now(),
            });
            if self.initiatives.update(COMMENT, cid, v, &c).await? {
                c.body = None;
                return Ok(c);
            }
        }
        Err(contention())
    }
}
