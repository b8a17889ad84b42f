//! Settings, the member roll, drafts, publication and versions
//! (specs/initiatives.md §2.1, §3.1, §3.2, §3.6, §6).

use psephos_crypto::record::support::{
    log_id, roll_hash, roll_parts, Open, SupportEntry, VersionEntry,
};
use psephos_trustee::roll::parse_roll;

use super::markdown;
use super::model::{
    ProposalDoc, ProposalInput, ProposalState, ProposalView, Settings, VersionText, VersionView,
    ViewerView,
};
use super::roll::RollImport;
use super::{contention, random_id, CAS_ATTEMPTS};
use crate::app::App;
use crate::error::{ErrorClass, Result, ServerError};

/// Object kinds.
pub(crate) const SETTINGS: &str = "settings";
pub(crate) const PROPOSAL: &str = "proposal";
pub(crate) const VERSION: &str = "version";

pub(crate) fn not_found(id: &str) -> ServerError {
    ServerError::not_found("proposal.not_found", format!("no proposal {id:?}"))
}

pub(crate) fn not_author() -> ServerError {
    ServerError::new(
        ErrorClass::Forbidden,
        "proposal.not_author",
        "only the proposal's author may do this",
    )
}

/// Only the author may act on their proposal; someone else's draft does
/// not exist for them (`proposal.not_found`), a published one answers
/// `not_author`.
fn check_author(doc: &ProposalDoc, member: &str, id: &str) -> Result<()> {
    if doc.author == member {
        Ok(())
    } else if doc.state == ProposalState::Draft {
        Err(not_found(id))
    } else {
        Err(not_author())
    }
}

pub(crate) fn version_key(id: &str, n: u64) -> String {
    format!("{id}:{n}")
}

impl App {
    /// The settings in force (defaults, no areas, before any are set).
    pub async fn initiative_settings(&self) -> Result<Settings> {
        Ok(self
            .initiatives
            .get(SETTINGS, "current")
            .await?
            .map(|(_, s)| s)
            .unwrap_or_default())
    }

    /// Replaces the settings (§3.6).
    pub async fn put_initiative_settings(&self, s: Settings) -> Result<Settings> {
        s.check()?;
        let ini = &self.initiatives;
        for _ in 0..CAS_ATTEMPTS {
            let done = match ini.get::<Settings>(SETTINGS, "current").await? {
                None => ini.insert(SETTINGS, "current", "", &s).await?,
                Some((v, _)) => ini.update(SETTINGS, "current", v, &s).await?,
            };
            if done {
                return Ok(s);
            }
        }
        Err(contention())
    }

    /// Replaces the member roll (§2.1), then adds the new members to the
    /// roll of every support log that takes supports (§5.2); answers the
    /// number of members and the number of logs whose roll grew.
    pub async fn import_member_roll(&self, csv: &str) -> Result<RollImport> {
        let members = parse_roll(csv).map_err(|e| {
            let mut err = ServerError::invalid(e.code(), e.to_string());
            err.lines = e.lines();
            err
        })?;
        self.initiatives.store.replace_members(&members).await?;
        let ids: Vec<String> = members.iter().map(|m| m.member_id.clone()).collect();
        let logs_grown = self.roll_add_to_logs(&ids).await?;
        Ok(RollImport {
            members: members.len() as u64,
            logs_grown,
        })
    }

    /// A proposal document, or `proposal.not_found`.
    pub(crate) async fn proposal_doc(&self, id: &str) -> Result<(i64, ProposalDoc)> {
        self.initiatives
            .get(PROPOSAL, id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    /// Applies `f` to a proposal document by compare-and-swap.
    pub(crate) async fn mutate_proposal<T>(
        &self,
        id: &str,
        mut f: impl FnMut(&mut ProposalDoc) -> Result<T>,
    ) -> Result<(T, ProposalDoc)> {
        for _ in 0..CAS_ATTEMPTS {
            let (v, mut doc) = self.proposal_doc(id).await?;
            let out = f(&mut doc)?;
            if self.initiatives.update(PROPOSAL, id, v, &doc).await? {
                return Ok((out, doc));
            }
        }
        Err(contention())
    }

    /// A member drafts a proposal (§3.1).
    pub async fn create_proposal(
        &self,
        member: &str,
        input: ProposalInput,
    ) -> Result<ProposalView> {
        input.check(&self.initiative_settings().await?)?;
        self.check_alternative(None, &input, None).await?;
        let doc = ProposalDoc {
            id: random_id("p-"),
            author: member.to_string(),
            state: ProposalState::Draft,
            input,
            version: 0,
            created_at: crate::now(),
            published_at: None,
            hidden: None,
        };
        if !self.initiatives.insert(PROPOSAL, &doc.id, "", &doc).await? {
            return Err(ServerError::internal("proposal id collision"));
        }
        self.proposal_view(&doc.id, Some(member)).await
    }

    /// The author replaces a draft.
    pub async fn update_draft(
        &self,
        member: &str,
        id: &str,
        input: ProposalInput,
    ) -> Result<ProposalView> {
        input.check(&self.initiative_settings().await?)?;
        self.check_alternative(Some(id), &input, None).await?;
        self.mutate_proposal(id, |doc| {
            check_author(doc, member, id)?;
            if doc.state != ProposalState::Draft {
                return Err(wrong_state("a published proposal is never edited in place"));
            }
            doc.input = input.clone();
            Ok(())
        })
        .await?;
        self.proposal_view(id, Some(member)).await
    }

    /// The author publishes a draft: version 1 and the support log (§3.1,
    /// §5.2). An alternative is admitted and published under its main
    /// proposal's lock (§7.1). Safe to repeat after a crash part way.
    pub async fn publish_proposal(&self, member: &str, id: &str) -> Result<ProposalView> {
        let (_, doc) = self.proposal_doc(id).await?;
        check_author(&doc, member, id)?;
        if doc.state != ProposalState::Draft {
            return Err(wrong_state("the proposal is already published"));
        }
        match doc.input.alternative_to.clone() {
            None => self.publish_draft(id, doc).await?,
            Some(main) => {
                self.check_alternative(Some(id), &doc.input, None).await?;
                let (lock, state) = self.lock_log(&main).await?;
                let result = async {
                    self.check_alternative(Some(id), &doc.input, Some(&*state))
                        .await?;
                    let v1 = VersionText::new(id, 1, &doc.input);
                    self.check_group(&main, &v1).await?;
                    self.link_alternative(&main, id).await?;
                    self.publish_draft(id, doc).await
                }
                .await;
                self.unlock_log(lock, state).await;
                result?;
            }
        }
        self.proposal_view(id, Some(member)).await
    }

    async fn publish_draft(&self, id: &str, doc: ProposalDoc) -> Result<()> {
        let settings = self.initiative_settings().await?;
        doc.input.check(&settings)?;
        let area = settings.area(&doc.input.area)?.clone();
        let roll = self.initiatives.store.member_ids().await?;
        if roll.is_empty() {
            return Err(ServerError::conflict(
                "roll.missing",
                "the member roll must be imported first",
            ));
        }
        let text = VersionText::new(id, 1, &doc.input);
        self.initiatives
            .insert(
                VERSION,
                &version_key(id, 1),
                id,
                &String::from_utf8_lossy(&text.bytes()),
            )
            .await?;
        // A repeat after a crash keeps the version first stored.
        let text = self.version_text(id, 1).await?;
        let now = crate::now();
        let (lock, mut state) = self.lock_log(id).await?;
        let result = async {
            if state.size == 0 {
                let open = SupportEntry::Open(Open {
                    spec_version: 1,
                    proposal: id.to_string(),
                    area: area.id.clone(),
                    threshold: area.threshold,
                    required: area.threshold.required(roll.len() as u64),
                    roll_size: roll.len() as u64,
                    roll_hash: roll_hash(roll.iter().map(String::as_str)),
                    officer_days: settings.officer_days,
                    opened_at: now,
                });
                self.append_support(id, &mut state, open).await?;
                for part in roll_parts(&roll) {
                    self.append_support(id, &mut state, SupportEntry::Roll(part))
                        .await?;
                }
            }
            if state.current_version() == 0 {
                let v = SupportEntry::Version(VersionEntry {
                    version: 1,
                    text_hash: text.hash(),
                    at: now,
                });
                self.append_support(id, &mut state, v).await?;
            }
            self.mutate_proposal(id, |d| {
                d.state = ProposalState::Deliberation;
                d.version = 1;
                d.input.title = text.title.clone();
                d.input.summary = text.summary.clone();
                d.input.body = text.body.clone();
                d.published_at.get_or_insert(now);
                Ok(())
            })
            .await
        }
        .await;
        self.unlock_log(lock, state).await;
        result.map(|_| ())
    }

    /// A stored version (the canonical text).
    pub async fn version_text(&self, id: &str, n: u64) -> Result<VersionText> {
        let raw: Option<(i64, String)> = self.initiatives.get(VERSION, &version_key(id, n)).await?;
        let (_, s) = raw.ok_or_else(|| {
            ServerError::not_found("version.not_found", format!("no version {n} of {id:?}"))
        })?;
        serde_json::from_str(&s).map_err(|e| ServerError::internal(format!("stored version: {e}")))
    }

    /// Version `n` as served (§3.2); drafts have none, a hidden proposal
    /// withholds them (§3.5).
    pub async fn version_view(&self, id: &str, n: u64) -> Result<VersionView> {
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft || n == 0 || n > doc.version {
            return Err(ServerError::not_found(
                "version.not_found",
                format!("no version {n} of {id:?}"),
            ));
        }
        not_hidden(&doc)?;
        let text = self.version_text(id, n).await?;
        Ok(VersionView {
            text_hash: hex::encode(text.hash()),
            html: markdown::render(&text.body),
            text,
        })
    }

    /// Differences between two versions (§3.2).
    pub async fn version_diff(&self, id: &str, from: u64, to: u64) -> Result<serde_json::Value> {
        let a = self.version_view(id, from).await?.text;
        let b = self.version_view(id, to).await?.text;
        Ok(serde_json::json!({
            "from": from,
            "to": to,
            "title": markdown::diff(&a.title, &b.title),
            "summary": markdown::diff(&a.summary, &b.summary),
            "body": markdown::diff(&a.body, &b.body),
        }))
    }

    /// The page of a proposal; a draft only for its author.
    pub async fn proposal_view(&self, id: &str, viewer: Option<&str>) -> Result<ProposalView> {
        let (_, doc) = self.proposal_doc(id).await?;
        if doc.state == ProposalState::Draft && viewer != Some(doc.author.as_str()) {
            return Err(not_found(id));
        }
        let (support, frozen, amv, standing) = if doc.state == ProposalState::Draft {
            (None, None, None, None)
        } else {
            self.with_log(id, |state| {
                (
                    Some(self.support_view(id, state)),
                    super::log::frozen_view(state),
                    super::amv::amv_view(state),
                    viewer.and_then(|m| state.standing.get(m).copied()),
                )
            })
            .await?
        };
        let viewer = viewer.map(|m| ViewerView {
            member: m.to_string(),
            standing,
        });
        let alternatives = if doc.input.decision.has_alternatives()
            && doc.input.alternative_to.is_none()
            && doc.state != ProposalState::Draft
        {
            self.alternative_ids(id).await?
        } else {
            Vec::new()
        };
        // A hidden proposal's texts are withheld from every view (§3.5).
        let shown = doc.hidden.is_none().then_some(doc.input);
        Ok(ProposalView {
            html: shown.as_ref().map(|i| markdown::render(&i.body)),
            id: doc.id,
            author: doc.author,
            state: doc.state,
            input: shown,
            hidden: doc.hidden,
            alternatives,
            version: doc.version,
            created_at: doc.created_at,
            published_at: doc.published_at,
            support,
            frozen,
            amv,
            viewer,
        })
    }

    /// Every published proposal, oldest first (summaries: no rendered body),
    /// each with its support progress (§6).
    pub async fn list_proposals(&self) -> Result<Vec<serde_json::Value>> {
        let docs: Vec<ProposalDoc> = self.initiatives.list(PROPOSAL, "").await?;
        let mut out = Vec::with_capacity(docs.len());
        for d in docs.into_iter().filter(|d| d.state != ProposalState::Draft) {
            let support = self
                .with_log(&d.id, |state| self.support_view(&d.id, state))
                .await?;
            let mut v = list_item(d);
            v["support"] = serde_json::json!(support);
            out.push(v);
        }
        Ok(out)
    }
}

/// A proposal as listed (§6), without its progress.
fn list_item(d: ProposalDoc) -> serde_json::Value {
    match d.hidden {
        Some(h) => serde_json::json!({
            "id": d.id, "state": d.state, "version": d.version, "hidden": h,
            "log_id": hex::encode(log_id(&d.id)),
        }),
        None => {
            let mut v = serde_json::json!({
                "id": d.id, "title": d.input.title, "summary": d.input.summary,
                "area": d.input.area, "decision": d.input.decision,
                "state": d.state, "version": d.version,
                "log_id": hex::encode(log_id(&d.id)),
            });
            if let Some(m) = &d.input.alternative_to {
                v["alternative_to"] = serde_json::json!(m);
            }
            v
        }
    }
}

pub(crate) fn wrong_state(m: impl Into<String>) -> ServerError {
    ServerError::conflict("proposal.wrong_state", m)
}

/// `proposal.hidden` (§3.5, §9) for a proposal the officers hid.
pub(crate) fn not_hidden(doc: &ProposalDoc) -> Result<()> {
    match &doc.hidden {
        None => Ok(()),
        Some(h) => Err(ServerError::conflict(
            "proposal.hidden",
            format!("the officers hid this proposal: {}", h.reason),
        )),
    }
}
