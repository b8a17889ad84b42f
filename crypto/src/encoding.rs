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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 15)]);
    }
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// True when every byte is `0-9` or `a-f` (no early exit, so the loop
/// vectorises; the input is public).
fn vartime_is_lower_hex(s: &[u8]) -> bool {
    s.iter().fold(true, |ok, c| {
        ok & (c.is_ascii_digit() | (b'a'..=b'f').contains(c))
    })
}

/// Decodes pairs of digits already checked by [`vartime_is_lower_hex`]:
/// a digit's value is its low nibble, plus 9 for `a-f` (bit 6 set).
fn decode_checked(s: &[u8], out: &mut [u8]) {
    let nibble = |c: u8| (c & 0x0f) + 9 * (c >> 6);
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        *o = (nibble(pair[0]) << 4) | nibble(pair[1]);
    }
}

/// Decodes strict lowercase hexadecimal (spec `encoding.md` §2).
pub fn from_hex(s: &str) -> Result<Vec<u8>, DecodeError> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) || !vartime_is_lower_hex(s) {
        return Err(DecodeError::BadHex);
    }
    let mut out = vec![0u8; s.len() / 2];
    decode_checked(s, &mut out);
    Ok(out)
}

/// Decodes exactly `N` bytes of strict lowercase hexadecimal.
pub fn from_hex_array<const N: usize>(s: &str) -> Result<[u8; N], DecodeError> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) || !vartime_is_lower_hex(s) {
        return Err(DecodeError::BadHex);
    }
    if s.len() != 2 * N {
        return Err(DecodeError::WrongLength {
            expected: N,
            got: s.len() / 2,
        });
    }
    let mut out = [0u8; N];
    decode_checked(s, &mut out);
    Ok(out)
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

#[cfg(test)]
mod hex_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn hex_matches_the_reference_and_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let h = to_hex(&bytes);
            prop_assert_eq!(&h, &hex::encode(&bytes));
            prop_assert_eq!(from_hex(&h).unwrap(), bytes.clone());
            if bytes.len() == 32 {
                prop_assert_eq!(from_hex_array::<32>(&h).unwrap().to_vec(), bytes);
            }
        }

        #[test]
        fn only_lowercase_hex_is_accepted(s in "[0-9a-fA-Fg-z ]{0,12}") {
            let strict = s.len() % 2 == 0 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
            prop_assert_eq!(from_hex(&s).is_ok(), strict);
            if strict {
                prop_assert_eq!(from_hex(&s).unwrap(), hex::decode(&s).unwrap());
            }
        }
    }

    #[test]
    fn fixed_length_is_enforced_after_the_digits() {
        assert!(matches!(
            from_hex_array::<2>("abc"),
            Err(DecodeError::BadHex)
        ));
        assert!(matches!(
            from_hex_array::<2>("AB01"),
            Err(DecodeError::BadHex)
        ));
        assert!(matches!(
            from_hex_array::<2>("ab"),
            Err(DecodeError::WrongLength {
                expected: 2,
                got: 1
            })
        ));
        assert_eq!(from_hex_array::<2>("ff0a").unwrap(), [0xff, 0x0a]);
    }
}
