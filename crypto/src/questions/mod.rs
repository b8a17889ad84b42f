//! Question kinds and their encrypted answers (spec `protocol.md` §7–§8).
//!
//! - [`linear`]: the machinery every linear kind shares.
//! - [`yes_no`]: yes / no / abstain.
//! - [`choice`]: single choice, k-of-n, approval.
//! - [`choices`]: a voter's choices in the booth's JSON shapes, encoded by
//!   the kinds above (and decoded back).
//! - [`ranked`]: ranked (weak-order) answers as encrypted pairwise bits.
//! - [`score`]: score and systemic consensus.

pub mod choice;
pub mod choices;
pub mod linear;
pub mod ranked;
pub mod score;
pub mod yes_no;
