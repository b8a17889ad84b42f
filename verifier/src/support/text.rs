//! The support-log report for people (verification.md §11): each check
//! with ✓ or its failures, then the count, the freeze and the officers.

use super::SupportReport;
use crate::report::Failure;

impl SupportReport {
    /// The report for people: each check with ✓ or its failures.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let p = self.proposal.as_deref().unwrap_or("?");
        let _ = writeln!(
            s,
            "support log of {p}: {} entries, roll of {} at opening, {} added since",
            self.size, self.roll_size, self.roll_added
        );
        for (step, what) in [
            ("11.1", "record, roots and checkpoint signatures"),
            ("11.2", "support.open and log id"),
            ("11.3", "roll snapshot and roll additions"),
            ("11.4", "entries canonical and in order"),
            ("11.5", "supporters on the roll so far, seq, versions"),
            ("11.6", "count, no member twice"),
            ("11.7", "threshold and freeze"),
            ("11.8", "AMV manifest carries the frozen text's hash"),
            ("11.9", "AMV deadline and officers"),
        ] {
            let fs: Vec<&Failure> = self.failures.iter().filter(|f| f.step == step).collect();
            if step == "11.8" && !self.manifest_checked {
                let _ = writeln!(s, "- {step} {what}: not checked (no --manifest)");
            } else if fs.is_empty() {
                let _ = writeln!(s, "✓ {step} {what}");
            }
            for f in fs {
                let at = f
                    .index
                    .map(|i| format!(" at index {i}"))
                    .unwrap_or_default();
                let code = f
                    .code
                    .as_deref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default();
                let _ = writeln!(s, "✗ {step} {what}{at}{code}: {}", f.message);
            }
        }
        let _ = writeln!(
            s,
            "supporters of version {}: {} of {} required",
            self.version, self.count, self.required
        );
        if let Some((v, h, i)) = &self.frozen {
            let _ = writeln!(
                s,
                "frozen at version {v} (text sha256 {h}) by the support at index {i}"
            );
        }
        if let Some(o) = &self.officers {
            let _ = writeln!(
                s,
                "AMV round {}: officers' deadline {}, action {}{}",
                o.round,
                o.deadline,
                o.action,
                if o.in_time { " (in time)" } else { "" }
            );
        }
        if let Some(v) = self.alternative_bound {
            let _ = writeln!(
                s,
                "the AMV manifest carries version {v} of this unfrozen proposal as an alternative"
            );
        }
        for e in &self.member_entries {
            let _ = writeln!(
                s,
                "  {} {} version {} at {}",
                e.index, e.kind, e.version, e.at
            );
        }
        let _ = writeln!(
            s,
            "{}",
            if self.valid {
                "support log valid"
            } else {
                "support log INVALID"
            }
        );
        s
    }
}
