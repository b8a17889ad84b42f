//! The whole election record checked in the browser (verification.md,
//! every numbered step) by `psephos-verifier` itself, built without its
//! `cli` and `net` features: the same code as `psephos-verify`, on one
//! thread (rayon falls back to the current thread on wasm32).

use psephos_verifier::{verify, BytesSource, Options, Progress, Report};
use serde::Serialize;

use crate::error::BoothError;

/// What the page shows: the report and its text, numbered as the binary prints it.
#[derive(Serialize)]
pub struct Checked {
    /// The verifier's report (valid, steps, failures).
    pub report: Report,
    /// The same report as `psephos-verify` prints it.
    pub text: String,
}

/// Verifies the record file's bytes; `progress` is told (entries read,
/// entries in the record) after every batch.
pub fn verify_record(bytes: Vec<u8>, progress: Option<Progress>) -> Result<Checked, BoothError> {
    let opts = Options {
        progress,
        ..Options::default()
    };
    let report = verify(&BytesSource(bytes), &opts)
        .map_err(|e| BoothError::new("record.unreadable", e.to_string()))?;
    Ok(Checked {
        text: report.to_text(),
        report,
    })
}
