//! Competing alternatives (specs/initiatives.md §7.4, the question §7.1): a proposal drafted
//! as an alternative to a published, unfrozen `systemic_consensus` or
//! `ranked` main proposal of the same area and language, published under
//! the main proposal's lock, carried at its current version into the
//! main proposal's AMV question. Every change that moves an alternative's
//! text or liveness takes the main proposal's lock first (lock order:
//! main, then alternative), so the freeze sees a settled set.

use psephos_crypto::record::support::{option_trailer, SupportState};
use serde::{Deserialize, Serialize};

use super::model::{ProposalDoc, ProposalInput, ProposalState, VersionText};
use crate::app::App;
use crate::error::{ErrorClass, Result, ServerError};

/// Object kind of the link main → alternative (id: the alternative,
/// parent: the main proposal), in publication order.
const ALTERNATIVE: &str = "alternative";
/// Most live alternatives of one proposal: with the status quo and the
/// main proposal, a ranked question's 20 options (manifest.rs).
pub const MAX_ALTERNATIVES: usize = 18;
/// The manifest's limit on a description, in bytes (manifest.rs).
pub const MAX_DESCRIPTION: usize = 100_000;

/// The stored link.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Link {
    proposal: String,
    at: u64,
}

fn invalid(m: impl Into<String>) -> ServerError {
    ServerError::invalid("alternative.invalid", m)
}

fn closed(m: impl Into<String>) -> ServerError {
    ServerError::conflict("alternative.closed", m)
}

/// The description of a `systemic_consensus` or `ranked` question (§7.1):
/// per proposal option, in ballot order, `## title`, a blank line, the body
/// and its option trailer, the sections joined by one newline.
pub fn options_description(texts: &[VersionText]) -> String {
    texts
        .iter()
        .map(|t| {
            format!(
                "## {}\n\n{}{}",
                t.title,
                t.body,
                option_trailer(&t.proposal, t.version, &t.hash())
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An alternative is live when published, not hidden and still naming
/// its main proposal (a draft re-pointed elsewhere is not).
fn live(doc: &ProposalDoc, main: &str) -> bool {
    doc.state != ProposalState::Draft
        && doc.hidden.is_none()
        && doc.input.alternative_to.as_deref() == Some(main)
}

impl App {
    /// Checks what an alternative's draft names (§7.4): a published main
    /// proposal that is not itself an alternative, of decision kind
    /// `systemic_consensus` or `ranked` as the draft, same area and
    /// language, neither frozen nor hidden. `state` is the main proposal's
    /// log under its lock, at publication.
    pub(crate) async fn check_alternative(
        &self,
        id: Option<&str>,
        input: &ProposalInput,
        state: Option<&SupportState>,
    ) -> Result<()> {
        let Some(main) = input.alternative_to.as_deref() else {
            return Ok(());
        };
        if Some(main) == id {
            return Err(invalid("a proposal is not an alternative to itself"));
        }
        let m = match self
            .initiatives
            .get::<ProposalDoc>(super::proposals::PROPOSAL, main)
            .await?
        {
            Some((_, m)) if m.state != ProposalState::Draft => m,
            _ => return Err(invalid(format!("no published proposal {main:?}"))),
        };
        if m.input.alternative_to.is_some() {
            return Err(invalid("the main proposal is itself an alternative"));
        }
        if !m.input.decision.has_alternatives() || m.input.decision != input.decision {
            return Err(invalid(
                "an alternative has the decision kind of its main proposal, \
                 systemic_consensus or ranked",
            ));
        }
        if m.input.area != input.area || m.input.language != input.language {
            return Err(invalid(
                "an alternative has its main proposal's area and language",
            ));
        }
        if m.state == ProposalState::Frozen || state.is_some_and(SupportState::is_frozen) {
            return Err(closed("the main proposal is frozen: no more alternatives"));
        }
        if m.hidden.is_some() {
            return Err(closed("the officers hid the main proposal"));
        }
        Ok(())
    }

    /// The live alternatives of `main`, in publication order.
    pub(crate) async fn live_alternatives(&self, main: &str) -> Result<Vec<ProposalDoc>> {
        let links: Vec<Link> = self.initiatives.list(ALTERNATIVE, main).await?;
        let mut out = Vec::new();
        for l in links {
            let (_, doc) = self.proposal_doc(&l.proposal).await?;
            if live(&doc, main) {
                out.push(doc);
            }
        }
        Ok(out)
    }

    /// Every published alternative of `main` (hidden ones too), for its page.
    pub(crate) async fn alternative_ids(&self, main: &str) -> Result<Vec<String>> {
        let links: Vec<Link> = self.initiatives.list(ALTERNATIVE, main).await?;
        let mut out = Vec::new();
        for l in links {
            let (_, doc) = self.proposal_doc(&l.proposal).await?;
            if doc.state != ProposalState::Draft
                && doc.input.alternative_to.as_deref() == Some(main)
            {
                out.push(doc.id);
            }
        }
        Ok(out)
    }

    /// The current texts of `main` and its live alternatives, in ballot
    /// order, with `changed` in place of (or, if new, after) its proposal's.
    pub(crate) async fn option_texts(
        &self,
        main: &str,
        changed: Option<&VersionText>,
    ) -> Result<Vec<VersionText>> {
        let (_, m) = self.proposal_doc(main).await?;
        let mut docs = vec![m];
        docs.extend(self.live_alternatives(main).await?);
        let mut texts = Vec::new();
        for d in &docs {
            match changed {
                Some(c) if c.proposal == d.id => texts.push(c.clone()),
                _ => texts.push(self.version_text(&d.id, d.version).await?),
            }
        }
        if let Some(c) = changed {
            if !docs.iter().any(|d| d.id == c.proposal) {
                texts.push(c.clone());
            }
        }
        Ok(texts)
    }

    /// Refuses a change of `main`'s group (a new alternative, an accepted
    /// amendment) that would take its AMV question past the manifest's
    /// limits (§7.1): `alternative.too_many` (409), `proposal.too_large`
    /// (413). Under the main proposal's lock.
    pub(crate) async fn check_group(&self, main: &str, changed: &VersionText) -> Result<()> {
        let texts = self.option_texts(main, Some(changed)).await?;
        if texts.len() > MAX_ALTERNATIVES + 1 {
            return Err(ServerError::conflict(
                "alternative.too_many",
                format!("a proposal has at most {MAX_ALTERNATIVES} live alternatives"),
            ));
        }
        let n = options_description(&texts).len();
        if n > MAX_DESCRIPTION {
            return Err(ServerError::new(
                ErrorClass::TooLarge,
                "proposal.too_large",
                format!(
                    "the AMV question over {main} and its alternatives would be {n} bytes, \
                     over {MAX_DESCRIPTION}"
                ),
            ));
        }
        Ok(())
    }

    /// Records the link of a new alternative (before its publication,
    /// under the main proposal's lock; a repeat keeps the first).
    pub(crate) async fn link_alternative(&self, main: &str, id: &str) -> Result<()> {
        let link = Link {
            proposal: id.to_string(),
            at: crate::now(),
        };
        self.initiatives
            .insert(ALTERNATIVE, id, main, &link)
            .await?;
        Ok(())
    }

    /// At the freeze of `main` (under its lock): every live alternative
    /// is frozen at its current version; their texts in ballot order,
    /// the main proposal's first (§7.1). Safe to repeat.
    pub(crate) async fn freeze_options(
        &self,
        main: &str,
        version: u64,
    ) -> Result<Vec<VersionText>> {
        let mut texts = vec![self.version_text(main, version).await?];
        for alt in self.live_alternatives(main).await? {
            self.mutate_proposal(&alt.id, |d| {
                d.state = ProposalState::Frozen;
                Ok(())
            })
            .await?;
            texts.push(self.version_text(&alt.id, alt.version).await?);
        }
        Ok(texts)
    }
}
