//! A group element that remembers its canonical encoding
//! (spec `encoding.md` §1).
//!
//! Verifying a ballot needs every point both decompressed (for the curve
//! arithmetic) and encoded (for the Fiat–Shamir transcript, the canonical
//! re-serialisation and the signed message). Compressing costs an inverse
//! square root, as much as decompressing; a [`Point`] decoded from the wire
//! keeps the bytes it came from, and one built from arithmetic compresses
//! once, when it is built. The fields are private, so the two can never
//! disagree.

use core::ops::Deref;

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::traits::IsIdentity;
use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

use crate::encoding::{from_hex_array, to_hex};
use crate::error::DecodeError;

/// A non-identity group element with its canonical encoding.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    point: RistrettoPoint,
    encoding: CompressedRistretto,
}

impl Point {
    /// Wraps a point, compressing it once.
    pub fn new(point: RistrettoPoint) -> Self {
        Point {
            point,
            encoding: point.compress(),
        }
    }

    /// Decodes 32 canonical bytes; the identity is refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let encoding =
            CompressedRistretto::from_slice(bytes).map_err(|_| DecodeError::WrongLength {
                expected: 32,
                got: bytes.len(),
            })?;
        let point = encoding
            .decompress()
            .ok_or(DecodeError::NonCanonicalPoint)?;
        if point.is_identity() {
            return Err(DecodeError::IdentityPoint);
        }
        Ok(Point { point, encoding })
    }

    /// The group element.
    pub fn point(&self) -> &RistrettoPoint {
        &self.point
    }

    /// Its canonical encoding (no curve arithmetic).
    pub fn compress(&self) -> CompressedRistretto {
        self.encoding
    }

    /// The encoding's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.encoding.as_bytes()
    }
}

impl Deref for Point {
    type Target = RistrettoPoint;
    fn deref(&self) -> &RistrettoPoint {
        &self.point
    }
}

impl From<RistrettoPoint> for Point {
    fn from(p: RistrettoPoint) -> Self {
        Point::new(p)
    }
}

impl From<Point> for RistrettoPoint {
    fn from(p: Point) -> Self {
        p.point
    }
}

impl core::ops::AddAssign<RistrettoPoint> for Point {
    /// Adds a point and re-encodes (used by tests that tamper with proofs).
    fn add_assign(&mut self, rhs: RistrettoPoint) {
        *self = Point::new(self.point + rhs);
    }
}

impl PartialEq for Point {
    fn eq(&self, other: &Self) -> bool {
        self.encoding == other.encoding
    }
}

impl Eq for Point {}

impl PartialEq<RistrettoPoint> for Point {
    fn eq(&self, other: &RistrettoPoint) -> bool {
        &self.point == other
    }
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_hex(self.encoding.as_bytes()))
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        from_hex_array::<32>(&s)
            .and_then(|b| Point::from_bytes(&b))
            .map_err(|e| D::Error::custom(format_args!("point: {e}")))
    }
}

/// A point usable both in transcripts and in arithmetic:
/// [`RistrettoPoint`] or [`Point`].
pub trait AsPoint: Encoded + Copy + Into<RistrettoPoint> {
    /// The group element.
    fn to_point(&self) -> RistrettoPoint {
        (*self).into()
    }
}

impl<T: Encoded + Copy + Into<RistrettoPoint>> AsPoint for T {}

/// Anything the transcript can absorb as a canonical encoding.
pub trait Encoded {
    /// The canonical encoding.
    fn encoded(&self) -> CompressedRistretto;
}

impl Encoded for RistrettoPoint {
    fn encoded(&self) -> CompressedRistretto {
        self.compress()
    }
}

impl Encoded for Point {
    fn encoded(&self) -> CompressedRistretto {
        self.encoding
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::traits::Identity;
    use rand_core::OsRng;

    #[test]
    fn keeps_its_encoding_and_refuses_bad_bytes() {
        let p = RistrettoPoint::random(&mut OsRng);
        let w = Point::new(p);
        assert_eq!(w.compress(), p.compress());
        let back = Point::from_bytes(w.as_bytes()).unwrap();
        assert_eq!(back, w);
        assert_eq!(back, p);
        assert_eq!(
            Point::from_bytes(&[0u8; 32]),
            Err(DecodeError::IdentityPoint)
        );
        assert_eq!(
            Point::from_bytes(&[0xff; 32]),
            Err(DecodeError::NonCanonicalPoint)
        );
        assert!(Point::from_bytes(&[1u8; 31]).is_err());
        let json = serde_json::to_string(&w).unwrap();
        assert_eq!(serde_json::from_str::<Point>(&json).unwrap(), w);
        assert!(serde_json::from_str::<Point>(&json.to_uppercase()).is_err());
        let _ = RistrettoPoint::identity();
    }
}
