//! Importing a record file into an empty election, in one SQLite
//! transaction (specs/board.md §7.3).

use std::io::BufRead;

use rusqlite::{params, Connection, TransactionBehavior};

use crate::checkpoint::BoardPublicKey;
use crate::record::{RecordItem, RecordReader, RecordSummary};
use crate::store::sqlite::{stored_size, writer::insert_checkpoint};
use crate::store::{to_i64, StoreError};

/// Streams the record into the database; any error rolls everything back.
pub(super) fn import(
    c: &mut Connection,
    reader: Box<dyn BufRead + Send>,
    key: &BoardPublicKey,
    max_entry: usize,
) -> Result<RecordSummary, StoreError> {
    let mut rec = RecordReader::new(reader, key, max_entry)?;
    let election = rec.header().election;
    let e = election.0;
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let size = stored_size(&tx, &election)?;
    if size != 0 {
        return Err(StoreError::AlreadyExists { size });
    }
    tx.execute(
        "INSERT INTO logs (election, size) VALUES (?1, 0) ON CONFLICT (election) DO NOTHING",
        params![&e[..]],
    )?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO entries (election, idx, leaf_hash, payload_hash, bytes) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        while let Some(item) = rec.next_item()? {
            match item {
                RecordItem::Entry(le) => {
                    ins.execute(params![
                        &e[..],
                        to_i64(le.index)?,
                        &le.leaf_hash().0[..],
                        &le.entry.payload_hash().0[..],
                        le.entry.as_bytes()
                    ])?;
                }
                RecordItem::Checkpoint(cp) => insert_checkpoint(&tx, &cp)?,
            }
        }
    }
    let summary = rec.finish()?;
    tx.execute(
        "UPDATE logs SET size = ?2 WHERE election = ?1",
        params![&e[..], to_i64(summary.size)?],
    )?;
    tx.commit()?;
    Ok(summary)
}
