//! The record file of a round (board.md §7), written with the board's own
//! [`RecordWriter`] from paged reads.
//!
//! This replaces `psephos_board::store::io::export_record` here, which
//! writes a checkpoint twice (and fails with `board.record_invalid`) once
//! an election has more checkpoints than one page (1000): after writing the
//! checkpoint of size `s` it fetches the next page from size `s` again.
//! Reported to the board's owner; this loop fetches from `s + 1`.

use std::collections::VecDeque;
use std::io::Write;

use psephos_board::record::RecordWriter;
use psephos_board::store::{Store, StoreError};
use psephos_board::{ElectionId, SignedCheckpoint};

use crate::error::{Result, ServerError};

fn record(e: psephos_board::record::RecordError) -> ServerError {
    ServerError::internal(format!("record: {e}"))
}

/// Writes the record of `election` as of its latest checkpoint.
pub async fn export<W: Write + Send>(store: &dyn Store, election: ElectionId, w: W) -> Result<W> {
    let size = store
        .latest_checkpoint(election)
        .await?
        .map_or(0, |c| c.size);
    let mut out = RecordWriter::new(w, election, size).map_err(record)?;
    let page = store.limits().max_page.max(1);
    let mut cps: VecDeque<SignedCheckpoint> = VecDeque::new();
    let mut next_cp = 1u64;
    let mut cps_done = size == 0;
    let mut next = 0u64;
    while next < size {
        let want = u32::try_from(size - next).unwrap_or(u32::MAX).min(page);
        let entries = store.entries(election, next, want).await?;
        if entries.is_empty() {
            return Err(StoreError::Corrupt { index: next }.into());
        }
        for e in entries.iter().take(want as usize) {
            out.write_entry(e).map_err(record)?;
            next += 1;
            loop {
                if cps.is_empty() && !cps_done {
                    let got = store.checkpoints(election, next_cp, page).await?;
                    cps_done = got.len() < page as usize;
                    if let Some(last) = got.last() {
                        next_cp = last.size + 1;
                    }
                    cps.extend(got.into_iter().filter(|c| c.size <= size));
                    cps_done |= next_cp > size;
                }
                match cps.front() {
                    Some(c) if c.size == next => {
                        out.write_checkpoint(c).map_err(record)?;
                        cps.pop_front();
                    }
                    Some(c) if c.size < next => {
                        cps.pop_front();
                    }
                    _ => break,
                }
            }
        }
    }
    out.finish().map_err(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use psephos_board::record::verify_record;
    use psephos_board::store::{BoardConfig, SqliteStore};
    use psephos_board::{BoardPublicKey, Entry, SigningKey};

    #[tokio::test]
    async fn exports_more_checkpoints_than_a_page() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = BoardPublicKey::from_signing_key(&key);
        let store = SqliteStore::open(dir.path().join("b.sqlite"), BoardConfig::new(key))
            .await
            .unwrap();
        let election = ElectionId([5; 32]);
        // One commit (and checkpoint) per append: 1005 checkpoints.
        for i in 0..1005u32 {
            let e = Entry::new("ballot", &i.to_le_bytes()).unwrap();
            store.append(election, e).await.unwrap();
        }
        let bytes = export(&store, election, Vec::new()).await.unwrap();
        let summary = verify_record(&bytes[..], &public, 1 << 20).unwrap();
        assert_eq!(summary.size, 1005);
        assert_eq!(summary.checkpoints, 1005);
    }
}
