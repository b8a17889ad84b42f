//! The verification report (spec `verification.md`): every step with its
//! status and counts, and every failure with its step number, board index
//! and, for ballots, tracking code.

use std::fmt::Write as _;

use serde::Serialize;

/// The numbered steps of verification.md, with their titles.
pub const STEPS: [(u8, &str); 10] = [
    (1, "manifest and parameters"),
    (2, "key ceremony"),
    (3, "credential list"),
    (4, "board: roots, checkpoints, order, transitions, window"),
    (5, "ballots: form, credential, proofs, signature"),
    (6, "counted set"),
    (7, "encrypted tally"),
    (8, "decryption shares and totals"),
    (9, "results"),
    (10, "audited ballots"),
];

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The sub-step of verification.md, e.g. `"5.3"`.
    pub step: String,
    /// The board index of the entry concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// The ballot's tracking code (hex), for ballot failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// Stable machine code of the error, when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What is wrong, for people.
    pub message: String,
}

impl Failure {
    /// A failure of `step` with a message.
    pub fn new(step: &str, message: impl Into<String>) -> Self {
        Failure {
            step: step.to_string(),
            index: None,
            tracking_code: None,
            code: None,
            message: message.into(),
        }
    }

    /// At board index `i`.
    pub fn at(mut self, i: u64) -> Self {
        self.index = Some(i);
        self
    }

    /// For the ballot with this tracking code.
    pub fn ballot(mut self, tracking: &[u8; 32]) -> Self {
        self.tracking_code = Some(hex::encode(tracking));
        self
    }

    /// With a stable error code.
    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_string());
        self
    }

    /// The top-level step number (`"5.3"` → 5).
    pub fn step_number(&self) -> u8 {
        self.step
            .split('.')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

/// Status and counts of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// Step number.
    pub step: u8,
    /// Title.
    pub title: String,
    /// True when no failure names this step (and the step ran).
    pub ok: bool,
    /// False when the record lacks what the step checks (e.g. no result yet).
    pub ran: bool,
    /// What was checked, e.g. `"10000 ballots"`.
    pub checked: String,
    /// Number of failures of this step.
    pub failures: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The election id (hex), when the manifest could be read.
    pub election_id: Option<String>,
    /// True when every step that ran passed and the record is complete.
    pub valid: bool,
    /// Per step.
    pub steps: Vec<StepReport>,
    /// Every failure, in the order found.
    pub failures: Vec<Failure>,
    /// The final checkpoint (size, root hex), to resume from.
    pub checkpoint: Option<(u64, String)>,
}

/// Collects failures and per-step counts while verifying.
#[derive(Debug, Default)]
pub struct Collector {
    failures: Vec<Failure>,
    checked: [String; 10],
    ran: [bool; 10],
}

impl Collector {
    /// Records a failure.
    pub fn fail(&mut self, f: Failure) {
        self.failures.push(f);
    }

    /// Marks step `n` as run with a description of what it covered.
    pub fn ran(&mut self, n: u8, checked: impl Into<String>) {
        if let Some(i) = (n as usize).checked_sub(1).filter(|i| *i < 10) {
            self.ran[i] = true;
            self.checked[i] = checked.into();
        }
    }

    /// Failures so far.
    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// The final report.
    pub fn finish(
        self,
        election_id: Option<[u8; 32]>,
        checkpoint: Option<(u64, [u8; 32])>,
    ) -> Report {
        let steps: Vec<StepReport> = STEPS
            .iter()
            .map(|(n, title)| {
                let i = (*n - 1) as usize;
                let failures = self
                    .failures
                    .iter()
                    .filter(|f| f.step_number() == *n)
                    .count();
                StepReport {
                    step: *n,
                    title: title.to_string(),
                    ok: self.ran[i] && failures == 0,
                    ran: self.ran[i],
                    checked: self.checked[i].clone(),
                    failures,
                }
            })
            .collect();
        let valid = self.failures.is_empty() && steps.iter().all(|s| s.ran);
        Report {
            election_id: election_id.map(hex::encode),
            valid,
            steps,
            failures: self.failures,
            checkpoint: checkpoint.map(|(s, r)| (s, hex::encode(r))),
        }
    }
}

impl Report {
    /// The human summary: one line per step, then the failures.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(id) = &self.election_id {
            let _ = writeln!(out, "election {id}");
        }
        for s in &self.steps {
            let mark = match (s.ran, s.failures) {
                (_, f) if f > 0 => "✗",
                (false, _) => "·",
                (true, _) => "✓",
            };
            let detail = if s.ran {
                s.checked.as_str()
            } else {
                "not in the record"
            };
            let _ = write!(out, "{mark} {:>2}. {} — {detail}", s.step, s.title);
            if s.failures > 0 {
                let _ = write!(
                    out,
                    " ({} failure{})",
                    s.failures,
                    if s.failures == 1 { "" } else { "s" }
                );
            }
            out.push('\n');
        }
        for f in &self.failures {
            let _ = write!(out, "✗ step {}", f.step);
            if let Some(i) = f.index {
                let _ = write!(out, " at index {i}");
            }
            if let Some(t) = &f.tracking_code {
                let _ = write!(out, " ballot {t}");
            }
            if let Some(c) = &f.code {
                let _ = write!(out, " [{c}]");
            }
            let _ = writeln!(out, ": {}", f.message);
        }
        let _ = writeln!(out, "{}", if self.valid { "VALID" } else { "INVALID" });
        out
    }
}
