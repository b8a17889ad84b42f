//! Export of one election's record to the single-file format of
//! specs/board.md §7, over any [`Store`]'s paged reads. (Import is
//! [`Store::import`], since it must be one transaction.)

use std::collections::VecDeque;
use std::io::Write;

use crate::bytes::ElectionId;
use crate::checkpoint::SignedCheckpoint;
use crate::record::RecordWriter;
use crate::store::{Store, StoreError};

/// Writes the record of `election` as of its latest checkpoint: header,
/// every entry up to that checkpoint's size with every stored checkpoint
/// after the entry that completes it. Appends that land meanwhile are not
/// included. Returns the writer.
///
/// The writes are blocking `std::io::Write` calls: pass a buffered file or
/// an in-memory buffer.
pub async fn export_record<W: Write + Send>(
    store: &dyn Store,
    election: ElectionId,
    w: W,
) -> Result<W, StoreError> {
    let last = store.latest_checkpoint(election).await?;
    let size = last.map_or(0, |c| c.size);
    let mut out = RecordWriter::new(w, election, size)?;
    let page = store.limits().max_page.max(1);
    let mut cps: VecDeque<SignedCheckpoint> = VecDeque::new();
    let mut cps_done = size == 0;
    let mut next = 0u64;
    while next < size {
        let want = u32::try_from(size - next).unwrap_or(u32::MAX).min(page);
        let entries = store.entries(election, next, want).await?;
        if entries.is_empty() {
            return Err(StoreError::Corrupt { index: next });
        }
        for e in entries.iter().take(want as usize) {
            out.write_entry(e)?;
            next += 1;
            loop {
                if cps.is_empty() && !cps_done {
                    let got = store.checkpoints(election, next, page).await?;
                    cps_done = got.len() < page as usize;
                    cps.extend(got.into_iter().filter(|c| c.size <= size));
                }
                match cps.front() {
                    Some(c) if c.size == next => {
                        out.write_checkpoint(c)?;
                        cps.pop_front();
                    }
                    _ => break,
                }
            }
        }
    }
    Ok(out.finish()?)
}
