//! Published results and their computation from decrypted totals
//! (spec `record.md` §6, `verification.md` step 9).
//!
//! [`compute_outcome`] is the one function from a question and its
//! decrypted totals to its outcome: the server publishes what it returns and
//! the verifier recomputes it and compares field by field.

use serde::{Deserialize, Serialize};

use super::manifest::{Question, QuestionKind};
use crate::ballot::SPEC_VERSION;
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};
use crate::questions::ranked::tally::rows_from_cells;
use crate::results::{
    approval, borda, copeland, plurality, schulze, score, systemic_consensus, yes_no, BordaResult,
    ChoiceResult, ConsensusResult, CopelandResult, PairwiseMatrix, ResultError, SchulzeResult,
    ScoreResult, YesNoResult, YesNoTally,
};

/// The outcome of a ranked question: the matrix and every method on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedOutcome {
    /// The decrypted pairwise matrix `N[a][b]`.
    pub matrix: PairwiseMatrix,
    /// Schulze by winning votes with the default-option rules: the result.
    pub schulze: SchulzeResult,
    /// Copeland, for information.
    pub copeland: CopelandResult,
    /// Borda from the matrix, for information.
    pub borda: BordaResult,
}

/// The outcome of one question, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Outcome {
    /// Yes / no / abstain.
    YesNo(YesNoResult),
    /// Plurality or approval.
    Choice(ChoiceResult),
    /// Score voting.
    Score(ScoreResult),
    /// Systemic consensus.
    SystemicConsensus(ConsensusResult),
    /// Ranked (Schulze).
    Ranked(Box<RankedOutcome>),
}

/// One question's decrypted totals and outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionResult {
    /// Question id.
    pub question: String,
    /// The decrypted totals, value by value (as in the tally).
    pub totals: Vec<u64>,
    /// The outcome.
    pub outcome: Outcome,
}

/// The published result of a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionResult {
    /// Format version.
    pub spec_version: u32,
    /// The election id.
    #[serde(with = "encoding::bytes32")]
    pub election_id: [u8; 32],
    /// Counted ballots.
    pub ballots: u64,
    /// Their total weight (the weighted number of voters).
    pub weight: u64,
    /// Total weight of the credential list (the electorate).
    pub electorate: u64,
    /// Per question, in manifest order.
    pub questions: Vec<QuestionResult>,
}

fn res<T>(r: core::result::Result<T, ResultError>) -> Result<T> {
    r.map_err(|e| CryptoError::Unsupported(format!("result: {e}")))
}

/// The largest total a value of `question` can reach with `weight` voters
/// (the discrete-log bound of verification.md step 8.3).
pub fn total_bound(question: &Question, weight: u64) -> u64 {
    let per_ballot = match &question.kind {
        QuestionKind::Score { max, .. } => *max,
        QuestionKind::SystemicConsensus { max_resistance, .. } => *max_resistance,
        _ => 1,
    };
    per_ballot.saturating_mul(weight)
}

/// Computes the outcome of `question` from its decrypted `totals`, with
/// `weight` the counted weight and `electorate` the list's total weight.
pub fn compute_outcome(
    question: &Question,
    totals: &[u64],
    weight: u64,
    electorate: u64,
) -> Result<Outcome> {
    let n = question.options.len();
    let expected = match question.kind {
        QuestionKind::Ranked { .. } => n * (n - 1),
        _ => n,
    };
    if totals.len() != expected {
        return Err(CryptoError::Shape(format!(
            "question {}: {} totals, {expected} expected",
            question.id,
            totals.len()
        )));
    }
    Ok(match &question.kind {
        QuestionKind::YesNo { rules } => {
            let abstain = question.yes_no()?.abstain;
            let tally = YesNoTally {
                yes: totals[0],
                no: totals[1],
                abstain: if abstain { totals[2] } else { 0 },
            };
            Outcome::YesNo(res(yes_no(&tally, rules, Some(electorate)))?)
        }
        QuestionKind::Choice { max, seats, .. } => {
            Outcome::Choice(res(plurality(totals, weight, *max, *seats))?)
        }
        QuestionKind::Approval { seats, .. } => {
            Outcome::Choice(res(approval(totals, weight, *seats))?)
        }
        QuestionKind::Score { max, .. } => Outcome::Score(res(score(totals, weight, *max))?),
        QuestionKind::SystemicConsensus { max_resistance, .. } => {
            let passive = question.passive_solution()?;
            Outcome::SystemicConsensus(res(systemic_consensus(
                totals,
                weight,
                *max_resistance,
                passive,
            ))?)
        }
        QuestionKind::Ranked { .. } => {
            let matrix = res(PairwiseMatrix::new(rows_from_cells(n, totals)?))?;
            let rules = question.ranked_rules()?;
            Outcome::Ranked(Box::new(RankedOutcome {
                schulze: res(schulze(&matrix, &rules))?,
                copeland: copeland(&matrix),
                borda: res(borda(&matrix))?,
                matrix,
            }))
        }
    })
}

impl ElectionResult {
    /// Checks the version and election id.
    pub fn check_form(&self, election_id: &[u8; 32]) -> Result<()> {
        if self.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(self.spec_version).into());
        }
        if &self.election_id != election_id {
            return Err(CryptoError::Shape("result of another election".into()));
        }
        Ok(())
    }
}
