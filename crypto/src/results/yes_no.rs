//! Yes / no / abstain questions (spec `results.md` §4).
//!
//! Rule: if the quorum (§3.2) is not met, the outcome is `QuorumNotMet`.
//! Otherwise, with no yes and no no votes the proposal is `Rejected`;
//! otherwise it is `Accepted` exactly when the yes votes meet the majority
//! (§3.1) among yes + no. Abstentions count toward participation but never
//! toward the majority or the percentages (§4.5), which are shares of
//! yes + no.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::rational::Percentage;
use super::threshold::{Majority, Quorum};

/// Decrypted totals of a yes / no / abstain question (spec §4.1), weights
/// applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YesNoTally {
    /// Yes votes.
    pub yes: u64,
    /// No votes.
    pub no: u64,
    /// Abstentions.
    pub abstain: u64,
}

/// How a yes / no question is decided (spec §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YesNoRules {
    /// Minimum participation, or `None` for no quorum.
    pub quorum: Option<Quorum>,
    /// Required share of yes among yes + no.
    pub majority: Majority,
}

/// The decision (spec §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNoOutcome {
    /// Quorum met and majority reached.
    Accepted,
    /// Quorum met, majority not reached (or no decisive votes).
    Rejected,
    /// Participation below the quorum; the majority is not decisive.
    QuorumNotMet,
}

/// Why the outcome is what it is (spec §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNoReason {
    /// Participation was below the required minimum.
    QuorumNotMet,
    /// Quorum met but yes + no = 0.
    NoDecisiveVotes,
    /// Quorum met and the yes share met the majority.
    MajorityReached,
    /// Quorum met and the yes share fell short of the majority.
    MajorityNotReached,
}

/// The quorum check as carried out (spec §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuorumCheck {
    /// The rule (`None`: no quorum).
    pub rule: Option<Quorum>,
    /// The electorate size used, if any was given.
    pub electorate: Option<u64>,
    /// yes + no + abstain.
    pub participation: u64,
    /// Smallest participation that meets the rule (0 without a quorum).
    pub required: u64,
    /// `participation >= required`.
    pub met: bool,
}

/// The majority check as carried out (spec §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorityCheck {
    /// The rule.
    pub rule: Majority,
    /// yes + no.
    pub decisive: u64,
    /// Whether yes among yes + no meets `rule`.
    pub met: bool,
}

/// Result of a yes / no / abstain question (spec §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YesNoResult {
    /// The totals the result was computed from.
    pub tally: YesNoTally,
    /// The quorum check.
    pub quorum: QuorumCheck,
    /// The majority check (carried out even when the quorum failed, for
    /// information; it then decides nothing).
    pub majority: MajorityCheck,
    /// yes / (yes + no); `None` when yes + no = 0.
    pub yes_percent: Option<Percentage>,
    /// no / (yes + no); `None` when yes + no = 0.
    pub no_percent: Option<Percentage>,
    /// The decision.
    pub outcome: YesNoOutcome,
    /// Why.
    pub reason: YesNoReason,
}

/// Decides a yes / no / abstain question (spec §4). `electorate` is the
/// (weighted) size of the roll; it is needed by a share-of-electorate quorum
/// and, when given, participation may not exceed it.
pub fn yes_no(
    tally: &YesNoTally,
    rules: &YesNoRules,
    electorate: Option<u64>,
) -> Result<YesNoResult> {
    rules.majority.validate()?;
    let decisive = tally
        .yes
        .checked_add(tally.no)
        .ok_or(ResultError::Overflow("yes + no"))?;
    let participation = decisive
        .checked_add(tally.abstain)
        .ok_or(ResultError::Overflow("participation"))?;
    if let Some(e) = electorate {
        if participation > e {
            return Err(ResultError::ParticipationExceedsElectorate {
                participation,
                electorate: e,
            });
        }
    }
    let required = match &rules.quorum {
        Some(q) => q.required(electorate)?,
        None => 0,
    };
    let quorum = QuorumCheck {
        rule: rules.quorum,
        electorate,
        participation,
        required,
        met: participation >= required,
    };
    let majority = MajorityCheck {
        rule: rules.majority,
        decisive,
        met: rules.majority.is_met(tally.yes, tally.no),
    };
    let (outcome, reason) = if !quorum.met {
        (YesNoOutcome::QuorumNotMet, YesNoReason::QuorumNotMet)
    } else if decisive == 0 {
        (YesNoOutcome::Rejected, YesNoReason::NoDecisiveVotes)
    } else if majority.met {
        (YesNoOutcome::Accepted, YesNoReason::MajorityReached)
    } else {
        (YesNoOutcome::Rejected, YesNoReason::MajorityNotReached)
    };
    Ok(YesNoResult {
        tally: *tally,
        quorum,
        majority,
        yes_percent: Percentage::of_counts(tally.yes as u128, decisive as u128)?,
        no_percent: Percentage::of_counts(tally.no as u128, decisive as u128)?,
        outcome,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(quorum: Option<Quorum>) -> YesNoRules {
        YesNoRules {
            quorum,
            majority: Majority::simple(),
        }
    }

    #[test]
    fn tie_is_rejected_under_simple_majority() {
        let t = YesNoTally {
            yes: 10,
            no: 10,
            abstain: 3,
        };
        let r = yes_no(&t, &rules(None), None).unwrap();
        assert_eq!(r.outcome, YesNoOutcome::Rejected);
        assert_eq!(r.reason, YesNoReason::MajorityNotReached);
        assert_eq!(r.yes_percent.unwrap().percent, "50.00");
    }

    #[test]
    fn only_abstentions() {
        let t = YesNoTally {
            yes: 0,
            no: 0,
            abstain: 5,
        };
        let r = yes_no(&t, &rules(Some(Quorum::Ballots { min: 5 })), None).unwrap();
        assert_eq!(r.outcome, YesNoOutcome::Rejected);
        assert_eq!(r.reason, YesNoReason::NoDecisiveVotes);
        assert!(r.yes_percent.is_none() && r.no_percent.is_none());
    }

    #[test]
    fn bad_input_is_an_error() {
        let t = YesNoTally {
            yes: u64::MAX,
            no: 1,
            abstain: 0,
        };
        assert!(yes_no(&t, &rules(None), None).is_err());
        let t = YesNoTally {
            yes: 5,
            no: 5,
            abstain: 1,
        };
        assert!(yes_no(&t, &rules(None), Some(10)).is_err());
        let bad = YesNoRules {
            quorum: None,
            majority: Majority {
                num: 3,
                den: 2,
                strict: false,
            },
        };
        assert!(yes_no(&t, &bad, None).is_err());
        let share = rules(Some(Quorum::ShareOfElectorate { num: 1, den: 2 }));
        assert_eq!(
            yes_no(&t, &share, None),
            Err(ResultError::MissingElectorate)
        );
    }
}
