//! Plurality (single choice, k-of-n) and approval (spec `results.md` §5).
//!
//! Rule: options are ranked by votes, most first, equal votes forming one
//! tier (§5.3); the seats are filled tier by tier and a tier that does not
//! fit is reported as tied at the cut, never broken (§5.4). Shares are votes
//! over the number of ballots counted (§5.2).

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::rational::Percentage;
use super::tiers::{tiers_by_value, Better, SeatAllocation, Tiers};
use super::MAX_OPTIONS;

/// Which kind of choice question was counted (spec §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChoiceMethod {
    /// Each ballot marks at most `max_choices` options (1: single choice).
    Plurality {
        /// Most options one ballot may mark.
        max_choices: u64,
    },
    /// Each ballot marks any number of options. (An empty struct variant,
    /// so that unknown fields beside the tag are rejected.)
    Approval {},
}

/// One option's count (spec §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionVotes {
    /// Option index.
    pub option: usize,
    /// Votes (weighted).
    pub votes: u64,
    /// votes / ballots; `None` when no ballot was counted.
    pub share_of_ballots: Option<Percentage>,
}

/// Result of a plurality or approval question (spec §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceResult {
    /// The method.
    pub method: ChoiceMethod,
    /// Ballots counted (weighted).
    pub ballots: u64,
    /// Per option, in option order.
    pub options: Vec<OptionVotes>,
    /// Options by votes, most first; equal votes tie (§5.3).
    pub ranking: Tiers,
    /// Seats filled from `ranking` (§5.4).
    pub seats: SeatAllocation,
}

/// Plurality over `votes[i]` = votes for option `i`, `ballots` ballots counted,
/// each marking at most `max_choices` options, filling `seats` seats
/// (spec §5). Single choice is `max_choices = 1`.
pub fn plurality(
    votes: &[u64],
    ballots: u64,
    max_choices: u64,
    seats: u64,
) -> Result<ChoiceResult> {
    if max_choices == 0 {
        return Err(ResultError::InvalidParameter {
            what: "max_choices",
            value: 0,
        });
    }
    count(
        ChoiceMethod::Plurality { max_choices },
        votes,
        ballots,
        max_choices,
        seats,
    )
}

/// Approval over `votes[i]` = approvals of option `i`, `ballots` ballots
/// counted, filling `seats` seats (spec §5).
pub fn approval(votes: &[u64], ballots: u64, seats: u64) -> Result<ChoiceResult> {
    let n = votes.len() as u64;
    count(ChoiceMethod::Approval {}, votes, ballots, n, seats)
}

fn count(
    method: ChoiceMethod,
    votes: &[u64],
    ballots: u64,
    max_choices: u64,
    seats: u64,
) -> Result<ChoiceResult> {
    if votes.is_empty() {
        return Err(ResultError::NoOptions);
    }
    if votes.len() > MAX_OPTIONS {
        return Err(ResultError::TooManyOptions {
            options: votes.len(),
            max: MAX_OPTIONS,
        });
    }
    // §5.1: an option gets at most one mark per ballot, a ballot at most
    // max_choices marks.
    let mut sum: u128 = 0;
    for (i, &v) in votes.iter().enumerate() {
        if v > ballots {
            return Err(ResultError::CountTooLarge {
                option: i,
                value: v,
                max: ballots as u128,
            });
        }
        sum += v as u128;
    }
    let cap = (ballots as u128) * (max_choices.min(votes.len() as u64) as u128);
    if sum > cap {
        return Err(ResultError::SumTooLarge { sum, max: cap });
    }
    let options = votes
        .iter()
        .enumerate()
        .map(|(option, &v)| {
            Ok(OptionVotes {
                option,
                votes: v,
                share_of_ballots: Percentage::of_counts(v as u128, ballots as u128)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ranking = tiers_by_value(votes, Better::Higher);
    let seats = SeatAllocation::from_tiers(&ranking, seats)?;
    Ok(ChoiceResult {
        method,
        ballots,
        options,
        ranking,
        seats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert_eq!(plurality(&[], 0, 1, 1), Err(ResultError::NoOptions));
        assert!(plurality(&[3, 2], 4, 1, 1).is_err()); // 5 marks from 4 single-choice ballots
        assert!(plurality(&[5, 0], 4, 1, 1).is_err());
        assert!(plurality(&[3, 2], 4, 0, 1).is_err());
        assert!(plurality(&[3, 1], 4, 1, 0).is_err());
        assert!(approval(&[4, 4, 4], 4, 1).is_ok());
        assert!(approval(&[5, 4, 4], 4, 1).is_err());
    }

    #[test]
    fn no_ballots_no_shares() {
        let r = plurality(&[0, 0], 0, 1, 1).unwrap();
        assert!(r.options.iter().all(|o| o.share_of_ballots.is_none()));
        assert_eq!(r.ranking, vec![vec![0, 1]]);
        assert_eq!(r.seats.tied_at_cut, vec![0, 1]);
    }
}
