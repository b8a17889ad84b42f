//! Where a record comes from, and how its lines are read (spec board.md §7).
//!
//! The verifier reads the record file itself, line by line, instead of
//! through the board's strict `RecordReader`: it must not stop at the first
//! bad line but report it under its step and go on.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::PathBuf;

use psephos_board::record::{CheckpointLine, RecordHeader};
use psephos_board::{LogEntry, SignedCheckpoint};
use serde::Deserialize;

/// Longest line accepted: a 16 MiB entry in hex plus framing.
pub const MAX_LINE: usize = 2 * (16 << 20) + 1024;

/// A record that can be read from the start as often as needed (the
/// verifier's second pass re-reads superseded ballots).
pub trait RecordSource: Sync {
    /// A fresh reader at the first line.
    fn open(&self) -> io::Result<Box<dyn BufRead + Send + '_>>;
    /// A name for messages.
    fn name(&self) -> String;
}

/// A record file on disk.
pub struct FileSource(pub PathBuf);

impl RecordSource for FileSource {
    fn open(&self) -> io::Result<Box<dyn BufRead + Send + '_>> {
        Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            File::open(&self.0)?,
        )))
    }
    fn name(&self) -> String {
        self.0.display().to_string()
    }
}

/// A record in memory (tests, the browser).
pub struct BytesSource(pub Vec<u8>);

impl RecordSource for BytesSource {
    fn open(&self) -> io::Result<Box<dyn BufRead + Send + '_>> {
        Ok(Box::new(Cursor::new(self.0.as_slice())))
    }
    fn name(&self) -> String {
        "record".into()
    }
}

/// One line after the header.
#[derive(Debug)]
pub enum Line {
    /// An entry line.
    Entry(LogEntry),
    /// A checkpoint line.
    Checkpoint(SignedCheckpoint),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLine {
    Entry(LogEntry),
    Checkpoint(CheckpointLine),
}

/// Why a line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// I/O failure.
    #[error("cannot read the record: {0}")]
    Io(#[from] io::Error),
    /// Over [`MAX_LINE`].
    #[error("line longer than {MAX_LINE} bytes")]
    TooLong,
    /// Not a record line.
    #[error("not a record line: {0}")]
    Malformed(String),
}

/// Reads lines of a record.
pub struct Lines<R: BufRead> {
    r: R,
    buf: Vec<u8>,
    /// Line number of the last line read (1 = header).
    pub number: u64,
}

impl<R: BufRead> Lines<R> {
    /// Starts reading.
    pub fn new(r: R) -> Self {
        Lines {
            r,
            buf: Vec::new(),
            number: 0,
        }
    }

    fn raw(&mut self) -> Result<Option<&[u8]>, LineError> {
        self.buf.clear();
        let n = self
            .r
            .by_ref()
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buf.len() > MAX_LINE {
            return Err(LineError::TooLong);
        }
        if self.buf.last() != Some(&b'\n') {
            return Err(LineError::Malformed("missing final newline".into()));
        }
        Ok(Some(&self.buf[..self.buf.len() - 1]))
    }

    /// The header line.
    pub fn header(&mut self) -> Result<RecordHeader, LineError> {
        let line = self
            .raw()?
            .ok_or_else(|| LineError::Malformed("empty file".into()))?;
        serde_json::from_slice(line).map_err(|e| LineError::Malformed(format!("header: {e}")))
    }

    /// The next line, `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<Line>, LineError> {
        let Some(line) = self.raw()? else {
            return Ok(None);
        };
        match serde_json::from_slice::<RawLine>(line) {
            Ok(RawLine::Entry(e)) => Ok(Some(Line::Entry(e))),
            Ok(RawLine::Checkpoint(c)) => Ok(Some(Line::Checkpoint(c.checkpoint))),
            Err(_) => Err(LineError::Malformed(format!("line {}", self.number))),
        }
    }
}
