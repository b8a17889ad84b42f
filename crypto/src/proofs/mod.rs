//! Zero-knowledge proofs (spec `protocol.md` §6).
//!
//! - [`link`]: ciphertext and Pedersen commitment hide the same value.
//! - [`range`]: one aggregated Bulletproofs range proof over many statements.
//! - [`schnorr`]: proof of knowledge of a discrete logarithm.
//! - [`dleq`]: Chaum–Pedersen proof of equal discrete logarithms.

pub mod dleq;
pub mod link;
pub mod range;
pub mod schnorr;
