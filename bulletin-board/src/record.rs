//! The single-file record of one election's board: JSON Lines, streamed in
//! both directions in O(log n) memory (specs/board.md §7).
//!
//! ```text
//! {"format":"psephos-board-record","version":1,"election":"<hex>","size":N}
//! {"index":0,"entry":"<hex of canonical entry bytes>"}
//! {"checkpoint":{"election":…,"size":1,"root":…,"time":…,"signature":…}}
//! {"index":1,"entry":"…"}
//! …
//! {"checkpoint":{…,"size":N,…}}
//! ```
//!
//! Entry lines carry indices 0..N-1 in order. Every stored checkpoint
//! appears once, in increasing size, right after the entry line that
//! completes its size, so a streaming reader checks each root against the
//! entries read so far. The last line is the checkpoint of size N (none at
//! all when N = 0).

use std::io::{BufRead, Read, Write};

use serde::{Deserialize, Serialize};

use crate::bytes::{ElectionId, Hash};
use crate::checkpoint::{BoardPublicKey, CheckpointError, SignedCheckpoint};
use crate::entry::{EntryError, LogEntry};
use crate::merkle::RootAccumulator;

/// Value of the header's `format` field.
pub const RECORD_FORMAT: &str = "psephos-board-record";
/// Value of the header's `version` field.
pub const RECORD_VERSION: u32 = 1;
/// Default largest entry accepted when reading a record (16 MiB).
pub const DEFAULT_RECORD_MAX_ENTRY: usize = 16 << 20;

/// Why a record file is refused. `line` numbers count from 1.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Reading or writing failed.
    #[error("record i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not the JSON expected there.
    #[error("record line {line}: {message}")]
    Json {
        /// Line number.
        line: u64,
        /// What the parser said.
        message: String,
    },
    /// The header names another format or version.
    #[error("record header: unsupported format {format:?} version {version}")]
    Unsupported {
        /// Format found.
        format: String,
        /// Version found.
        version: u32,
    },
    /// An entry line is out of order (line 0: found by the writer).
    #[error("record line {line}: expected index {expected}, got {got}")]
    IndexOrder {
        /// Line number.
        line: u64,
        /// Index expected.
        expected: u64,
        /// Index found.
        got: u64,
    },
    /// An entry is malformed or too large.
    #[error("record line {line}: {source}")]
    Entry {
        /// Line number.
        line: u64,
        /// Why the entry was refused.
        source: EntryError,
    },
    /// A line is longer than any valid entry line.
    #[error("record line {line} is too long")]
    LineTooLong {
        /// Line number.
        line: u64,
    },
    /// The file ends before every entry and the final checkpoint are read.
    #[error("record ends early at line {line}")]
    Truncated {
        /// Line number.
        line: u64,
    },
    /// Something follows the final checkpoint.
    #[error("record has data after its final checkpoint")]
    TrailingData,
    /// The writer was given a different number of entries than announced.
    #[error("record announced {announced} entries but {written} were given")]
    CountMismatch {
        /// Size in the header.
        announced: u64,
        /// Entries written.
        written: u64,
    },
    /// A checkpoint of another election, out of place, or missing at the end.
    #[error("record line {line}: checkpoint out of place or missing")]
    CheckpointMismatch {
        /// Line number (0: found by the writer).
        line: u64,
    },
    /// A checkpoint root differs from the root recomputed from the entries.
    #[error("record line {line}: root {computed} differs from the checkpoint's")]
    RootMismatch {
        /// Line number (0: found by the writer).
        line: u64,
        /// Root recomputed from the entries.
        computed: Hash,
    },
    /// The checkpoint signature does not verify.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
}

impl RecordError {
    /// Stable machine-readable code (specs/board.md §9).
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Io(_) => "board.io",
            RecordError::Checkpoint(e) => e.code(),
            _ => "board.record_invalid",
        }
    }
}

/// First line of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordHeader {
    /// Always [`RECORD_FORMAT`].
    pub format: String,
    /// Always [`RECORD_VERSION`].
    pub version: u32,
    /// Election whose log follows.
    pub election: ElectionId,
    /// Number of entry lines that follow.
    pub size: u64,
}

/// A checkpoint line of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointLine {
    /// A checkpoint of the size of the entries before this line.
    pub checkpoint: SignedCheckpoint,
}

/// Any line after the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Entry(LogEntry),
    Checkpoint(CheckpointLine),
}

/// One item of a record after its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordItem {
    /// The next entry.
    Entry(LogEntry),
    /// A checkpoint, already checked: its size is the number of entries
    /// read so far, its root their root, its signature valid.
    Checkpoint(SignedCheckpoint),
}

/// What a fully read and checked record established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSummary {
    /// Election of the record.
    pub election: ElectionId,
    /// Number of entries.
    pub size: u64,
    /// Root recomputed from the entries.
    pub root: Hash,
    /// The final checkpoint, of size `size` (absent only for an empty log).
    pub checkpoint: Option<SignedCheckpoint>,
    /// Number of checkpoint lines, all verified.
    pub checkpoints: u64,
}

/// Streams a record out, checking order, count and roots as it goes.
pub struct RecordWriter<W: Write> {
    w: W,
    header: RecordHeader,
    acc: RootAccumulator,
    last: Option<SignedCheckpoint>,
    checkpoints: u64,
}

impl<W: Write> RecordWriter<W> {
    /// Writes the header line for `size` entries of `election`.
    pub fn new(mut w: W, election: ElectionId, size: u64) -> Result<Self, RecordError> {
        let header = RecordHeader {
            format: RECORD_FORMAT.to_owned(),
            version: RECORD_VERSION,
            election,
            size,
        };
        write_line(&mut w, &header)?;
        Ok(Self {
            w,
            header,
            acc: RootAccumulator::new(),
            last: None,
            checkpoints: 0,
        })
    }

    /// Writes the next entry line; its index must be the next one.
    pub fn write_entry(&mut self, e: &LogEntry) -> Result<(), RecordError> {
        let expected = self.acc.size();
        if e.index != expected || expected >= self.header.size {
            return Err(RecordError::IndexOrder {
                line: 0,
                expected,
                got: e.index,
            });
        }
        write_line(&mut self.w, e)?;
        self.acc.push(e.leaf_hash());
        Ok(())
    }

    /// Writes a checkpoint line; it must be of the size written so far,
    /// larger than the previous one, of this election, with the right root.
    pub fn write_checkpoint(&mut self, cp: &SignedCheckpoint) -> Result<(), RecordError> {
        check_checkpoint(&self.header, &self.acc, self.last.as_ref(), cp, 0)?;
        write_line(&mut self.w, &CheckpointLine { checkpoint: *cp })?;
        self.last = Some(*cp);
        self.checkpoints += 1;
        Ok(())
    }

    /// Checks that all entries were written and that the last checkpoint
    /// covers them; flushes and returns the writer.
    pub fn finish(mut self) -> Result<W, RecordError> {
        if self.acc.size() != self.header.size {
            return Err(RecordError::CountMismatch {
                announced: self.header.size,
                written: self.acc.size(),
            });
        }
        if self.header.size > 0 && self.last.map(|c| c.size) != Some(self.header.size) {
            return Err(RecordError::CheckpointMismatch { line: 0 });
        }
        self.w.flush()?;
        Ok(self.w)
    }
}

fn write_line<W: Write, T: Serialize>(w: &mut W, v: &T) -> Result<(), RecordError> {
    serde_json::to_writer(&mut *w, v).map_err(|e| RecordError::Json {
        line: 0,
        message: e.to_string(),
    })?;
    w.write_all(b"\n")?;
    Ok(())
}

/// A checkpoint fits where it stands: this election, the size read or
/// written so far (more than the previous checkpoint's), the root of those
/// entries.
fn check_checkpoint(
    header: &RecordHeader,
    acc: &RootAccumulator,
    last: Option<&SignedCheckpoint>,
    cp: &SignedCheckpoint,
    line: u64,
) -> Result<(), RecordError> {
    if cp.election != header.election
        || cp.size != acc.size()
        || cp.size == 0
        || last.is_some_and(|l| l.size >= cp.size)
    {
        return Err(RecordError::CheckpointMismatch { line });
    }
    let computed = acc.root();
    if cp.root != computed {
        return Err(RecordError::RootMismatch { line, computed });
    }
    Ok(())
}

/// Streams a record in, refusing anything out of format, order or size,
/// and checking every checkpoint (root and signature under the board key)
/// as it passes.
pub struct RecordReader<R: BufRead> {
    r: R,
    key: BoardPublicKey,
    header: RecordHeader,
    acc: RootAccumulator,
    last: Option<SignedCheckpoint>,
    checkpoints: u64,
    max_entry: usize,
    line: u64,
}

impl<R: BufRead> RecordReader<R> {
    /// Reads and checks the header line. Checkpoints must verify under
    /// `key`; entries over `max_entry` canonical bytes are refused.
    pub fn new(mut r: R, key: &BoardPublicKey, max_entry: usize) -> Result<Self, RecordError> {
        let raw =
            read_line(&mut r, 1, max_line(max_entry))?.ok_or(RecordError::Truncated { line: 1 })?;
        let header: RecordHeader = parse(&raw, 1)?;
        if header.format != RECORD_FORMAT || header.version != RECORD_VERSION {
            return Err(RecordError::Unsupported {
                format: header.format,
                version: header.version,
            });
        }
        Ok(Self {
            r,
            key: *key,
            header,
            acc: RootAccumulator::new(),
            last: None,
            checkpoints: 0,
            max_entry,
            line: 1,
        })
    }

    /// The header read.
    pub fn header(&self) -> &RecordHeader {
        &self.header
    }

    /// True once every entry and the final checkpoint were read.
    fn complete(&self) -> bool {
        self.acc.size() == self.header.size
            && (self.header.size == 0 || self.last.map(|c| c.size) == Some(self.header.size))
    }

    /// The next entry or (checked) checkpoint; `None` after the final
    /// checkpoint, once nothing else follows.
    pub fn next_item(&mut self) -> Result<Option<RecordItem>, RecordError> {
        if self.complete() {
            let mut rest = [0u8; 1];
            return if self.r.read(&mut rest)? == 0 {
                Ok(None)
            } else {
                Err(RecordError::TrailingData)
            };
        }
        self.line += 1;
        let line = self.line;
        let raw = read_line(&mut self.r, line, max_line(self.max_entry))?
            .ok_or(RecordError::Truncated { line })?;
        match parse::<Line>(&raw, line)? {
            Line::Entry(e) => {
                let expected = self.acc.size();
                if e.index != expected || expected >= self.header.size {
                    return Err(RecordError::IndexOrder {
                        line,
                        expected,
                        got: e.index,
                    });
                }
                e.entry
                    .check_size(self.max_entry)
                    .map_err(|source| RecordError::Entry { line, source })?;
                self.acc.push(e.leaf_hash());
                Ok(Some(RecordItem::Entry(e)))
            }
            Line::Checkpoint(CheckpointLine { checkpoint: cp }) => {
                check_checkpoint(&self.header, &self.acc, self.last.as_ref(), &cp, line)?;
                cp.verify(&self.key)?;
                self.last = Some(cp);
                self.checkpoints += 1;
                Ok(Some(RecordItem::Checkpoint(cp)))
            }
        }
    }

    /// The next entry, checking (and passing over) checkpoint lines.
    pub fn next_entry(&mut self) -> Result<Option<LogEntry>, RecordError> {
        while let Some(item) = self.next_item()? {
            if let RecordItem::Entry(e) = item {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// Reads whatever is left and returns what the record established.
    pub fn finish(mut self) -> Result<RecordSummary, RecordError> {
        while self.next_item()?.is_some() {}
        Ok(RecordSummary {
            election: self.header.election,
            size: self.header.size,
            root: self.acc.root(),
            checkpoint: self.last,
            checkpoints: self.checkpoints,
        })
    }
}

fn max_line(max_entry: usize) -> usize {
    2 * max_entry + 1024
}

/// Reads and checks a whole record without keeping its entries.
pub fn verify_record<R: BufRead>(
    r: R,
    key: &BoardPublicKey,
    max_entry: usize,
) -> Result<RecordSummary, RecordError> {
    RecordReader::new(r, key, max_entry)?.finish()
}

/// One `\n`-terminated line without its terminator, at most `max` bytes.
fn read_line<R: BufRead>(r: &mut R, line: u64, max: usize) -> Result<Option<Vec<u8>>, RecordError> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(max as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(if buf.len() > max {
            RecordError::LineTooLong { line }
        } else {
            RecordError::Truncated { line }
        });
    }
    buf.pop();
    Ok(Some(buf))
}

fn parse<'a, T: Deserialize<'a>>(raw: &'a [u8], line: u64) -> Result<T, RecordError> {
    serde_json::from_slice(raw).map_err(|e| RecordError::Json {
        line,
        message: e.to_string(),
    })
}
