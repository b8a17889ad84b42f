//! # psephos-verifier
//!
//! Checks a whole Psephos election record without trusting anyone: every
//! numbered step of `specs/verification.md`, streamed, in parallel and in
//! batches, with a report that names every failure by step, board index and
//! tracking code. It depends on `psephos-crypto` and the board's pure core
//! only — never on the server or a database.
//!
//! Table of contents:
//!
//! - [`source`]: record files and their lines (board.md §7).
//! - [`verify`]: the driver over the record (all steps).
//! - [`steps`]: steps 1–4 and 6–10.
//! - [`ballots`]: step 5, batched and parallel, with bisection.
//! - [`pipeline`]: reading, hashing and verifying overlapped.
//! - [`receipt`]: a voter's receipt against a record.
//! - [`since`]: incremental runs from an earlier report.
//! - `url` (feature `net`): a record paged from a server's board API.
//! - [`report`]: the report, human and JSON.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod ballots;
pub mod pipeline;
pub mod receipt;
pub mod report;
pub mod since;
pub mod source;
pub mod steps;
pub mod support;
#[cfg(feature = "net")]
pub mod url;
pub mod verify;

pub use report::{Failure, Report};
pub use since::Since;
pub use source::{BytesSource, FileSource, RecordSource};
pub use verify::{verify, InputError, Options, Progress};
