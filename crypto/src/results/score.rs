//! Score voting (spec `results.md` §6).
//!
//! Rule: every ballot gives each option 0..=`max_points` points; the option
//! totals are ranked highest first, equal totals forming one tier, and the
//! winners are the first tier (ties reported, never broken). The mean score
//! is `total / voters`, exact, with a display of two decimals (§2.2).
//! This is the mirror image of systemic consensus (§7), where the least
//! total wins.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::rational::Decimal;
use super::tiers::{tiers_by_value, Better, Tiers};
use super::MAX_OPTIONS;

/// One option's score (spec §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreOption {
    /// Option index.
    pub option: usize,
    /// Total points (weighted).
    pub total: u64,
    /// total / voters; `None` when no voter was counted.
    pub mean: Option<Decimal>,
}

/// Result of a score question (spec §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreResult {
    /// Ballots counted (weighted).
    pub voters: u64,
    /// Most points one ballot gives one option.
    pub max_points: u64,
    /// Per option, in option order.
    pub options: Vec<ScoreOption>,
    /// Options by total, highest first; equal totals tie.
    pub ranking: Tiers,
    /// The first tier of `ranking`.
    pub winners: Vec<usize>,
}

/// Checks per-option totals against `max · voters` (spec §6, §7.1).
pub(crate) fn check_totals(
    totals: &[u64],
    voters: u64,
    max: u64,
    what: &'static str,
) -> Result<u128> {
    if totals.is_empty() {
        return Err(ResultError::NoOptions);
    }
    if totals.len() > MAX_OPTIONS {
        return Err(ResultError::TooManyOptions {
            options: totals.len(),
            max: MAX_OPTIONS,
        });
    }
    if max == 0 {
        return Err(ResultError::InvalidParameter { what, value: 0 });
    }
    let cap = (max as u128) * (voters as u128);
    for (option, &t) in totals.iter().enumerate() {
        if t as u128 > cap {
            return Err(ResultError::CountTooLarge {
                option,
                value: t,
                max: cap,
            });
        }
    }
    Ok(cap)
}

/// Score result from `totals[i]` = points of option `i`, over `voters`
/// ballots each giving 0..=`max_points` (spec §6).
pub fn score(totals: &[u64], voters: u64, max_points: u64) -> Result<ScoreResult> {
    check_totals(totals, voters, max_points, "max_points")?;
    let options = totals
        .iter()
        .enumerate()
        .map(|(option, &total)| {
            let mean = if voters == 0 {
                None
            } else {
                Some(Decimal::of_counts(total as u128, voters as u128)?)
            };
            Ok(ScoreOption {
                option,
                total,
                mean,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ranking = tiers_by_value(totals, Better::Higher);
    let winners = ranking.first().cloned().unwrap_or_default();
    Ok(ScoreResult {
        voters,
        max_points,
        options,
        ranking,
        winners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_total_wins_ties_reported() {
        let r = score(&[12, 30, 30, 7], 4, 10).unwrap();
        assert_eq!(r.winners, vec![1, 2]);
        assert_eq!(r.ranking, vec![vec![1, 2], vec![0], vec![3]]);
        assert_eq!(r.options[0].mean.as_ref().unwrap().display, "3.00");
        assert_eq!(r.options[3].mean.as_ref().unwrap().display, "1.75");
    }

    #[test]
    fn validation() {
        assert!(score(&[41], 4, 10).is_err());
        assert!(score(&[1], 4, 0).is_err());
        assert!(score(&[], 4, 10).is_err());
        assert!(score(&[0, 0], 0, 10).unwrap().options[0].mean.is_none());
    }
}
