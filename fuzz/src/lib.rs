//! # psephos-fuzz
//!
//! The checks behind every fuzz target (specs/fuzzing.md). Each public
//! function takes arbitrary bytes, feeds them to one untrusted parser of
//! Psephos through its real public API and asserts what must hold for any
//! input: no panic, and on accepted input the round trip (decode∘encode is
//! the identity) and the agreement of every related check. An assertion
//! failing here is a bug in the library, never in the input.
//!
//! | target | parser |
//! | --- | --- |
//! | [`ballot`] | `Ballot::parse_canonical`, `check_form`, `verify`, batch verification |
//! | [`board_entry`] | `Entry::from_bytes`, `LogEntry` JSON |
//! | [`checkpoint`] | `SignedCheckpoint` JSON and signature |
//! | [`inclusion_proof`] | `InclusionProof` JSON and RFC 9162 verification |
//! | [`consistency_proof`] | `ConsistencyProof` JSON and RFC 9162 verification |
//! | [`board_record`] | the board's `RecordReader` / `verify_record` |
//! | [`verifier_record`] | `psephos_verifier::verify` over a `BytesSource` |
//! | [`manifest`] | `Manifest::parse` and the ballot statement |
//! | [`threshold_messages`] | ceremony messages, ceremony record, decryption shares |
//! | [`trustee_wire`] | the API's wire types (`psephos_trustee::wire`) |
//! | [`receipt`] | `Receipt` and the API's `CastReceipt` |
//! | [`roll_csv`] | `psephos_trustee::roll::parse_roll` |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod ballot;
mod board;
mod common;
mod parties;
mod record;

pub use ballot::{ballot, manifest};
pub use board::{board_entry, checkpoint, consistency_proof, inclusion_proof, receipt};
pub use board::{tree as fixed_tree, TREE_LEAVES};
pub use parties::{roll_csv, threshold_messages, trustee_wire};
pub use record::{board_record, verifier_record};

/// The check of one target: arbitrary bytes in, a panic on a bug.
pub type Check = fn(&[u8]);

/// Every target by name, in the order `cargo fuzz list` gives them.
pub const TARGETS: &[(&str, Check)] = &[
    ("ballot", ballot),
    ("board_entry", board_entry),
    ("checkpoint", checkpoint),
    ("inclusion_proof", inclusion_proof),
    ("consistency_proof", consistency_proof),
    ("board_record", board_record),
    ("verifier_record", verifier_record),
    ("manifest", manifest),
    ("threshold_messages", threshold_messages),
    ("trustee_wire", trustee_wire),
    ("receipt", receipt),
    ("roll_csv", roll_csv),
];
