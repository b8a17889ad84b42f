//! The election manifest (spec `record.md` §2, `protocol.md` §11).
//!
//! The manifest fixes one AMV round: its questions with their kinds,
//! options and counting rules, the joint election key and the ceremony it
//! came from, the board's signing key, the schedule and the revote policy.
//! Its exact bytes are the first board entry and
//! `election id = SHA-256(manifest bytes)`.

use std::collections::{BTreeMap, BTreeSet};

use curve25519_dalek::ristretto::RistrettoPoint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ballot::{BallotStatement, QuestionShape, SPEC_VERSION};
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};
use crate::point::Point;
use crate::questions::choice::Choice;
use crate::questions::score::{Score, Unrated, DEFAULT_MAX_RESISTANCE};
use crate::questions::yes_no::YesNo;
use crate::results::{DefaultOption, Majority, RankedRules, YesNoRules};

/// Largest accepted manifest, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 1 << 20;
/// Most questions in one round.
pub const MAX_QUESTIONS: usize = 64;
/// Most options of a linear question.
pub const MAX_LINEAR_OPTIONS: usize = 256;
/// Options of a ranked question: at least 2, at most 20.
pub const RANKED_OPTIONS: core::ops::RangeInclusive<usize> = 2..=20;

/// A text in several languages: BCP 47 tag → text; at least one entry.
pub type Text = BTreeMap<String, String>;

/// Revote policy (protocol.md §12).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevotePolicy {
    /// Revoting allowed; the last valid ballot of a credential counts.
    #[default]
    LastCounts,
    /// One ballot per credential; a second is refused.
    Once,
}

/// When the round is open (seconds since the Unix epoch, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Opening time.
    pub opens_at: u64,
    /// Closing time.
    pub closes_at: u64,
}

/// The key ceremony the election key came from (threshold.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyRef {
    /// The ceremony id its messages carry.
    #[serde(with = "encoding::bytes32")]
    pub ceremony_id: [u8; 32],
    /// Trustees needed to decrypt.
    pub threshold: u32,
    /// Trustees in the ceremony.
    pub trustees: u32,
}

/// One option of a question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    /// Stable id (unique in its question).
    pub id: String,
    /// Label shown to voters.
    pub label: Text,
}

/// The default option of a ranked question and what others need against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedDefault {
    /// Id of the default option (status quo / none of the above).
    pub option: String,
    /// Quorum: least `N[A][D]` an option `A` needs to stay (results.md §9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<u64>,
    /// Majority each listed option needs against the default (results.md §3.1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub majorities: BTreeMap<String, Majority>,
}

/// A question's kind, parameters and counting rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// Yes / no (/ abstain): options `yes`, `no` (, `abstain`) in that order.
    YesNo {
        /// Decision rule (quorum, majority).
        rules: YesNoRules,
    },
    /// Single choice or k-of-n, counted by plurality.
    Choice {
        /// Fewest options to choose.
        min: u64,
        /// Most options to choose.
        max: u64,
        /// Seats to fill (winners to report).
        seats: u64,
    },
    /// Approval voting.
    Approval {
        /// Fewest options to approve.
        min: u64,
        /// Most options to approve.
        max: u64,
        /// Seats to fill.
        seats: u64,
    },
    /// Score voting, 0..=max support points per option.
    Score {
        /// Maximum points.
        max: u64,
        /// What an unrated option means.
        unrated: Unrated,
    },
    /// Systemic consensus, 0..=max resistance points per option.
    SystemicConsensus {
        /// Maximum resistance (10 by default).
        max_resistance: u64,
        /// Id of the passive solution (status quo), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        passive_solution: Option<String>,
        /// What an unrated option means.
        unrated: Unrated,
    },
    /// Ranked ballot (weak orders), counted by Schulze.
    Ranked {
        /// Default option rules, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_option: Option<RankedDefault>,
    },
}

/// One question of the round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, unique in the manifest; absorbed by every proof.
    pub id: String,
    /// The question as shown to voters.
    pub title: Text,
    /// Longer explanation (may be empty).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub description: Text,
    /// The options, in ballot order.
    pub options: Vec<OptionDef>,
    /// Kind, parameters and counting rule.
    pub kind: QuestionKind,
}

/// The manifest of one election round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version.
    pub spec_version: u32,
    /// Human-readable round id (e.g. `amv-2026-12`).
    pub election: String,
    /// Title of the round.
    pub title: Text,
    /// The questions, in ballot order.
    pub questions: Vec<Question>,
    /// Joint election key `K`.
    #[serde(with = "encoding::point")]
    pub election_key: RistrettoPoint,
    /// The key ceremony `K` came from.
    pub ceremony: CeremonyRef,
    /// The board's Ed25519 public key (checkpoints and transitions).
    #[serde(with = "encoding::bytes32")]
    pub board_key: [u8; 32],
    /// Voting window.
    pub schedule: Schedule,
    /// Revote policy.
    pub revote: RevotePolicy,
}

fn text_ok(t: &Text) -> bool {
    !t.is_empty()
        && t.iter()
            .all(|(k, v)| !k.is_empty() && k.len() <= 35 && v.len() <= 100_000)
}

fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

fn bad(msg: String) -> CryptoError {
    CryptoError::Unsupported(msg)
}

impl Question {
    /// A question titled `title` in English only, without a description,
    /// whose options' ids are also their (English) labels: the demo's
    /// rounds and the test fixtures.
    pub fn in_english(id: &str, title: &str, options: &[&str], kind: QuestionKind) -> Question {
        let en = |s: &str| BTreeMap::from([("en".to_string(), s.to_string())]);
        Question {
            id: id.into(),
            title: en(title),
            description: BTreeMap::new(),
            options: options
                .iter()
                .map(|o| OptionDef {
                    id: o.to_string(),
                    label: en(o),
                })
                .collect(),
            kind,
        }
    }

    /// Index of the option with id `id`.
    pub fn option_index(&self, id: &str) -> Result<usize> {
        self.options
            .iter()
            .position(|o| o.id == id)
            .ok_or_else(|| bad(format!("question {}: no option {id:?}", self.id)))
    }

    /// The proof shape of this question (protocol.md §8, ranked.md).
    pub fn shape(&self) -> Result<QuestionShape> {
        let n = self.options.len();
        Ok(match &self.kind {
            QuestionKind::YesNo { .. } => QuestionShape::Linear(self.yes_no()?.constraints()),
            QuestionKind::Choice { min, max, .. } | QuestionKind::Approval { min, max, .. } => {
                let c = Choice {
                    options: n,
                    min: *min,
                    max: *max,
                };
                c.validate()?;
                QuestionShape::Linear(c.constraints())
            }
            QuestionKind::Score { max, unrated } => {
                let s = Score {
                    options: n,
                    max: *max,
                    unrated: *unrated,
                };
                s.validate()?;
                QuestionShape::Linear(s.constraints())
            }
            QuestionKind::SystemicConsensus {
                max_resistance,
                unrated,
                ..
            } => {
                let s = Score {
                    options: n,
                    max: *max_resistance,
                    unrated: *unrated,
                };
                s.validate()?;
                QuestionShape::Linear(s.constraints())
            }
            QuestionKind::Ranked { .. } => {
                if !RANKED_OPTIONS.contains(&n) {
                    return Err(bad(format!("ranked question over {n} options")));
                }
                QuestionShape::Ranked { options: n }
            }
        })
    }

    /// The yes/no parameters, checking the fixed option ids.
    pub fn yes_no(&self) -> Result<YesNo> {
        let ids: Vec<&str> = self.options.iter().map(|o| o.id.as_str()).collect();
        match ids.as_slice() {
            ["yes", "no"] => Ok(YesNo { abstain: false }),
            ["yes", "no", "abstain"] => Ok(YesNo { abstain: true }),
            _ => Err(bad(format!(
                "yes/no question {} needs options yes, no[, abstain]",
                self.id
            ))),
        }
    }

    /// The ranked counting rules with option ids resolved to indices.
    pub fn ranked_rules(&self) -> Result<RankedRules> {
        let QuestionKind::Ranked { default_option } = &self.kind else {
            return Err(bad(format!("question {} is not ranked", self.id)));
        };
        let Some(d) = default_option else {
            return Ok(RankedRules::none());
        };
        let option = self.option_index(&d.option)?;
        let mut majorities = vec![None; self.options.len()];
        for (id, m) in &d.majorities {
            let i = self.option_index(id)?;
            if i == option {
                return Err(bad(format!(
                    "question {}: the default option needs no majority",
                    self.id
                )));
            }
            m.validate().map_err(|e| bad(e.to_string()))?;
            majorities[i] = Some(*m);
        }
        Ok(RankedRules {
            default_option: Some(DefaultOption {
                option,
                quorum: d.quorum,
                majorities,
            }),
        })
    }

    /// The passive solution's index, for systemic consensus.
    pub fn passive_solution(&self) -> Result<Option<usize>> {
        match &self.kind {
            QuestionKind::SystemicConsensus {
                passive_solution: Some(id),
                ..
            } => self.option_index(id).map(Some),
            _ => Ok(None),
        }
    }

    fn validate(&self) -> Result<()> {
        if !id_ok(&self.id)
            || !text_ok(&self.title)
            || !(self.description.is_empty() || text_ok(&self.description))
        {
            return Err(bad(format!("question {:?}: bad id or texts", self.id)));
        }
        let mut seen = BTreeSet::new();
        for o in &self.options {
            if !id_ok(&o.id) || !text_ok(&o.label) || !seen.insert(o.id.as_str()) {
                return Err(bad(format!(
                    "question {}: bad or repeated option {:?}",
                    self.id, o.id
                )));
            }
        }
        if self.options.len() > MAX_LINEAR_OPTIONS {
            return Err(bad(format!("question {}: too many options", self.id)));
        }
        self.shape()?;
        match &self.kind {
            QuestionKind::YesNo { rules } => {
                rules.majority.validate().map_err(|e| bad(e.to_string()))?
            }
            QuestionKind::Choice { seats, .. } | QuestionKind::Approval { seats, .. }
                if *seats == 0 || *seats > self.options.len() as u64 =>
            {
                return Err(bad(format!("question {}: {seats} seats", self.id)));
            }
            QuestionKind::SystemicConsensus { .. } => {
                self.passive_solution()?;
            }
            QuestionKind::Ranked { .. } => {
                self.ranked_rules()?;
            }
            _ => {}
        }
        Ok(())
    }
}

impl Manifest {
    /// Parses manifest bytes strictly and checks the manifest is well formed
    /// (verification.md step 1).
    pub fn parse(bytes: &[u8]) -> Result<Manifest> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(DecodeError::Malformed("manifest too large").into());
        }
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|_| CryptoError::Decode(DecodeError::Malformed("manifest JSON")))?;
        m.validate()?;
        Ok(m)
    }

    /// Canonical JSON bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("manifests always serialize")
    }

    /// Checks every rule of `record.md` §2.
    pub fn validate(&self) -> Result<()> {
        if self.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(self.spec_version).into());
        }
        if !id_ok(&self.election) || !text_ok(&self.title) {
            return Err(bad("bad election id or title".into()));
        }
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            return Err(bad(format!("{} questions", self.questions.len())));
        }
        let mut ids = BTreeSet::new();
        for q in &self.questions {
            q.validate()?;
            if !ids.insert(q.id.as_str()) {
                return Err(bad(format!("question id {:?} repeated", q.id)));
            }
        }
        let c = &self.ceremony;
        if c.threshold == 0
            || c.threshold > c.trustees
            || c.trustees > crate::threshold::MAX_TRUSTEES
        {
            return Err(bad(format!("{} of {} trustees", c.threshold, c.trustees)));
        }
        if self.schedule.opens_at >= self.schedule.closes_at {
            return Err(bad("the round closes before it opens".into()));
        }
        Ok(())
    }

    /// The election id of these exact manifest bytes.
    pub fn election_id_of(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    /// The statement every ballot of this election is checked against.
    pub fn ballot_statement(&self, election_id: [u8; 32]) -> Result<BallotStatement> {
        Ok(BallotStatement {
            election_id,
            election_key: Point::new(self.election_key),
            questions: self
                .questions
                .iter()
                .map(|q| Ok((q.id.clone(), q.shape()?)))
                .collect::<Result<_>>()?,
        })
    }
}

/// Default maximum resistance, re-exported for manifest authors.
pub const SYSTEMIC_CONSENSUS_MAX: u64 = DEFAULT_MAX_RESISTANCE;
