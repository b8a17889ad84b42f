//! # psephos-trustee
//!
//! The trustee's tool and the HTTP client of the ballot server's API
//! (specs/server-api.md). Dependencies point one way: the server's demo,
//! load generator and tests use this library; it never uses the server.
//!
//! | module | holds |
//! | --- | --- |
//! | [`wire`] | request and response bodies of the API (server-api.md) |
//! | [`client`] | [`client::Client`]: one method per route |
//! | [`vault`] | a trustee's secrets in a passphrase-encrypted file (server-api.md §8) |
//! | [`steps`] | ceremony steps and decryption as library calls (threshold.md §5–§10) |
//! | [`roll`] | the member roll CSV, checked line by line (server-api.md §5) |
//! | [`credentials`] | issuing credentials for an election (protocol.md §9, server-api.md §6) |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod client;
pub mod credentials;
pub mod roll;
pub mod steps;
pub mod vault;
pub mod wire;
