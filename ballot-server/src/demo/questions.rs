//! The demo round's questions — one of every kind — and random voters'
//! plaintexts for them, encoded with the question kinds' own encoders.

use std::collections::BTreeMap;

use psephos_crypto::ballot::PlainAnswer;
use psephos_crypto::questions::score::Unrated;
use psephos_crypto::record::manifest::{Question, QuestionKind, RankedDefault};
use psephos_crypto::results::{Majority, YesNoRules};
use rand_core::RngCore;

fn question(id: &str, title: &str, options: &[&str], kind: QuestionKind) -> Question {
    Question::in_english(id, title, options, kind)
}

/// One question of every kind: yes/no/abstain, single choice, approval,
/// score, systemic consensus with a passive solution, ranked with a
/// default option.
pub fn demo_questions() -> Vec<Question> {
    vec![
        question(
            "statutes",
            "Adopt the revised statutes?",
            &["yes", "no", "abstain"],
            QuestionKind::YesNo {
                rules: YesNoRules {
                    quorum: None,
                    majority: Majority::two_thirds(),
                },
            },
        ),
        question(
            "chair",
            "Who chairs the assembly?",
            &["ana", "bodo", "chiara", "dimitri"],
            QuestionKind::Choice {
                min: 1,
                max: 1,
                seats: 1,
            },
        ),
        question(
            "tools",
            "Which tools should we fund?",
            &["wiki", "chat", "forum", "mail", "video"],
            QuestionKind::Approval {
                min: 0,
                max: 5,
                seats: 2,
            },
        ),
        question(
            "venue",
            "Rate the venues for the congress",
            &["lisbon", "gdansk", "turin"],
            QuestionKind::Score {
                max: 5,
                unrated: Unrated::CountsAsMax,
            },
        ),
        question(
            "budget",
            "How should the surplus be used? (resistance 0–10)",
            &["status-quo", "reserve", "grants", "campaign", "staff"],
            QuestionKind::SystemicConsensus {
                max_resistance: 10,
                passive_solution: Some("status-quo".into()),
                unrated: Unrated::CountsAsMax,
            },
        ),
        question(
            "logo",
            "Rank the logo proposals",
            &["wave", "pebble", "urn", "none"],
            QuestionKind::Ranked {
                default_option: Some(RankedDefault {
                    option: "none".into(),
                    quorum: None,
                    majorities: BTreeMap::new(),
                }),
            },
        ),
    ]
}

fn below(rng: &mut impl RngCore, n: u64) -> u64 {
    rng.next_u64() % n
}

/// A random valid plaintext for `q`.
pub fn random_answer(q: &Question, rng: &mut impl RngCore) -> PlainAnswer {
    let n = q.options.len();
    match &q.kind {
        QuestionKind::YesNo { .. } | QuestionKind::Choice { .. } => {
            let (lo, hi) = match &q.kind {
                QuestionKind::Choice { min, max, .. } => (*min, *max),
                _ => (1, 1),
            };
            let k = lo + below(rng, hi - lo + 1);
            let mut v = vec![0; n];
            let mut placed = 0;
            while placed < k {
                let i = below(rng, n as u64) as usize;
                if v[i] == 0 {
                    v[i] = 1;
                    placed += 1;
                }
            }
            PlainAnswer::Linear(v)
        }
        QuestionKind::Approval { min, max, .. } => loop {
            let v: Vec<u64> = (0..n).map(|_| below(rng, 2)).collect();
            let s: u64 = v.iter().sum();
            if s >= *min && s <= *max {
                break PlainAnswer::Linear(v);
            }
        },
        QuestionKind::Score { max, .. }
        | QuestionKind::SystemicConsensus {
            max_resistance: max,
            ..
        } => PlainAnswer::Linear((0..n).map(|_| below(rng, max + 1)).collect()),
        QuestionKind::Ranked { .. } => {
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, below(rng, i as u64 + 1) as usize);
            }
            // A weak order: group consecutive options into tiers at random,
            // and sometimes leave the last one unranked.
            let keep = if below(rng, 4) == 0 { n - 1 } else { n };
            let mut tiers: Vec<Vec<usize>> = Vec::new();
            for (i, o) in order.into_iter().take(keep).enumerate() {
                if i == 0 || below(rng, 3) != 0 {
                    tiers.push(vec![o]);
                } else if let Some(t) = tiers.last_mut() {
                    t.push(o);
                }
            }
            PlainAnswer::Ranked(tiers)
        }
    }
}

/// Random plaintexts for every question.
pub fn random_ballot(questions: &[Question], rng: &mut impl RngCore) -> Vec<PlainAnswer> {
    questions.iter().map(|q| random_answer(q, rng)).collect()
}
