//! The demo's scripted ballots file (specs/server-api.md §12): the
//! questions with their kind and options, then one object per voter with a
//! choice per question and an optional weight. [`Script::plain`] turns a
//! voter's choices into the encoded plaintexts the booth would encrypt,
//! using the question kinds' own encoders.

use std::collections::BTreeMap;

use psephos_crypto::ballot::PlainAnswer;
use psephos_crypto::questions::choices;
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{OptionDef, Question, QuestionKind, RankedDefault};
use psephos_crypto::results::{Majority, YesNoRules};
use serde::Deserialize;

use crate::error::{Result, ServerError};
use crate::service::rounds::text;

/// A question of the script.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptQuestion {
    /// Question id.
    pub id: String,
    /// `yes_no`, `choice`, `approval`, `score`, `systemic_consensus`, `ranked`.
    pub kind: String,
    /// Option ids, in ballot order (also their labels).
    pub options: Vec<String>,
    /// Title (default: the id).
    #[serde(default)]
    pub title: Option<String>,
    /// choice/approval: fewest options (default 1 for choice, 0 for approval).
    #[serde(default)]
    pub min: Option<u64>,
    /// choice/approval: most options; score/systemic consensus: most points
    /// (defaults 1, n, 5, 10).
    #[serde(default)]
    pub max: Option<u64>,
    /// choice/approval: seats (default 1).
    #[serde(default)]
    pub seats: Option<u64>,
    /// systemic consensus: the passive solution's option id.
    #[serde(default)]
    pub passive_solution: Option<String>,
    /// ranked: the default option's id.
    #[serde(default)]
    pub default_option: Option<String>,
}

/// One voter's choice for one question: the booth's choice shapes
/// (crypto `questions::choices`, booth.md §4), so a scripted ballot is
/// encoded exactly as the booth encodes the same choices.
pub use psephos_crypto::questions::choices::Choice as ScriptChoice;

/// One scripted voter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptVoter {
    /// Weight (default 1).
    #[serde(default = "one")]
    pub weight: u64,
    /// Question id → choice.
    pub choices: BTreeMap<String, ScriptChoice>,
}

fn one() -> u64 {
    1
}

/// A ballots file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// The questions.
    pub questions: Vec<ScriptQuestion>,
    /// The voters.
    pub voters: Vec<ScriptVoter>,
}

fn bad(msg: String) -> ServerError {
    ServerError::invalid("demo.script", msg)
}

impl ScriptQuestion {
    /// A question of `kind` over `options` with every rule at its default.
    pub fn new(id: &str, kind: &str, options: &[&str]) -> ScriptQuestion {
        ScriptQuestion {
            id: id.into(),
            kind: kind.into(),
            options: options.iter().map(|o| o.to_string()).collect(),
            title: None,
            min: None,
            max: None,
            seats: None,
            passive_solution: None,
            default_option: None,
        }
    }

    /// The manifest question.
    pub fn question(&self) -> Result<Question> {
        let n = self.options.len() as u64;
        let kind = match self.kind.as_str() {
            "yes_no" => QuestionKind::YesNo {
                rules: YesNoRules {
                    quorum: None,
                    majority: Majority::simple(),
                },
            },
            "choice" => QuestionKind::Choice {
                min: self.min.unwrap_or(1),
                max: self.max.unwrap_or(1),
                seats: self.seats.unwrap_or(1),
            },
            "approval" => QuestionKind::Approval {
                min: self.min.unwrap_or(0),
                max: self.max.unwrap_or(n),
                seats: self.seats.unwrap_or(1),
            },
            "score" => QuestionKind::Score {
                max: self.max.unwrap_or(5),
                unrated: Unrated::CountsAsMax,
            },
            "systemic_consensus" => QuestionKind::SystemicConsensus {
                max_resistance: self.max.unwrap_or(10),
                passive_solution: self.passive_solution.clone(),
                unrated: Unrated::CountsAsMax,
            },
            "ranked" => QuestionKind::Ranked {
                default_option: self.default_option.clone().map(|option| RankedDefault {
                    option,
                    quorum: None,
                    majorities: BTreeMap::new(),
                }),
            },
            k => return Err(bad(format!("question {}: unknown kind {k:?}", self.id))),
        };
        Ok(Question {
            id: self.id.clone(),
            title: text(self.title.as_deref().unwrap_or(&self.id)),
            description: BTreeMap::new(),
            options: self
                .options
                .iter()
                .map(|o| OptionDef {
                    id: o.clone(),
                    label: text(o),
                })
                .collect(),
            kind,
        })
    }
}

/// Encodes one choice for question `q` with the booth's encoder.
pub fn encode(q: &Question, c: &ScriptChoice) -> Result<PlainAnswer> {
    choices::encode(q, c).map_err(|e| bad(format!("question {} ({})", e.detail, e.code)))
}

impl Script {
    /// Parses a ballots file.
    pub fn parse(bytes: &[u8]) -> Result<Script> {
        crate::strict_json::check_no_duplicate_keys(bytes).map_err(bad)?;
        let s: Script = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if s.voters.is_empty() {
            return Err(bad("the script has no voters".into()));
        }
        Ok(s)
    }

    /// The manifest questions.
    pub fn questions(&self) -> Result<Vec<Question>> {
        self.questions.iter().map(|q| q.question()).collect()
    }

    /// Every voter's plaintexts, in question order.
    pub fn plain(&self, questions: &[Question]) -> Result<Vec<(u64, Vec<PlainAnswer>)>> {
        self.voters
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let answers = questions
                    .iter()
                    .map(|q| {
                        let c = v.choices.get(&q.id).ok_or_else(|| {
                            bad(format!("voter {}: no choice for question {}", i + 1, q.id))
                        })?;
                        encode(q, c)
                    })
                    .collect::<Result<Vec<_>>>()?;
                if v.choices.len() != questions.len() {
                    return Err(bad(format!(
                        "voter {}: choices for unknown questions",
                        i + 1
                    )));
                }
                Ok((v.weight, answers))
            })
            .collect()
    }
}
