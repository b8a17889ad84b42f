//! The demo's report: the published result checked against the plaintext
//! count, printed for people and written as machine-readable JSON
//! (specs/server-api.md §12).

use psephos_crypto::ballot::PlainAnswer;
use psephos_crypto::questions::ranked::order::bits_from_tiers;
use psephos_crypto::record::manifest::{Question, QuestionKind};
use psephos_crypto::record::{ElectionResult, Outcome};
use serde_json::{json, Map, Value};

use super::drive::{DriveError, DriveResult};

/// Expected totals from the counted plaintexts `(weight, answers)`.
pub fn expected_totals(
    questions: &[Question],
    counted: &[(u64, Vec<PlainAnswer>)],
) -> DriveResult<Vec<Vec<u64>>> {
    let mut out: Vec<Vec<u64>> = questions
        .iter()
        .map(|q| {
            let n = q.options.len();
            vec![
                0;
                if matches!(q.kind, QuestionKind::Ranked { .. }) {
                    n * (n - 1)
                } else {
                    n
                }
            ]
        })
        .collect();
    for (w, answers) in counted {
        for ((q, totals), a) in questions.iter().zip(&mut out).zip(answers) {
            let values = match a {
                PlainAnswer::Linear(v) => v.clone(),
                PlainAnswer::Ranked(t) => bits_from_tiers(q.options.len(), t)
                    .map_err(|e| DriveError::Check(e.to_string()))?,
            };
            for (t, v) in totals.iter_mut().zip(values) {
                *t += w * v;
            }
        }
    }
    Ok(out)
}

/// Fails unless every published total equals the plaintext count.
pub fn check_totals(result: &ElectionResult, expected: &[Vec<u64>]) -> DriveResult<()> {
    for (q, e) in result.questions.iter().zip(expected) {
        if &q.totals != e {
            return Err(DriveError::Check(format!(
                "question {}: published {:?}, plaintexts give {e:?}",
                q.question, q.totals
            )));
        }
    }
    Ok(())
}

fn ids(q: &Question, idx: &[usize]) -> Vec<String> {
    idx.iter()
        .filter_map(|&i| q.options.get(i).map(|o| o.id.clone()))
        .collect()
}

fn per_option(q: &Question, totals: &[u64]) -> Value {
    let mut m = Map::new();
    for (o, t) in q.options.iter().zip(totals) {
        m.insert(o.id.clone(), json!(t));
    }
    Value::Object(m)
}

/// The machine-readable result (server-api.md §12).
pub fn result_json(round: &str, questions: &[Question], r: &ElectionResult) -> Value {
    let qs: Vec<Value> = questions
        .iter()
        .zip(&r.questions)
        .map(|(q, qr)| {
            let outcome = serde_json::to_value(&qr.outcome).unwrap_or(Value::Null);
            let mut v = json!({"id": q.id, "totals": qr.totals, "outcome": outcome});
            let extra = match &qr.outcome {
                Outcome::YesNo(y) => json!({
                    "kind": "yes_no",
                    "counts": per_option(q, &qr.totals),
                    "percentages": {
                        "yes": y.yes_percent.as_ref().map(|p| p.percent.clone()),
                        "no": y.no_percent.as_ref().map(|p| p.percent.clone()),
                    },
                    "decision": serde_json::to_value(y.outcome).unwrap_or(Value::Null),
                }),
                Outcome::Ranked(rk) => json!({
                    "kind": "ranked",
                    "ranking": rk.schulze.ranking.iter().map(|t| ids(q, t)).collect::<Vec<_>>(),
                    "winners": ids(q, &rk.schulze.winners),
                    "matrix": rk.matrix.rows(),
                    "options": q.options.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
                }),
                Outcome::SystemicConsensus(_) => json!({
                    "kind": "systemic_consensus",
                    "resistance": per_option(q, &qr.totals),
                }),
                Outcome::Score(_) => json!({"kind": "score", "points": per_option(q, &qr.totals)}),
                Outcome::Choice(_) => json!({"kind": "choice", "votes": per_option(q, &qr.totals)}),
            };
            if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
                a.extend(b);
            }
            v
        })
        .collect();
    json!({
        "round": round,
        "election_id": hex::encode(r.election_id),
        "ballots": r.ballots,
        "weight": r.weight,
        "electorate": r.electorate,
        "questions": qs,
    })
}

/// A short human summary.
pub fn print_summary(questions: &[Question], r: &ElectionResult) {
    println!(
        "Result: {} ballots counted, weight {} of an electorate of {}",
        r.ballots, r.weight, r.electorate
    );
    for (q, qr) in questions.iter().zip(&r.questions) {
        let title = q.title.values().next().cloned().unwrap_or_default();
        println!("  {} — {title}", q.id);
        match &qr.outcome {
            Outcome::YesNo(y) => println!(
                "    yes {} / no {} ({}% yes): {:?}",
                y.tally.yes,
                y.tally.no,
                y.yes_percent
                    .as_ref()
                    .map_or("-".into(), |p| p.percent.clone()),
                y.outcome
            ),
            Outcome::Ranked(rk) => {
                let tiers: Vec<String> = rk
                    .schulze
                    .ranking
                    .iter()
                    .map(|t| ids(q, t).join(" = "))
                    .collect();
                println!("    Schulze ranking: {}", tiers.join(" > "));
            }
            _ => {
                let parts: Vec<String> = q
                    .options
                    .iter()
                    .zip(&qr.totals)
                    .map(|(o, t)| format!("{} {t}", o.id))
                    .collect();
                let label = match q.kind {
                    QuestionKind::SystemicConsensus { .. } => "resistance",
                    QuestionKind::Score { .. } => "points",
                    _ => "votes",
                };
                println!("    {label}: {}", parts.join(", "));
            }
        }
    }
}
