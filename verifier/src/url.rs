//! A record read from a running server's public board API (spec
//! `verification.md`, "Inputs"; server-api.md §11).
//!
//! The verifier trusts nothing the server says beyond the bytes: it pins
//! the latest signed checkpoint `(N, root_N)`, pages through the entries
//! `0 … N-1` and the stored checkpoints of size at most `N`, and writes
//! them as a record file (board.md §7) into a temporary file, which the
//! ordinary steps then check — roots recomputed from the entries against
//! every signed checkpoint, signatures under the manifest's board key.
//! Given an earlier run (`--since`), it also asks the server for the
//! consistency proof from the earlier size to `N` and checks it against
//! both roots before anything else (step 4.2).
//!
//! Entries appended while paging are ignored: the run is of the log of
//! size `N`. A server that answers out of order, skips an index or goes
//! past `N` is refused as unreadable (exit code 2).

use std::io::{BufReader, BufWriter, Seek, Write};

use psephos_board::record::{CheckpointLine, RecordHeader, RECORD_FORMAT, RECORD_VERSION};
use psephos_board::{ConsistencyProof, LogEntry, SignedCheckpoint};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::report::{Collector, Failure, Report};
use crate::since::Since;
use crate::source::RecordSource;

/// Entries or checkpoints asked for per request (the server cuts pages to
/// its own maximum, 1000 by default).
pub const PAGE: u32 = 1000;

/// Why the server's board could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request failed or the answer was not the JSON expected.
    #[error("{url}: {message}")]
    Http {
        /// The request.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The server's pages do not fit together.
    #[error("the server's board pages are inconsistent: {0}")]
    Pages(String),
    /// Writing the temporary record file failed.
    #[error("temporary record file: {0}")]
    Io(#[from] std::io::Error),
    /// The consistency proof from the earlier run's checkpoint does not
    /// verify: the server's board is not an extension of the one seen
    /// before (step 4.2).
    #[error("4.2 the server's log of size {new} is not an extension of the earlier run's log of size {old}: {why}")]
    Inconsistent {
        /// Earlier size.
        old: u64,
        /// Size now.
        new: u64,
        /// Why.
        why: String,
    },
}

impl FetchError {
    /// The report of a run refused because the server's log does not
    /// extend the earlier run's (a failure at step 4.2, so `--json` readers
    /// see it like any other); `None` for errors that leave the input
    /// unreadable.
    pub fn report(&self) -> Option<Report> {
        let FetchError::Inconsistent { old, new, why } = self else {
            return None;
        };
        let mut c = Collector::default();
        c.fail(
            Failure::new(
                "4.2",
                format!(
                    "the server's log of size {new} is not an extension of the earlier run's log of size {old}: {why}"
                ),
            )
            .code("board.inconsistent"),
        );
        Some(c.finish(None, None))
    }
}

/// A record downloaded from a server into a temporary file.
pub struct UrlSource {
    url: String,
    file: tempfile::NamedTempFile,
    /// The pinned final checkpoint.
    pub checkpoint: SignedCheckpoint,
}

impl RecordSource for UrlSource {
    fn open(&self) -> std::io::Result<Box<dyn std::io::BufRead + Send + '_>> {
        let mut f = self.file.reopen()?;
        f.rewind()?;
        Ok(Box::new(BufReader::with_capacity(1 << 20, f)))
    }
    fn name(&self) -> String {
        self.url.clone()
    }
}

/// True when `input` names a server rather than a file.
pub fn is_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

#[derive(Deserialize)]
struct EntriesPage {
    entries: Vec<LogEntry>,
    #[allow(dead_code)]
    size: u64,
}

struct Client {
    http: reqwest::blocking::Client,
    base: String,
}

impl Client {
    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, FetchError> {
        let url = format!("{}/{path}", self.base);
        let err = |message: String| FetchError::Http {
            url: url.clone(),
            message,
        };
        let resp = self.http.get(&url).send().map_err(|e| err(e.to_string()))?;
        let status = resp.status();
        let body = resp.bytes().map_err(|e| err(e.to_string()))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            return Err(err(format!("HTTP {status}: {text}")));
        }
        serde_json::from_slice(&body).map_err(|e| err(format!("unexpected answer: {e}")))
    }
}

/// Downloads the board of the round at `base` (for example
/// `http://127.0.0.1:8080/api/v1/rounds/amv-2026-12`).
pub fn fetch(base: &str, since: Option<&Since>) -> Result<UrlSource, FetchError> {
    fetch_paged(base, since, PAGE)
}

/// [`fetch`], asking for `page` entries or checkpoints per request.
pub fn fetch_paged(base: &str, since: Option<&Since>, page: u32) -> Result<UrlSource, FetchError> {
    let page = page.max(1);
    let http = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .map_err(|e| FetchError::Http {
            url: base.into(),
            message: e.to_string(),
        })?;
    let client = Client {
        http,
        base: base.trim_end_matches('/').to_string(),
    };
    let last: SignedCheckpoint = client.get("board/checkpoint")?;
    let n = last.size;
    if let Some(s) = since.filter(|s| s.size > 0 && s.size <= n) {
        let proof: ConsistencyProof =
            client.get(&format!("board/consistency?old={}&new={n}", s.size))?;
        let bad = |why: String| FetchError::Inconsistent {
            old: s.size,
            new: n,
            why,
        };
        if proof.old_size != s.size || proof.new_size != n {
            return Err(bad("the proof is for other sizes".into()));
        }
        proof
            .verify(&s.root, &last.root)
            .map_err(|e| bad(e.to_string()))?;
    }
    let file = tempfile::NamedTempFile::new()?;
    let mut out = BufWriter::with_capacity(1 << 20, file.reopen()?);
    let header = RecordHeader {
        format: RECORD_FORMAT.into(),
        version: RECORD_VERSION,
        election: last.election,
        size: n,
    };
    line(&mut out, &header)?;
    let mut cps = Checkpoints::new(&client, n, page);
    let mut next = 0u64;
    while next < n {
        let got: EntriesPage = client.get(&format!("board/entries?from={next}&limit={page}"))?;
        if got.entries.is_empty() {
            return Err(FetchError::Pages(format!("no entries from index {next}")));
        }
        for e in got.entries.into_iter().take((n - next) as usize) {
            if e.index != next {
                return Err(FetchError::Pages(format!(
                    "entry {} where {next} was expected",
                    e.index
                )));
            }
            line(&mut out, &e)?;
            next += 1;
            while let Some(c) = cps.next_of_size(next)? {
                line(&mut out, &CheckpointLine { checkpoint: c })?;
            }
        }
    }
    if !cps.wrote_last {
        line(&mut out, &CheckpointLine { checkpoint: last })?;
    }
    out.flush()?;
    drop(out);
    Ok(UrlSource {
        url: client.base,
        file,
        checkpoint: last,
    })
}

fn line(out: &mut impl Write, v: &impl serde::Serialize) -> Result<(), FetchError> {
    serde_json::to_writer(&mut *out, v).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The stored checkpoints, paged lazily in increasing size.
struct Checkpoints<'c> {
    client: &'c Client,
    last_size: u64,
    buffer: std::collections::VecDeque<SignedCheckpoint>,
    from: u64,
    exhausted: bool,
    wrote_last: bool,
    page: u32,
}

impl<'c> Checkpoints<'c> {
    fn new(client: &'c Client, last_size: u64, page: u32) -> Self {
        Checkpoints {
            client,
            last_size,
            buffer: Default::default(),
            from: 1,
            exhausted: false,
            wrote_last: false,
            page,
        }
    }

    /// The checkpoint of exactly `size`, if the server stored one; those
    /// of smaller sizes left in the page are skipped (the server returns
    /// sizes in increasing order, so none can come later).
    fn next_of_size(&mut self, size: u64) -> Result<Option<SignedCheckpoint>, FetchError> {
        loop {
            if self.buffer.is_empty() && !self.exhausted {
                self.refill()?;
            }
            match self.buffer.front() {
                Some(c) if c.size < size => {
                    self.buffer.pop_front();
                }
                Some(c) if c.size == size => {
                    let c = self.buffer.pop_front().expect("front exists");
                    self.wrote_last |= size == self.last_size;
                    return Ok(Some(c));
                }
                _ => return Ok(None),
            }
        }
    }

    fn refill(&mut self) -> Result<(), FetchError> {
        if self.from > self.last_size {
            self.exhausted = true;
            return Ok(());
        }
        let page: Vec<SignedCheckpoint> = self.client.get(&format!(
            "board/checkpoints?from={}&limit={}",
            self.from, self.page
        ))?;
        let mut prev = self.from.saturating_sub(1);
        for c in &page {
            if c.size <= prev {
                return Err(FetchError::Pages(format!(
                    "checkpoint sizes out of order at {}",
                    c.size
                )));
            }
            prev = c.size;
        }
        match page.last() {
            None => self.exhausted = true,
            Some(c) => self.from = c.size + 1,
        }
        self.buffer
            .extend(page.into_iter().filter(|c| c.size <= self.last_size));
        if self.buffer.is_empty() && self.from > self.last_size {
            self.exhausted = true;
        }
        Ok(())
    }
}
