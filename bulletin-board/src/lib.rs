//! Psephos bulletin board (being built; see issue 5).
#![forbid(unsafe_code)]
