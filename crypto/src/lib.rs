//! # psephos-crypto
//!
//! The cryptographic core of Psephos, pure and without I/O. Every module cites
//! the section of `specs/` that it implements; the spec is the authority.
//!
//! Table of contents:
//!
//! - [`error`]: error types with stable codes.
//! - [`encoding`]: canonical byte and hex encodings, serde helpers (spec `encoding.md`).
//! - [`generators`]: `G`, the independent `H`, Bulletproofs generators (spec `protocol.md` §2).
//! - [`transcript`]: Fiat–Shamir transcripts and their labels (§3).
//! - [`elgamal`]: exponential ElGamal (§4).
//! - [`point`]: points that keep their canonical encoding (encoding.md §1).
//! - [`msm`]: random-linear-combination verification (§5.4).
//! - [`batch`]: many proofs, range proofs included, in one multiscalar multiplication (§5.4, §6.2).
//! - [`mont`]: scalars in Montgomery form for the batch's inner loops (verification.md "Batches").
//! - [`proofs`]: linking and range proofs (§6).
//! - [`questions`]: question kinds and their encrypted answers (§7–§8).
//! - [`ballot`]: signed ballots, canonical bytes, tracking codes (§10).
//! - [`credential`]: typable voter credentials and ballot signatures (§9).
//! - [`threshold`]: t-of-n key ceremony, decryption shares, combination (spec `threshold.md`).
//! - [`dlog`]: bounded discrete logarithm (spec `threshold.md`).
//! - [`record`]: election record types: manifest, credential list, tally, shares, result (spec `record.md`).
//! - [`results`]: pure functions from decrypted totals to outcomes (spec `results.md`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod ballot;
pub mod batch;
pub mod credential;
pub mod dlog;
pub mod elgamal;
pub mod encoding;
pub mod error;
pub mod generators;
pub mod mont;
pub mod msm;
pub mod point;
pub mod proofs;
pub mod questions;
pub mod record;
pub mod results;
pub mod threshold;
pub mod transcript;

pub use error::{CryptoError, DecodeError, Result};
