//! To the AMV (specs/initiatives.md §7): the round draft made right after
//! the freeze, whose question carries the frozen text and the binding
//! trailer with its hash; the officers' action; the public state.

use std::collections::BTreeMap;

use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{
    OptionDef, Question, QuestionKind, RankedDefault, RevotePolicy, Schedule,
    SYSTEMIC_CONSENSUS_MAX,
};
use psephos_crypto::record::support::{
    binding_trailer, Amv, Officer, OfficerAction, SupportEntry, SupportState,
};
use psephos_crypto::results::{Majority, YesNoRules};
use psephos_trustee::wire::{CredentialMode, RoundDraft, RoundState};

use super::alternatives::options_description;
use super::model::{AmvView, Decision, VersionText, MAX_REASON};
use crate::app::App;
use crate::error::{Result, ServerError};

/// Days a placeholder round stays open (officers replace the schedule).
const PLACEHOLDER_DAYS: u64 = 14;
/// The option of the status quo: the passive solution of systemic
/// consensus, the default option of a ranked question (§7.1).
pub const STATUS_QUO: &str = "status-quo";

/// The round id of proposal `id`'s AMV: `ini-` and the id's hex.
pub fn round_id(id: &str) -> String {
    format!("ini-{}", id.trim_start_matches("p-"))
}

/// The public AMV state (§7.3).
pub fn amv_view(state: &SupportState) -> Option<AmvView> {
    let amv = state.amv.as_ref()?;
    let (st, reason) = match &state.officer {
        Some(o) if o.action == OfficerAction::Scheduled => ("scheduled", None),
        Some(o) => ("declined", o.reason.clone()),
        None if crate::now() > amv.deadline => ("overdue", None),
        None => ("awaiting_officers", None),
    };
    Some(AmvView {
        round: amv.round.clone(),
        deadline: amv.deadline,
        state: st.to_string(),
        reason,
    })
}

fn in_lang(lang: &str, s: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(lang.to_string(), s.to_string())])
}

/// The `yes_no` question of a frozen text (§7.1).
fn yes_no_question(text: &VersionText, hash: &[u8; 32]) -> Question {
    let lang = text.language.as_str();
    let description = format!(
        "{}{}",
        text.body,
        binding_trailer(&text.proposal, text.version, hash)
    );
    let option = |o: &str| OptionDef {
        id: o.to_string(),
        label: in_lang(lang, o),
    };
    Question {
        id: "initiative".into(),
        title: in_lang(lang, &text.title),
        description: in_lang(lang, &description),
        options: vec![option("yes"), option("no"), option("abstain")],
        kind: QuestionKind::YesNo {
            rules: YesNoRules {
                quorum: None,
                majority: Majority::simple(),
            },
        },
    }
}

/// The `systemic_consensus` or `ranked` question over the status quo and
/// `texts` (the frozen proposal first, then its live alternatives): each
/// option's id is its proposal id, its label its title (§7.1).
fn options_question(decision: Decision, texts: &[VersionText]) -> Question {
    let lang = texts[0].language.as_str();
    let mut options = vec![OptionDef {
        id: STATUS_QUO.into(),
        label: in_lang(lang, STATUS_QUO),
    }];
    options.extend(texts.iter().map(|t| OptionDef {
        id: t.proposal.clone(),
        label: in_lang(lang, &t.title),
    }));
    let kind = match decision {
        Decision::Ranked => QuestionKind::Ranked {
            default_option: Some(RankedDefault {
                option: STATUS_QUO.into(),
                quorum: None,
                majorities: BTreeMap::new(),
            }),
        },
        _ => QuestionKind::SystemicConsensus {
            max_resistance: SYSTEMIC_CONSENSUS_MAX,
            passive_solution: Some(STATUS_QUO.into()),
            unrated: Unrated::CountsAsMax,
        },
    };
    Question {
        id: "initiative".into(),
        title: in_lang(lang, &texts[0].title),
        description: in_lang(lang, &options_description(texts)),
        options,
        kind,
    }
}

fn not_frozen() -> ServerError {
    ServerError::conflict(
        "proposal.not_frozen",
        "the proposal has not reached its threshold",
    )
}

impl App {
    /// Makes the AMV round draft of a frozen proposal and appends
    /// `support.amv` (§7.1). A draft that already exists (a repeat after a
    /// crash) is kept.
    pub(crate) async fn make_amv_draft(&self, id: &str, state: &mut SupportState) -> Result<()> {
        let (freeze, _) = state.freeze.clone().ok_or_else(not_frozen)?;
        let deadline = state.deadline().ok_or_else(not_frozen)?;
        let (_, doc) = self.proposal_doc(id).await?;
        let (text, question) = if doc.input.decision.has_alternatives() {
            let texts = self.freeze_options(id, freeze.version).await?;
            let q = options_question(doc.input.decision, &texts);
            (texts[0].clone(), q)
        } else {
            let text = self.version_text(id, freeze.version).await?;
            let q = yes_no_question(&text, &freeze.text_hash);
            (text, q)
        };
        let lang = text.language.as_str();
        let round = round_id(id);
        let draft = RoundDraft {
            election: round.clone(),
            title: in_lang(lang, &text.title),
            questions: vec![question],
            schedule: Schedule {
                opens_at: deadline,
                closes_at: deadline + PLACEHOLDER_DAYS * 86_400,
            },
            revote: RevotePolicy::LastCounts,
            credential_mode: CredentialMode::Server,
        };
        match self.create_round(draft).await {
            Ok(_) => {}
            Err(e) if e.code == "round.exists" => {}
            Err(e) => return Err(e),
        }
        let amv = SupportEntry::Amv(Amv {
            round,
            deadline,
            at: crate::now(),
        });
        self.append_support(id, state, amv).await?;
        Ok(())
    }

    /// Officers schedule the AMV (the round has left `draft`) or decline it
    /// with a public reason (§7.2).
    pub async fn officer_decide(&self, id: &str, decline: Option<String>) -> Result<AmvView> {
        if let Some(r) = &decline {
            if r.trim().is_empty() || r.chars().count() > MAX_REASON {
                return Err(ServerError::invalid(
                    "proposal.invalid",
                    format!("a reason of 1–{MAX_REASON} characters is required"),
                ));
            }
        }
        self.proposal_doc(id).await?;
        let (lock, mut state) = self.lock_log(id).await?;
        let result = async {
            if state.freeze.is_none() {
                return Err(not_frozen());
            }
            if state.amv.is_none() {
                self.finish_freeze(id, &mut state).await?;
            }
            if state.officer.is_some() {
                return Err(ServerError::conflict(
                    "initiative.decided",
                    "the officers already acted on this proposal",
                ));
            }
            let round = state
                .amv
                .as_ref()
                .map(|a| a.round.clone())
                .unwrap_or_default();
            let entry = match decline {
                Some(reason) => Officer {
                    action: OfficerAction::Declined,
                    round: None,
                    reason: Some(reason),
                    at: crate::now(),
                },
                None => {
                    let doc = self.load(&round).await?.doc;
                    if doc.state == RoundState::Draft {
                        return Err(ServerError::conflict(
                            "round.wrong_state",
                            "start the round's key ceremony before scheduling it",
                        ));
                    }
                    Officer {
                        action: OfficerAction::Scheduled,
                        round: Some(round),
                        reason: None,
                        at: crate::now(),
                    }
                }
            };
            self.append_support(id, &mut state, SupportEntry::Officer(entry))
                .await?;
            amv_view(&state).ok_or_else(not_frozen)
        }
        .await;
        self.unlock_log(lock, state).await;
        result
    }
}
