//! Systemic consensus (spec `results.md` §7).
//!
//! Rule: every ballot gives each option 0..=`max_resistance` resistance
//! points. The option with the least total resistance wins; equal totals are
//! one tier and a tie at the top is reported as several winners, never
//! broken (§7.4). The mean resistance is `total / voters` (§7.2). The
//! acceptance of an option `o` is the share of the reference resistance that
//! `o` removes (§7.3):
//!
//! `acceptance(o) = (R_ref − R_o) / R_ref`,
//!
//! where `R_ref` is the total resistance of the passive solution (the status
//! quo, "change nothing") when the question has one, and otherwise the
//! largest possible resistance `max_resistance · voters`. Relative to the
//! passive solution the acceptance is 0 for the passive solution itself and
//! negative for an option resisted more than the status quo; relative to the
//! maximum it lies in [0, 1] and equals `1 − mean / max_resistance`.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};
use super::rational::{Decimal, Percentage, Rational};
use super::score::check_totals;
use super::tiers::{tiers_by_value, Better, Tiers};

/// What acceptance is measured against (spec §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AcceptanceBase {
    /// The passive solution's total resistance.
    PassiveSolution {
        /// The passive option's index.
        option: usize,
        /// Its total resistance `R_ref`.
        resistance: u64,
    },
    /// The largest possible total, `max_resistance · voters`.
    MaximumResistance {
        /// `R_ref`.
        resistance: u128,
    },
}

/// One option's resistance figures (spec §7.2, §7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusOption {
    /// Option index.
    pub option: usize,
    /// Total resistance (weighted).
    pub total_resistance: u64,
    /// total / voters; `None` when no voter was counted.
    pub mean_resistance: Option<Decimal>,
    /// (R_ref − R_o) / R_ref; `None` when R_ref = 0.
    pub acceptance: Option<Percentage>,
}

/// Result of a systemic-consensus question (spec §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusResult {
    /// Ballots counted (weighted).
    pub voters: u64,
    /// Most resistance points one ballot gives one option.
    pub max_resistance: u64,
    /// Reference of the acceptance.
    pub acceptance_base: AcceptanceBase,
    /// Per option, in option order.
    pub options: Vec<ConsensusOption>,
    /// Options by total resistance, least first; equal totals tie.
    pub ranking: Tiers,
    /// The first tier of `ranking`: least total resistance.
    pub winners: Vec<usize>,
}

/// Systemic-consensus result from `totals[i]` = total resistance of option
/// `i`, over `voters` ballots each giving 0..=`max_resistance`, with the
/// passive solution `passive` if the question has one (spec §7).
pub fn systemic_consensus(
    totals: &[u64],
    voters: u64,
    max_resistance: u64,
    passive: Option<usize>,
) -> Result<ConsensusResult> {
    let cap = check_totals(totals, voters, max_resistance, "max_resistance")?;
    let acceptance_base = match passive {
        Some(p) => {
            let resistance = *totals.get(p).ok_or(ResultError::OptionOutOfRange {
                option: p,
                options: totals.len(),
            })?;
            AcceptanceBase::PassiveSolution {
                option: p,
                resistance,
            }
        }
        None => AcceptanceBase::MaximumResistance { resistance: cap },
    };
    let r_ref: u128 = match acceptance_base {
        AcceptanceBase::PassiveSolution { resistance, .. } => resistance as u128,
        AcceptanceBase::MaximumResistance { resistance } => resistance,
    };
    let r_ref_signed = i128::try_from(r_ref).map_err(|_| ResultError::Overflow("acceptance"))?;
    let options = totals
        .iter()
        .enumerate()
        .map(|(option, &total)| {
            let mean_resistance = if voters == 0 {
                None
            } else {
                Some(Decimal::of_counts(total as u128, voters as u128)?)
            };
            let acceptance = if r_ref == 0 {
                None
            } else {
                // |r_ref − total| < 2^128 / 2: both are non-negative and below 2^127.
                let removed = r_ref_signed - total as i128;
                Some(Percentage::new(Rational::new(removed, r_ref)?))
            };
            Ok(ConsensusOption {
                option,
                total_resistance: total,
                mean_resistance,
                acceptance,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ranking = tiers_by_value(totals, Better::Lower);
    let winners = ranking.first().cloned().unwrap_or_default();
    Ok(ConsensusResult {
        voters,
        max_resistance,
        acceptance_base,
        options,
        ranking,
        winners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acceptance_without_passive_is_one_minus_mean_over_max() {
        // 4 voters, max 10: R_ref = 40.
        let r = systemic_consensus(&[10, 40, 0], 4, 10, None).unwrap();
        assert_eq!(
            r.acceptance_base,
            AcceptanceBase::MaximumResistance { resistance: 40 }
        );
        let acc: Vec<_> = r
            .options
            .iter()
            .map(|o| o.acceptance.as_ref().unwrap().percent.clone())
            .collect();
        assert_eq!(acc, vec!["75.00", "0.00", "100.00"]);
        assert_eq!(r.winners, vec![2]);
    }

    #[test]
    fn zero_reference_has_no_acceptance() {
        let r = systemic_consensus(&[0, 3], 2, 10, Some(0)).unwrap();
        assert!(r.options.iter().all(|o| o.acceptance.is_none()));
        let r = systemic_consensus(&[0, 0], 0, 10, None).unwrap();
        assert!(r
            .options
            .iter()
            .all(|o| o.acceptance.is_none() && o.mean_resistance.is_none()));
        assert_eq!(r.winners, vec![0, 1]);
    }

    #[test]
    fn validation() {
        assert!(systemic_consensus(&[1, 2], 2, 10, Some(2)).is_err());
        assert!(systemic_consensus(&[21, 2], 2, 10, None).is_err());
        assert!(systemic_consensus(&[1, 2], 2, 0, None).is_err());
    }
}
