//! Canonical encodings (spec `encoding.md`).
//!
//! - A group element is the 32-byte Ristretto255 encoding (RFC 9496 §4.3.2).
//!   Decoding rejects every non-canonical string (dalek's `decompress` does
//!   the RFC's checks) and, for [`point`] fields, the identity.
//! - A scalar is 32 bytes little-endian and must be `< ℓ`.
//! - In JSON every byte string is **lowercase hexadecimal**, exactly twice
//!   its byte length; uppercase, odd length and whitespace are refused.
//!
//! The `serde(with = ...)` modules below apply these rules to struct fields:
//! [`point`] / [`points`] (identity refused), [`element`] / [`elements`]
//! (identity allowed: tallies of nothing, shares of it), [`scalar`] /
//! [`scalars`], [`bytes`] and [`bytes32`].

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;

use crate::error::DecodeError;

/// Lowercase hexadecimal of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes strict lowercase hexadecimal (spec `encoding.md` §2).
pub fn from_hex(s: &str) -> Result<Vec<u8>, DecodeError> {
    if !s.len().is_multiple_of(2)
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(DecodeError::BadHex);
    }
    hex::decode(s).map_err(|_| DecodeError::BadHex)
}

/// Decodes exactly `N` bytes of strict lowercase hexadecimal.
pub fn from_hex_array<const N: usize>(s: &str) -> Result<[u8; N], DecodeError> {
    let v = from_hex(s)?;
    v.as_slice()
        .try_into()
        .map_err(|_| DecodeError::WrongLength {
            expected: N,
            got: v.len(),
        })
}

fn array32(bytes: &[u8]) -> Result<[u8; 32], DecodeError> {
    bytes.try_into().map_err(|_| DecodeError::WrongLength {
        expected: 32,
        got: bytes.len(),
    })
}

/// Decodes a canonical group element; the identity is allowed.
pub fn element_from_bytes(bytes: &[u8]) -> Result<RistrettoPoint, DecodeError> {
    CompressedRistretto(array32(bytes)?)
        .decompress()
        .ok_or(DecodeError::NonCanonicalPoint)
}

/// Decodes a canonical group element that must not be the identity.
pub fn point_from_bytes(bytes: &[u8]) -> Result<RistrettoPoint, DecodeError> {
    let p = element_from_bytes(bytes)?;
    if p.is_identity() {
        return Err(DecodeError::IdentityPoint);
    }
    Ok(p)
}

/// Decodes a canonical scalar (`< ℓ`).
pub fn scalar_from_bytes(bytes: &[u8]) -> Result<Scalar, DecodeError> {
    Option::from(Scalar::from_canonical_bytes(array32(bytes)?))
        .ok_or(DecodeError::NonCanonicalScalar)
}

/// Hex of a point's canonical encoding.
pub fn point_hex(p: &RistrettoPoint) -> String {
    to_hex(p.compress().as_bytes())
}

macro_rules! serde_module {
    ($single:ident, $many:ident, $ty:ty, $enc:expr, $dec:expr, $what:literal) => {
        #[doc = concat!("Serde for one ", $what, " as lowercase hex.")]
        pub mod $single {
            use super::*;
            use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

            /// Serializes as lowercase hex.
            pub fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                let enc: fn(&$ty) -> String = $enc;
                s.serialize_str(&enc(v))
            }

            /// Deserializes strictly (spec `encoding.md`).
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let dec: fn(&[u8]) -> Result<$ty, DecodeError> = $dec;
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                from_hex(&s)
                    .and_then(|b| dec(&b))
                    .map_err(|e| D::Error::custom(format_args!("{}: {e}", $what)))
            }
        }

        #[doc = concat!("Serde for a list of ", $what, "s as lowercase hex strings.")]
        pub mod $many {
            use super::*;
            use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

            /// Serializes as a JSON array of lowercase hex strings.
            pub fn serialize<S: Serializer>(v: &[$ty], s: S) -> Result<S::Ok, S::Error> {
                let enc: fn(&$ty) -> String = $enc;
                s.collect_seq(v.iter().map(enc))
            }

            /// Deserializes strictly (spec `encoding.md`).
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$ty>, D::Error> {
                let dec: fn(&[u8]) -> Result<$ty, DecodeError> = $dec;
                let v = <Vec<std::borrow::Cow<'de, str>>>::deserialize(d)?;
                v.iter()
                    .map(|s| from_hex(s).and_then(|b| dec(&b)))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| D::Error::custom(format_args!("{}: {e}", $what)))
            }
        }
    };
}

serde_module!(
    point,
    points,
    RistrettoPoint,
    point_hex,
    point_from_bytes,
    "point"
);
serde_module!(
    element,
    elements,
    RistrettoPoint,
    point_hex,
    element_from_bytes,
    "group element"
);
serde_module!(
    scalar,
    scalars,
    Scalar,
    |s| to_hex(s.as_bytes()),
    scalar_from_bytes,
    "scalar"
);
serde_module!(
    bytes,
    bytes_list,
    Vec<u8>,
    |b| to_hex(b),
    |b| Ok(b.to_vec()),
    "byte string"
);
serde_module!(
    bytes32,
    bytes32_list,
    [u8; 32],
    |b| to_hex(b),
    array32,
    "32-byte string"
);
