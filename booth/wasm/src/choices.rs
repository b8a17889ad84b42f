//! A voter's choices as the booth pages hold them (specs/booth.md §4):
//! the shared encoder of `psephos_crypto::questions::choices`, the same one
//! the demo's scripted ballots use, with its refusals as booth errors.

use psephos_crypto::questions::choices::ChoiceError;
pub use psephos_crypto::questions::choices::{decode, encode, encode_all, same_vote, Choice};

use crate::error::BoothError;

impl From<ChoiceError> for BoothError {
    fn from(e: ChoiceError) -> Self {
        BoothError::new(e.code, e.detail)
    }
}
