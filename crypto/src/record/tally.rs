//! The encrypted tally (spec `record.md` §4, `verification.md` step 7).
//!
//! Per question, the totals are the value-wise weighted homomorphic sums of
//! the counted answers: `Σ w·(Rⱼ, Cⱼ)`. For a ranked question the values are
//! the `n(n−1)` pairwise cells in ordered-pair order (ranked.md).

use serde::{Deserialize, Serialize};

use crate::ballot::{AnswerProof, Ballot, BallotStatement, QuestionShape, SPEC_VERSION};
use crate::elgamal::Ciphertext;
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};
use crate::questions::ranked::order::ordered_len;

/// The encrypted totals of one question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionTally {
    /// Question id.
    pub question: String,
    /// One ciphertext per value.
    pub totals: Vec<Ciphertext>,
}

/// The encrypted tally of a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedTally {
    /// Format version.
    pub spec_version: u32,
    /// The election id.
    #[serde(with = "encoding::bytes32")]
    pub election_id: [u8; 32],
    /// Number of counted ballots.
    pub ballots: u64,
    /// Sum of the counted ballots' weights.
    pub weight: u64,
    /// Per question, in manifest order.
    pub questions: Vec<QuestionTally>,
}

fn values_of(shape: &QuestionShape) -> usize {
    match shape {
        QuestionShape::Linear(c) => c.values.len(),
        QuestionShape::Ranked { options } => ordered_len(*options),
    }
}

impl EncryptedTally {
    /// The tally of no ballots.
    pub fn empty(stmt: &BallotStatement) -> Self {
        EncryptedTally {
            spec_version: SPEC_VERSION,
            election_id: stmt.election_id,
            ballots: 0,
            weight: 0,
            questions: stmt
                .questions
                .iter()
                .map(|(id, shape)| QuestionTally {
                    question: id.clone(),
                    totals: vec![Ciphertext::zero(); values_of(shape)],
                })
                .collect(),
        }
    }

    /// Adds one counted ballot with its weight. The ballot must already be
    /// verified against the same statement; shapes are checked again here.
    pub fn add(&mut self, ballot: &Ballot, weight: u64) -> Result<()> {
        if ballot.body.answers.len() != self.questions.len() {
            return Err(CryptoError::Shape("ballot does not fit the tally".into()));
        }
        for (q, a) in self.questions.iter_mut().zip(&ballot.body.answers) {
            let cts = match &a.proof {
                AnswerProof::Linear(l) => &l.ciphertexts,
                AnswerProof::Ranked(r) => &r.ciphertexts,
            };
            if a.question != q.question || cts.len() != q.totals.len() {
                return Err(CryptoError::Shape("ballot does not fit the tally".into()));
            }
            for (t, c) in q.totals.iter_mut().zip(cts) {
                *t += c.ciphertext().scale(weight);
            }
        }
        self.ballots += 1;
        self.weight = self
            .weight
            .checked_add(weight)
            .ok_or_else(|| CryptoError::Unsupported("total weight overflows".into()))?;
        Ok(())
    }

    /// All totals of all questions, in order: what trustees decrypt.
    pub fn ciphertexts(&self) -> Vec<Ciphertext> {
        self.questions
            .iter()
            .flat_map(|q| q.totals.iter().copied())
            .collect()
    }

    /// Checks version, election and shape against the statement.
    pub fn check_form(&self, stmt: &BallotStatement) -> Result<()> {
        if self.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(self.spec_version).into());
        }
        let fits = self.election_id == stmt.election_id
            && self.questions.len() == stmt.questions.len()
            && self
                .questions
                .iter()
                .zip(&stmt.questions)
                .all(|(q, (id, shape))| &q.question == id && q.totals.len() == values_of(shape));
        if fits {
            Ok(())
        } else {
            Err(CryptoError::Shape("tally does not fit the manifest".into()))
        }
    }
}
