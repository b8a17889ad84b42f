//! Exponential ElGamal over Ristretto255 (spec `protocol.md` §4).
//!
//! A value `m` under the election key `K = xG` is encrypted with fresh
//! randomness `r` as `(R, C) = (rG, mG + rK)`. Ciphertexts add
//! component-wise, `(R₁+R₂, C₁+C₂)` encrypting `m₁+m₂`, and scale by a public
//! integer weight `w`, `(wR, wC)` encrypting `w·m`. Decryption is
//! `C − xR = mG`, followed by a bounded discrete logarithm.

use core::ops::{Add, AddAssign};

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::encoding;
use crate::generators::g_table;
use crate::point::Point;

/// An exponential-ElGamal ciphertext `(R, C)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ciphertext {
    /// `R = rG`.
    #[serde(rename = "r", with = "encoding::element")]
    pub r: RistrettoPoint,
    /// `C = mG + rK`.
    #[serde(rename = "c", with = "encoding::element")]
    pub c: RistrettoPoint,
}

/// Encryption randomness, zeroized on drop and never printed.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct Randomness(pub Scalar);

impl core::fmt::Debug for Randomness {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Randomness(<secret>)")
    }
}

impl Randomness {
    /// Fresh uniform randomness.
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        Randomness(Scalar::random(rng))
    }
}

impl Ciphertext {
    /// The encryption of 0 with randomness 0: the neutral element of `+`.
    pub fn zero() -> Self {
        Ciphertext {
            r: RistrettoPoint::identity(),
            c: RistrettoPoint::identity(),
        }
    }

    /// Encrypts `m` under `key` with the given randomness (constant time in
    /// `m` and `r`).
    pub fn encrypt_with(key: &RistrettoPoint, m: &Scalar, r: &Randomness) -> Self {
        Ciphertext {
            r: g_table() * &r.0,
            c: g_table() * m + key * r.0,
        }
    }

    /// Encrypts `m` under `key` with fresh randomness, returning both.
    pub fn encrypt<R: RngCore + CryptoRng>(
        key: &RistrettoPoint,
        m: u64,
        rng: &mut R,
    ) -> (Self, Randomness) {
        let r = Randomness::random(rng);
        (Self::encrypt_with(key, &Scalar::from(m), &r), r)
    }

    /// Multiplies by a public integer weight: encrypts `w·m`.
    pub fn scale(&self, w: u64) -> Self {
        let w = Scalar::from(w);
        Ciphertext {
            r: self.r * w,
            c: self.c * w,
        }
    }

    /// Decrypts with the full secret key to `mG` (tests and single-key use;
    /// elections decrypt with threshold shares).
    pub fn decrypt_to_point(&self, secret: &Scalar) -> RistrettoPoint {
        self.c - self.r * secret
    }
}

impl Add for Ciphertext {
    type Output = Ciphertext;
    fn add(self, o: Ciphertext) -> Ciphertext {
        Ciphertext {
            r: self.r + o.r,
            c: self.c + o.c,
        }
    }
}

impl AddAssign for Ciphertext {
    fn add_assign(&mut self, o: Ciphertext) {
        self.r += o.r;
        self.c += o.c;
    }
}

/// A ciphertext as a ballot carries it: both components with their
/// canonical encodings (encoding.md §1, [`Point`]). Decoding refuses the
/// identity; re-serialising the ballot and absorbing the statement into a
/// transcript reuse the received bytes instead of compressing again. The
/// JSON form is that of [`Ciphertext`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncodedCiphertext {
    /// `R = rG`.
    pub r: Point,
    /// `C = mG + rK`.
    pub c: Point,
}

impl EncodedCiphertext {
    /// The ciphertext, for arithmetic.
    pub fn ciphertext(&self) -> Ciphertext {
        Ciphertext {
            r: *self.r.point(),
            c: *self.c.point(),
        }
    }
}

impl From<Ciphertext> for EncodedCiphertext {
    /// Compresses both components once.
    fn from(ct: Ciphertext) -> Self {
        EncodedCiphertext {
            r: Point::new(ct.r),
            c: Point::new(ct.c),
        }
    }
}

impl From<EncodedCiphertext> for Ciphertext {
    fn from(ct: EncodedCiphertext) -> Self {
        ct.ciphertext()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::g;
    use rand_core::OsRng;

    #[test]
    fn homomorphic_add_and_scale() {
        let x = Scalar::random(&mut OsRng);
        let k = g() * x;
        let (a, _) = Ciphertext::encrypt(&k, 5, &mut OsRng);
        let (b, _) = Ciphertext::encrypt(&k, 7, &mut OsRng);
        let sum = (a + b).scale(3);
        assert_eq!(sum.decrypt_to_point(&x), g() * Scalar::from(36u64));
        assert_ne!(sum.decrypt_to_point(&x), g() * Scalar::from(35u64));
    }

    #[test]
    fn encoded_ciphertext_has_the_same_json() {
        let k = g() * Scalar::random(&mut OsRng);
        let (a, _) = Ciphertext::encrypt(&k, 3, &mut OsRng);
        let e = EncodedCiphertext::from(a);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::to_string(&e).unwrap(), json);
        let back: EncodedCiphertext = serde_json::from_str(&json).unwrap();
        assert_eq!(back.ciphertext(), a);
        let zero = serde_json::to_string(&Ciphertext::zero()).unwrap();
        assert!(serde_json::from_str::<EncodedCiphertext>(&zero).is_err());
    }

    #[test]
    fn randomness_debug_is_secret() {
        let r = Randomness(Scalar::from(42u64));
        assert_eq!(format!("{r:?}"), "Randomness(<secret>)");
    }
}
