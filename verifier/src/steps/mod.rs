//! The numbered steps of `verification.md`, grouped by what they need.
//!
//! - [`setup`]: steps 1–3 (manifest, ceremony, credential list).
//! - [`board`]: step 4 (roots, checkpoints, order, transitions, window).
//! - step 5 is [`crate::ballots`].
//! - [`counting`]: steps 6–9 (counted set, tally, decryption, results).
//! - [`audits`]: step 10.

pub mod audits;
pub mod board;
pub mod counting;
pub mod setup;
