//! A voter's choices in the JSON shapes the booth pages send
//! (specs/booth.md §4) and the demo's scripted ballots use (server-api.md
//! §12), turned into the encoded plaintexts of `protocol.md` §8 and
//! ranked.md with the question kinds' own encoders, and back (to show what
//! an audited ballot opened to). One encoder for both, so a scripted ballot
//! and a booth ballot of the same choices are the same plaintexts.
//!
//! One choice per question:
//!
//! | kind | choice |
//! | --- | --- |
//! | yes/no, single choice | `"option-id"` |
//! | k-of-n choice, approval | `["id", …]` |
//! | score, systemic consensus | `{"id": points, …}` (a missing id is unrated) |
//! | ranked | `[["best", "tied"], ["next"], …]` (unlisted options last), or `["best", "next", …]` |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ballot::PlainAnswer;
use crate::questions::choice::Choice as ChoiceRule;
use crate::questions::ranked::order;
use crate::questions::score::Score;
use crate::record::manifest::{Question, QuestionKind};

/// A refused choice: a stable code (`choice.unknown_option`,
/// `choice.wrong_kind`, `choice.invalid`, `choice.unknown_question`,
/// `choice.missing`) that the booth pages translate and the demo reports,
/// and a detail naming the question (never a secret: choices are the
/// voter's own, shown back to them).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ChoiceError {
    /// Stable code, `choice.reason`.
    pub code: &'static str,
    /// Which question (and option) is at fault, and why.
    pub detail: String,
}

impl ChoiceError {
    fn new(code: &'static str, detail: impl Into<String>) -> Self {
        ChoiceError {
            code,
            detail: detail.into(),
        }
    }
}

/// One question's choice, as the pages send it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Choice {
    /// yes/no and single choice: one option id.
    One(String),
    /// k-of-n choice and approval: the chosen option ids.
    Many(Vec<String>),
    /// ranked: tiers of option ids, best first.
    Tiers(Vec<Vec<String>>),
    /// score and systemic consensus: points per option id.
    Points(BTreeMap<String, u64>),
}

fn index(q: &Question, id: &str) -> Result<usize, ChoiceError> {
    q.option_index(id)
        .map_err(|_| ChoiceError::new("choice.unknown_option", format!("{}: {id}", q.id)))
}

fn wrong(q: &Question) -> ChoiceError {
    ChoiceError::new("choice.wrong_kind", q.id.clone())
}

fn invalid(q: &Question, e: impl std::fmt::Display) -> ChoiceError {
    ChoiceError::new("choice.invalid", format!("{}: {e}", q.id))
}

/// Encodes one question's choice with the question kind's encoder.
pub fn encode(q: &Question, c: &Choice) -> Result<PlainAnswer, ChoiceError> {
    let n = q.options.len();
    let values = match (&q.kind, c) {
        (QuestionKind::YesNo { .. }, Choice::One(id)) => {
            let yes_no = q.yes_no().map_err(|e| invalid(q, e))?;
            let mut v = vec![0; yes_no.options()];
            v[index(q, id)?] = 1;
            v
        }
        (QuestionKind::Choice { min, max, .. }, Choice::One(id)) => ChoiceRule {
            options: n,
            min: *min,
            max: *max,
        }
        .encode(&[index(q, id)?])
        .map_err(|e| invalid(q, e))?,
        (
            QuestionKind::Choice { min, max, .. } | QuestionKind::Approval { min, max, .. },
            Choice::Many(ids),
        ) => {
            let chosen = ids
                .iter()
                .map(|i| index(q, i))
                .collect::<Result<Vec<_>, _>>()?;
            ChoiceRule {
                options: n,
                min: *min,
                max: *max,
            }
            .encode(&chosen)
            .map_err(|e| invalid(q, e))?
        }
        (QuestionKind::Score { max, unrated }, Choice::Points(p))
        | (
            QuestionKind::SystemicConsensus {
                max_resistance: max,
                unrated,
                ..
            },
            Choice::Points(p),
        ) => {
            let mut points = vec![None; n];
            for (id, v) in p {
                points[index(q, id)?] = Some(*v);
            }
            Score {
                options: n,
                max: *max,
                unrated: *unrated,
            }
            .encode(&points)
            .map_err(|e| invalid(q, e))?
        }
        (QuestionKind::Ranked { .. }, Choice::Tiers(t)) => {
            let tiers = t
                .iter()
                .map(|tier| tier.iter().map(|i| index(q, i)).collect())
                .collect::<Result<Vec<Vec<usize>>, _>>()?;
            order::canonical_tiers(n, &tiers).map_err(|e| invalid(q, e))?;
            return Ok(PlainAnswer::Ranked(tiers));
        }
        (QuestionKind::Ranked { .. }, Choice::Many(ids)) => {
            let tiers = ids
                .iter()
                .map(|i| Ok(vec![index(q, i)?]))
                .collect::<Result<Vec<_>, ChoiceError>>()?;
            order::canonical_tiers(n, &tiers).map_err(|e| invalid(q, e))?;
            return Ok(PlainAnswer::Ranked(tiers));
        }
        _ => return Err(wrong(q)),
    };
    Ok(PlainAnswer::Linear(values))
}

/// Encodes a whole ballot's choices (question id → choice), in manifest
/// order; every question needs a choice and no other id is allowed.
pub fn encode_all(
    questions: &[Question],
    choices: &BTreeMap<String, Choice>,
) -> Result<Vec<PlainAnswer>, ChoiceError> {
    if let Some(extra) = choices
        .keys()
        .find(|k| !questions.iter().any(|q| &q.id == *k))
    {
        return Err(ChoiceError::new("choice.unknown_question", extra.clone()));
    }
    questions
        .iter()
        .map(|q| {
            let c = choices
                .get(&q.id)
                .ok_or_else(|| ChoiceError::new("choice.missing", q.id.clone()))?;
            encode(q, c)
        })
        .collect()
}

/// The choice an opened (decrypted) answer stands for, in the same shapes,
/// so the page can show it beside what the voter chose.
pub fn decode(q: &Question, p: &PlainAnswer) -> Result<Choice, ChoiceError> {
    let id = |i: usize| q.options[i].id.clone();
    Ok(match (&q.kind, p) {
        (
            QuestionKind::YesNo { .. } | QuestionKind::Choice { max: 1, .. },
            PlainAnswer::Linear(v),
        ) => {
            let i = v.iter().position(|x| *x == 1).ok_or_else(|| wrong(q))?;
            Choice::One(id(i))
        }
        (QuestionKind::Choice { .. } | QuestionKind::Approval { .. }, PlainAnswer::Linear(v)) => {
            Choice::Many(
                v.iter()
                    .enumerate()
                    .filter(|(_, x)| **x == 1)
                    .map(|(i, _)| id(i))
                    .collect(),
            )
        }
        (
            QuestionKind::Score { .. } | QuestionKind::SystemicConsensus { .. },
            PlainAnswer::Linear(v),
        ) => Choice::Points(v.iter().enumerate().map(|(i, x)| (id(i), *x)).collect()),
        (QuestionKind::Ranked { .. }, PlainAnswer::Ranked(t)) => Choice::Tiers(
            t.iter()
                .map(|tier| tier.iter().map(|&i| id(i)).collect())
                .collect(),
        ),
        _ => return Err(wrong(q)),
    })
}

/// Whether two plaintexts of one question encode the same vote (ranked
/// answers compared as weak orders: their pairwise bits).
pub fn same_vote(q: &Question, a: &PlainAnswer, b: &PlainAnswer) -> bool {
    match (a, b) {
        (PlainAnswer::Linear(x), PlainAnswer::Linear(y)) => x == y,
        (PlainAnswer::Ranked(x), PlainAnswer::Ranked(y)) => {
            let n = q.options.len();
            matches!(
                (order::bits_from_tiers(n, x), order::bits_from_tiers(n, y)),
                (Ok(bx), Ok(by)) if bx == by
            )
        }
        _ => false,
    }
}
