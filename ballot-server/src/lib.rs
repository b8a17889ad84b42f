//! # psephos-server
//!
//! The ballot server: officer, trustee, voter and public APIs over the
//! bulletin board (specs/server-api.md), the round state machine, and the
//! scripted demo. Table of contents:
//!
//! | module | holds |
//! | --- | --- |
//! | [`config`] | flags, environment, TOML file, defaults (server-api.md §10) |
//! | [`error`] | [`error::ServerError`]: class, stable code, message |
//! | [`state`] | the round state machine (server-api.md §4) |
//! | [`round`] | the server-side round document (server-api.md §9) |
//! | [`store`] | server state outside the board: SQLite and PostgreSQL |
//! | [`app`] | [`app::App`]: stores, caches, pools, shared by handlers |
//! | [`service`] | what the server does, per part of a round's life |
//! | [`limits`] | rate limits (server-api.md §7) |
//! | [`metrics`] | Prometheus metrics (server-api.md §11) |
//! | [`mail`] | credential mails over SMTP |
//! | [`api`] | the HTTP edge: routes per audience, `ApiError`, layers |
//! | [`server`] | binding, the close ticker, graceful shutdown |
//! | [`listen`] | the accept loop: header timeout, connections per IP |
//! | [`initiatives`] | member initiatives: login, proposals, support logs, AMV drafts |
//! | [`demo`] | `psephos-server demo`: a whole round over HTTP |
//! | [`loadgen`] | `psephos-server loadgen`: cast throughput and latency |
//! | [`openapi`] | the OpenAPI document at `/openapi.json` |
//! | [`verify`] | batched ballot verification off the async threads |
//! | [`strict_json`] | refusal of duplicate JSON keys |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod app;
pub mod config;
pub mod demo;
pub mod error;
pub mod initiatives;
pub mod limits;
pub mod listen;
pub mod loadgen;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod round;
pub mod server;
pub mod service;
pub mod state;
pub mod store;
pub mod strict_json;
pub mod verify;

/// Seconds since the Unix epoch now (0 before it).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
