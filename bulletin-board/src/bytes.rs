//! Fixed-size byte strings: 32-byte hashes and election ids, written as
//! lowercase hex (the project-wide convention, specs/board.md §1).

use core::fmt;
use core::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// Why a hex string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The string has the wrong number of characters.
    #[error("expected {expected} hex characters, got {got}")]
    Length {
        /// Characters expected (twice the byte length).
        expected: usize,
        /// Characters found.
        got: usize,
    },
    /// A character outside `0-9a-f` (uppercase is refused: one spelling only).
    #[error("not lowercase hex")]
    NotLowercaseHex,
}

/// Decodes exactly `N` bytes from lowercase hex.
pub fn decode_fixed<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    if s.len() != 2 * N {
        return Err(HexError::Length {
            expected: 2 * N,
            got: s.len(),
        });
    }
    let mut out = [0u8; N];
    decode_into(s.as_bytes(), &mut out)?;
    Ok(out)
}

/// Decodes a variable-length lowercase hex string.
pub fn decode_vec(s: &str) -> Result<Vec<u8>, HexError> {
    if s.len() % 2 != 0 {
        return Err(HexError::Length {
            expected: s.len() + 1,
            got: s.len(),
        });
    }
    let mut out = vec![0u8; s.len() / 2];
    decode_into(s.as_bytes(), &mut out)?;
    Ok(out)
}

/// Decodes `s` (of length `2·out.len()`) into `out` after checking that
/// every byte is `0-9` or `a-f`. The check does not stop early, so it
/// vectorises (entries are public); a checked digit's value is its low
/// nibble, plus 9 for `a-f` (bit 6 set).
fn decode_into(s: &[u8], out: &mut [u8]) -> Result<(), HexError> {
    let lower = s.iter().fold(true, |ok, c| {
        ok & (c.is_ascii_digit() | (b'a'..=b'f').contains(c))
    });
    if !lower {
        return Err(HexError::NotLowercaseHex);
    }
    let nibble = |c: u8| (c & 0x0f) + 9 * (c >> 6);
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        *o = (nibble(pair[0]) << 4) | nibble(pair[1]);
    }
    Ok(())
}

/// Serde adapter for `[u8; N]` as lowercase hex (`#[serde(with = ...)]`).
pub mod hex_array {
    use super::*;

    /// Writes the bytes as lowercase hex.
    pub fn serialize<S: Serializer, const N: usize>(v: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    /// Reads exactly `N` bytes of lowercase hex.
    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        d: D,
    ) -> Result<[u8; N], D::Error> {
        struct V<const N: usize>;
        impl<const N: usize> Visitor<'_> for V<N> {
            type Value = [u8; N];
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} lowercase hex characters", 2 * N)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<[u8; N], E> {
                decode_fixed::<N>(s).map_err(E::custom)
            }
        }
        d.deserialize_str(V::<N>)
    }
}

/// Defines a 32-byte newtype with hex `Display`/`FromStr`/serde.
macro_rules! bytes32 {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(#[serde(with = "crate::bytes::hex_array")] pub [u8; 32]);

        impl $name {
            /// The raw 32 bytes.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl From<[u8; 32]> for $name {
            fn from(b: [u8; 32]) -> Self {
                Self(b)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::bytes::HexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::bytes::decode_fixed::<32>(s).map(Self)
            }
        }
    };
}
bytes32!(
    /// A SHA-256 digest: a Merkle leaf or node hash, or a tree root.
    Hash
);

bytes32!(
    /// An election's opaque 32-byte id (in Psephos: SHA-256 of the manifest
    /// bytes, defined by the crypto crate; the board never interprets it).
    ElectionId
);

impl Hash {
    /// Parses lowercase hex (convenience over `FromStr`).
    pub fn from_hex(s: &str) -> Result<Self, HexError> {
        Self::from_str(s)
    }
}

impl ElectionId {
    /// Parses lowercase hex (convenience over `FromStr`).
    pub fn from_hex(s: &str) -> Result<Self, HexError> {
        Self::from_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_matches_the_reference(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let h = hex::encode(&bytes);
            prop_assert_eq!(decode_vec(&h).unwrap(), bytes.clone());
            prop_assert_eq!(decode_fixed::<4>(&h).is_ok(), bytes.len() == 4);
        }

        #[test]
        fn only_lowercase_hex_is_accepted(s in "[0-9a-fA-Fg-z ]{0,12}") {
            let strict = s.len() % 2 == 0 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
            prop_assert_eq!(decode_vec(&s).is_ok(), strict);
        }
    }
}
