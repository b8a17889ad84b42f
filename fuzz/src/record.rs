//! Whole election records: the board's strict reader and the verifier's
//! streaming pass (board.md §7, verification.md).

use std::collections::BTreeSet;
use std::io::Cursor;

use psephos_board::record::{verify_record, RecordError, RecordItem, RecordReader, RecordWriter};
use psephos_board::BoardPublicKey;
use psephos_verifier::{verify, BytesSource, Options, Report};

use crate::common::split_key;

/// Largest entry the fuzzed readers accept (inputs are far smaller).
const MAX_ENTRY: usize = 1 << 20;

/// Reads a record item by item, keeping the items.
fn read_items(
    doc: &[u8],
    key: &BoardPublicKey,
) -> Result<(psephos_board::record::RecordHeader, Vec<RecordItem>), RecordError> {
    let mut r = RecordReader::new(Cursor::new(doc), key, MAX_ENTRY)?;
    let header = r.header().clone();
    let mut items = Vec::new();
    while let Some(item) = r.next_item()? {
        items.push(item);
    }
    Ok((header, items))
}

/// Writes items back with the board's `RecordWriter`.
fn write_items(header: &psephos_board::record::RecordHeader, items: &[RecordItem]) -> Vec<u8> {
    let mut w = RecordWriter::new(Vec::new(), header.election, header.size)
        .expect("header of an accepted record writes");
    for item in items {
        match item {
            RecordItem::Entry(e) => w.write_entry(e).expect("accepted entry writes"),
            RecordItem::Checkpoint(c) => w.write_checkpoint(c).expect("accepted checkpoint writes"),
        }
    }
    w.finish().expect("accepted record finishes")
}

/// A board record file (board.md §7): 32 bytes of board key, then the
/// JSON Lines record.
///
/// - `verify_record` and reading item by item agree.
/// - An accepted record, rewritten by `RecordWriter`, is accepted with the
///   same summary, and rewriting is a fixed point (a record already in
///   the writer's form is reproduced byte for byte).
pub fn board_record(data: &[u8]) {
    let (key, doc) = split_key(data);
    let whole = verify_record(Cursor::new(doc), &key, MAX_ENTRY);
    let items = read_items(doc, &key);
    assert_eq!(
        whole.is_ok(),
        items.is_ok(),
        "whole and streamed reads disagree"
    );
    let (Ok(summary), Ok((header, items))) = (whole, items) else {
        return;
    };
    let out = write_items(&header, &items);
    let again = verify_record(Cursor::new(&out), &key, MAX_ENTRY).expect("rewritten record reads");
    assert_eq!(again, summary, "rewritten record has another summary");
    let (h2, items2) = read_items(&out, &key).expect("rewritten record reads");
    assert_eq!(
        write_items(&h2, &items2),
        out,
        "rewriting is not a fixed point"
    );
}

/// The failures of a report as (step, index) pairs.
fn failure_set(r: &Report) -> BTreeSet<(String, Option<u64>)> {
    r.failures
        .iter()
        .map(|f| (f.step.clone(), f.index))
        .collect()
}

/// A whole election record through the standalone verifier's streaming
/// pass over a `BytesSource` (verification.md). Never panics; batched
/// (small batches, so bisection runs) and one-by-one verification reach
/// the same verdict and name the same failures.
pub fn verifier_record(data: &[u8]) {
    let source = BytesSource(data.to_vec());
    let batched = verify(
        &source,
        &Options {
            batch_size: 3,
            ..Options::default()
        },
    );
    let single = verify(
        &source,
        &Options {
            no_batch: true,
            ..Options::default()
        },
    );
    match (batched, single) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.valid, b.valid, "batched and single verdicts differ");
            assert_eq!(a.election_id, b.election_id);
            assert_eq!(failure_set(&a), failure_set(&b), "failures differ");
            let _ = a.to_text();
        }
        (Err(_), Err(_)) => {}
        _ => panic!("batched and single runs disagree on readability"),
    }
}
