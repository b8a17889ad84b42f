//! Audited (spoiled) ballots: the Benaloh challenge (spec `protocol.md`
//! §10.4, `verification.md` step 10).

use serde::{Deserialize, Serialize};

use crate::ballot::{
    AnswerProof, Ballot, BallotStatement, Opening, PlainAnswer, QuestionShape, SPEC_VERSION,
};
use crate::error::{CryptoError, DecodeError, Result};
use crate::questions::{linear, ranked};

/// A ballot the voter chose to audit, with the openings of its answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditedBallot {
    /// Format version.
    pub spec_version: u32,
    /// The ballot as the booth produced it.
    pub ballot: Ballot,
    /// One opening per answer.
    pub openings: Vec<Opening>,
}

impl AuditedBallot {
    /// Wraps a ballot and its openings.
    pub fn new(ballot: Ballot, openings: Vec<Opening>) -> Self {
        AuditedBallot {
            spec_version: SPEC_VERSION,
            ballot,
            openings,
        }
    }

    /// Checks steps 10.1–10.2: the ballot is valid and every opening opens
    /// its answer; returns the plaintexts the voter can compare with their
    /// choices (ranked answers as canonical tiers).
    pub fn check<R: rand_core::RngCore + rand_core::CryptoRng>(
        &self,
        stmt: &BallotStatement,
        rng: &mut R,
    ) -> Result<Vec<PlainAnswer>> {
        if self.spec_version != SPEC_VERSION {
            return Err(DecodeError::UnknownVersion(self.spec_version).into());
        }
        self.ballot.verify(stmt, rng)?;
        let answers = &self.ballot.body.answers;
        if self.openings.len() != answers.len() {
            return Err(CryptoError::Shape(
                "one opening per answer is required".into(),
            ));
        }
        let key = &stmt.election_key;
        answers
            .iter()
            .zip(&self.openings)
            .zip(&stmt.questions)
            .map(|((a, o), (_, shape))| match (shape, &a.proof, o) {
                (QuestionShape::Linear(cons), AnswerProof::Linear(a), Opening::Linear(o)) => {
                    linear::check_opening(key, cons, a, o)?;
                    Ok(PlainAnswer::Linear(o.values.clone()))
                }
                (QuestionShape::Ranked { options }, AnswerProof::Ranked(a), Opening::Ranked(o)) => {
                    let tiers = ranked::check_opening(key, *options, a, o)?;
                    Ok(PlainAnswer::Ranked(tiers))
                }
                _ => Err(CryptoError::Shape("opening of the wrong kind".into())),
            })
            .collect()
    }
}
