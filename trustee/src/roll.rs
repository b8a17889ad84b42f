//! The member roll: a CSV file `member_id,email[,weight]` with a header
//! line (specs/server-api.md §5). Parsing checks every line and reports
//! every bad one by its line number; a roll with any bad line is refused
//! whole, so nothing is ever half-imported.

use std::collections::BTreeSet;

use psephos_crypto::record::credentials::MAX_WEIGHT;
use serde::{Deserialize, Serialize};

use crate::wire::LineError;

/// Most members on one roll.
pub const MAX_MEMBERS: usize = 1_000_000;
/// Most line errors reported.
pub const MAX_REPORTED: usize = 100;

/// One member of the roll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The organisation's member id (unique on the roll).
    pub member_id: String,
    /// Where the credential is mailed.
    pub email: String,
    /// Voting weight, `1..=1_000_000`.
    pub weight: u64,
}

/// Why a roll was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RollError {
    /// Bad lines (at most [`MAX_REPORTED`] are listed).
    #[error("{count} bad line(s) in the roll; nothing imported")]
    BadLines {
        /// How many bad lines there are in all.
        count: usize,
        /// The first [`MAX_REPORTED`] of them.
        lines: Vec<LineError>,
    },
    /// The header is not `member_id,email[,weight]`.
    #[error("line 1: the header must be member_id,email[,weight]")]
    Header,
    /// No member at all, or too many.
    #[error("the roll must hold 1..={MAX_MEMBERS} members")]
    Size,
}

impl RollError {
    /// Stable code (server-api.md §3).
    pub fn code(&self) -> &'static str {
        match self {
            RollError::BadLines { .. } => "roll.bad_lines",
            RollError::Header => "roll.bad_header",
            RollError::Size => "roll.size",
        }
    }

    /// The per-line problems.
    pub fn lines(&self) -> Vec<LineError> {
        match self {
            RollError::BadLines { lines, .. } => lines.clone(),
            RollError::Header => vec![LineError {
                line: 1,
                message: "expected the header member_id,email[,weight]".into(),
            }],
            RollError::Size => Vec::new(),
        }
    }
}

fn member_id_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.chars().all(|c| !c.is_control() && c != ',')
}

fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, ',' | '<' | '>' | '"' | '\\'))
}

/// Parses and checks a whole roll.
pub fn parse_roll(text: &str) -> Result<Vec<Member>, RollError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => return Err(RollError::Header),
    };
    let names: Vec<&str> = header.iter().collect();
    let with_weight = match names.as_slice() {
        ["member_id", "email"] => false,
        ["member_id", "email", "weight"] => true,
        _ => return Err(RollError::Header),
    };
    let mut members = Vec::new();
    let mut bad = Vec::new();
    let mut count = 0usize;
    let mut ids = BTreeSet::new();
    for rec in records {
        let (line, problem) = match rec {
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                (line, Some(format!("unreadable CSV: {e}")))
            }
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                if r.len() == 1 && r.get(0) == Some("") {
                    continue;
                }
                (line, check_record(&r, with_weight, &mut ids, &mut members))
            }
        };
        if let Some(message) = problem {
            count += 1;
            if bad.len() < MAX_REPORTED {
                bad.push(LineError { line, message });
            }
        }
    }
    if count > 0 {
        return Err(RollError::BadLines { count, lines: bad });
    }
    if members.is_empty() || members.len() > MAX_MEMBERS {
        return Err(RollError::Size);
    }
    Ok(members)
}

fn check_record(
    r: &csv::StringRecord,
    with_weight: bool,
    ids: &mut BTreeSet<String>,
    members: &mut Vec<Member>,
) -> Option<String> {
    let want = if with_weight { 3 } else { 2 };
    if r.len() != want {
        return Some(format!("{} fields, expected {want}", r.len()));
    }
    let id = &r[0];
    let email = &r[1];
    if !member_id_ok(id) {
        return Some("member_id must be 1–128 printable characters".into());
    }
    if !email_ok(email) {
        return Some(format!("not an e-mail address: {email:?}"));
    }
    let weight = if with_weight {
        match r[2].parse::<u64>() {
            Ok(w) if (1..=MAX_WEIGHT).contains(&w) => w,
            _ => return Some(format!("weight must be an integer in 1..={MAX_WEIGHT}")),
        }
    } else {
        1
    };
    if !ids.insert(id.to_string()) {
        return Some(format!("member_id {id:?} appears twice"));
    }
    members.push(Member {
        member_id: id.to_string(),
        email: email.to_string(),
        weight,
    });
    None
}

/// Total weight of the roll.
pub fn total_weight(members: &[Member]) -> u64 {
    members.iter().map(|m| m.weight).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_roll_parses_with_default_weights() {
        let m = parse_roll("member_id,email\nm1,a@example.org\n\nm2,b@example.org\n").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].weight, 1);
        let m = parse_roll("member_id,email,weight\nm1,a@example.org,3\n").unwrap();
        assert_eq!(total_weight(&m), 3);
    }

    #[test]
    fn bad_rows_are_reported_by_line() {
        let text = "member_id,email,weight\nm1,a@example.org,1\nm2,not-an-email,1\n\
                    m3,c@example.org,0\nm1,d@example.org,2\nm5,e@example.org\n";
        let err = parse_roll(text).unwrap_err();
        let lines: Vec<u64> = err.lines().iter().map(|l| l.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert_eq!(err.code(), "roll.bad_lines");
        assert_eq!(parse_roll("id,mail\n").unwrap_err(), RollError::Header);
        assert_eq!(
            parse_roll("member_id,email\n").unwrap_err(),
            RollError::Size
        );
    }
}
