//! What the server does, independent of HTTP: each module holds one part
//! of a round's life (specs/server-api.md §4–§8). Handlers in `api` only
//! authenticate, decode and call these.
//!
//! | module | holds |
//! | --- | --- |
//! | [`rounds`] | drafts, status, the compare-and-swap update loop |
//! | [`ceremony`] | the key ceremony through the trustee API (threshold.md §5, §8) |
//! | [`credentials`] | roll import, server-made and external credential lists |
//! | [`transitions`] | freeze, open, close, tally, publish, cancel; pending board writes |
//! | [`tally`] | the encrypted tally from the board, the result from the shares |
//! | [`export`] | the record file (board.md §7) |
//! | [`decryption`] | trustees' decryption shares |
//! | [`casting`] | casting, auditing and looking up ballots |
//! | [`live`] | rounds open or later, loaded once from the board |
//! | [`tokens`] | bearer tokens, stored as SHA-256 hashes |

pub mod casting;
pub mod ceremony;
pub mod credentials;
pub mod decryption;
pub mod export;
pub mod live;
pub mod rounds;
pub mod tally;
pub mod tokens;
pub mod transitions;
