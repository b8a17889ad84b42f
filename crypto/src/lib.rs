//! # psephos-crypto
//!
//! The cryptographic core of Psephos, pure and without I/O. Every module cites
//! the section of `specs/` that it implements; the spec is the authority.
//!
//! Table of contents:
//!
//! - [`results`]: pure functions from decrypted totals to outcomes (spec `results.md`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod results;
