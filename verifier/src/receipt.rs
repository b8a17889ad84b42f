//! A voter's receipt against a record (spec `verification.md`, receipts;
//! board.md §6): the ballot is on the board under a signed checkpoint, that
//! checkpoint is a prefix of the final log, and the ballot is counted.

use psephos_board::Receipt;
use serde::Serialize;

use crate::report::Report;
use crate::source::RecordSource;
use crate::verify::{verify_with_probe, InputError, Options, Probe};

/// The answer to "is my ballot on the board and counted?".
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptReport {
    /// The receipt's signature and inclusion proof verify under the
    /// manifest's board key.
    pub receipt_valid: bool,
    /// The record holds the same entry at the receipt's index.
    pub on_board: bool,
    /// The receipt's checkpoint root is the record's root at that size
    /// (the final log extends the log the voter was shown).
    pub consistent: bool,
    /// The ballot is in the counted set.
    pub counted: bool,
    /// The tracking code of the entry (hex), if found.
    pub tracking_code: Option<String>,
    /// The full verification of the record.
    pub record: Report,
}

impl ReceiptReport {
    /// True when everything holds and the record is valid.
    pub fn ok(&self) -> bool {
        self.receipt_valid && self.on_board && self.consistent && self.counted && self.record.valid
    }
}

/// Checks `receipt` against the record.
pub fn check_receipt(
    source: &dyn RecordSource,
    receipt: &Receipt,
    opts: &Options,
) -> Result<ReceiptReport, InputError> {
    let probe = Probe {
        index: receipt.index,
        size: receipt.checkpoint.size,
    };
    let mut opts = opts.clone();
    opts.known.push(receipt.checkpoint);
    let (record, seen) = verify_with_probe(source, &opts, Some(probe))?;
    let key = board_key_of(source);
    let receipt_valid = key.is_some_and(|k| receipt.verify(&k).is_ok());
    let on_board = seen
        .entry
        .is_some_and(|(leaf, _)| leaf == receipt.leaf_hash);
    let consistent = seen.root.is_some_and(|r| r == receipt.checkpoint.root);
    let tracking = seen.entry.map(|(_, t)| t);
    let counted = on_board && tracking.is_some_and(|t| seen.counted.contains(&t));
    Ok(ReceiptReport {
        receipt_valid,
        on_board,
        consistent,
        counted,
        tracking_code: tracking.map(hex::encode),
        record,
    })
}

/// The board key of the record's manifest (first entry), if readable.
fn board_key_of(source: &dyn RecordSource) -> Option<psephos_board::BoardPublicKey> {
    let mut lines = crate::source::Lines::new(source.open().ok()?);
    lines.header().ok()?;
    match lines.next_line().ok()?? {
        crate::source::Line::Entry(e) if e.index == 0 => {
            let m = psephos_crypto::record::Manifest::parse(e.entry.payload()).ok()?;
            Some(psephos_board::BoardPublicKey(m.board_key))
        }
        _ => None,
    }
}
