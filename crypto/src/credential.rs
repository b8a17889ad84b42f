//! Voter credentials and ballot signatures (spec `protocol.md` §9).
//!
//! A credential *code* is 23 random symbols of Crockford's base-32 alphabet
//! (115 bits) and one Luhn-mod-32 check symbol, printed as six groups of four
//! (`7K3M-0Q9D-…`). Luhn mod N detects every single-symbol substitution and
//! every adjacent transposition except of the pair whose doubled values
//! coincide. Parsing is case-insensitive, ignores `-` and spaces, and reads
//! `O` as `0` and `I`, `L` as `1`.
//!
//! The signing key for one election is
//! `x = SHA-512("psephos/v1/credential-key" ‖ election id ‖ code) mod ℓ`,
//! the public credential `X = xG`. The same code gives unlinkable public
//! credentials in different elections.
//!
//! A signature on message `M` is a Schnorr signature in commitment form
//! `(A, z)`: transcript `proof = "ballot-signature"`, `election`, `credential`
//! `X`, `message` `M`, `A`; challenge `c`; `z = a + c·x`; the verifier checks
//! `zG = A + cX`.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};
use zeroize::{Zeroize, Zeroizing};

use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};
use crate::generators::g_table;
use crate::msm::{random_weight, Msm};
use crate::point::{AsPoint, Point};
use crate::transcript::{labels, TranscriptExt, PROTOCOL_LABEL};

/// Crockford's base-32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random symbols in a code.
pub const DATA_SYMBOLS: usize = 23;
/// Symbols in a code, check symbol included.
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + 1;

const KEY_LABEL: &[u8] = b"psephos/v1/credential-key";

/// A voter's secret credential code (normalised: 24 symbols, no dashes).
#[derive(Clone, PartialEq, Eq, Zeroize)]
#[zeroize(drop)]
pub struct CredentialCode(String);

impl core::fmt::Debug for CredentialCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CredentialCode(<secret>)")
    }
}

fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|i| i as u8)
}

/// Luhn mod 32 check symbol value of `data` (most significant first).
fn luhn_check(data: &[u8]) -> u8 {
    const N: u32 = 32;
    let mut sum = 0u32;
    // Double every second value counting from the right end of the data,
    // starting with the rightmost (the check symbol will sit to its right).
    for (i, &v) in data.iter().rev().enumerate() {
        let mut x = v as u32;
        if i % 2 == 0 {
            x *= 2;
            x = x / N + x % N;
        }
        sum += x;
    }
    ((N - sum % N) % N) as u8
}

impl CredentialCode {
    /// A fresh random code.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut data = Zeroizing::new([0u8; DATA_SYMBOLS]);
        for d in data.iter_mut() {
            *d = (rng.next_u32() % 32) as u8;
        }
        let mut s = String::with_capacity(CODE_SYMBOLS);
        for &d in data.iter() {
            s.push(ALPHABET[d as usize] as char);
        }
        s.push(ALPHABET[luhn_check(&data[..]) as usize] as char);
        CredentialCode(s)
    }

    /// Parses a typed code; a wrong check symbol is an error.
    pub fn parse(typed: &str) -> Result<Self> {
        let mut values = Zeroizing::new(Vec::with_capacity(CODE_SYMBOLS));
        for c in typed.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
            values.push(symbol_value(c).ok_or(DecodeError::Malformed("credential code symbol"))?);
        }
        if values.len() != CODE_SYMBOLS {
            return Err(DecodeError::WrongLength {
                expected: CODE_SYMBOLS,
                got: values.len(),
            }
            .into());
        }
        if luhn_check(&values[..DATA_SYMBOLS]) != values[DATA_SYMBOLS] {
            return Err(DecodeError::Malformed("credential code check symbol").into());
        }
        Ok(CredentialCode(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        ))
    }

    /// The code grouped in fours for printing: `XXXX-XXXX-…`.
    pub fn grouped(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_SYMBOLS + 5));
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// The signing key of this code for one election.
    pub fn signing_key(&self, election_id: &[u8; 32]) -> CredentialKey {
        let mut h = Sha512::new();
        h.update(KEY_LABEL);
        h.update(election_id);
        h.update(self.0.as_bytes());
        let mut wide = Zeroizing::new([0u8; 64]);
        wide.copy_from_slice(&h.finalize());
        CredentialKey {
            secret: Scalar::from_bytes_mod_order_wide(&wide),
        }
    }
}

/// A credential signing key for one election.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct CredentialKey {
    secret: Scalar,
}

impl core::fmt::Debug for CredentialKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CredentialKey(<secret>)")
    }
}

/// A Schnorr signature `(A, z)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Commitment `A = aG`.
    pub a: Point,
    /// Response `z = a + c·x`.
    #[serde(with = "encoding::scalar")]
    pub z: Scalar,
}

fn signature_transcript<P: AsPoint>(election_id: &[u8; 32], public: &P, msg: &[u8]) -> Transcript {
    let mut t = Transcript::new(PROTOCOL_LABEL);
    t.append_message(b"proof", labels::BALLOT_SIGNATURE);
    t.append_message(b"election", election_id);
    t.append_point(b"credential", public);
    t.append_message(b"message", msg);
    t
}

impl CredentialKey {
    /// The public credential `X = xG`.
    pub fn public(&self) -> RistrettoPoint {
        g_table() * &self.secret
    }

    /// Signs `msg` for `election_id` (hedged nonce: transcript, key, RNG).
    pub fn sign<R: RngCore + CryptoRng>(
        &self,
        election_id: &[u8; 32],
        msg: &[u8],
        rng: &mut R,
    ) -> Signature {
        let public = self.public();
        let mut t = signature_transcript(election_id, &public, msg);
        let mut nonce_rng = t
            .build_rng()
            .rekey_with_witness_bytes(b"x", self.secret.as_bytes())
            .finalize(rng);
        let nonce = Zeroizing::new(Scalar::random(&mut nonce_rng));
        let a = Point::new(g_table() * &*nonce);
        t.append_point(b"A", &a);
        let c = t.challenge_scalar(b"c");
        Signature {
            a,
            z: *nonce + c * self.secret,
        }
    }
}

impl Signature {
    /// Adds the equation `zG − A − cX = 0` with a random weight to `msm`.
    pub fn verify_into<R: RngCore + CryptoRng, P: AsPoint>(
        &self,
        election_id: &[u8; 32],
        public: &P,
        msg: &[u8],
        msm: &mut Msm,
        rng: &mut R,
    ) {
        let mut t = signature_transcript(election_id, public, msg);
        t.append_point(b"A", &self.a);
        let c = t.challenge_scalar(b"c");
        let w = random_weight(rng);
        msm.add_g(w * self.z);
        msm.add(-w, self.a);
        msm.add(-w * c, public.to_point());
    }

    /// Verifies the signature of `msg` by credential `public`.
    pub fn verify(
        &self,
        election_id: &[u8; 32],
        public: &RistrettoPoint,
        msg: &[u8],
    ) -> Result<()> {
        let mut msm = Msm::new();
        self.verify_into(election_id, public, msg, &mut msm, &mut rand_core::OsRng);
        if msm.vartime_is_zero() {
            Ok(())
        } else {
            Err(CryptoError::InvalidProof("signature"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn every_single_substitution_is_caught() {
        let code = CredentialCode::generate(&mut OsRng);
        let s = code.0.clone();
        for i in 0..CODE_SYMBOLS {
            for &a in ALPHABET {
                let mut t: Vec<u8> = s.bytes().collect();
                if t[i] == a {
                    continue;
                }
                t[i] = a;
                let typed = String::from_utf8(t).unwrap();
                assert!(CredentialCode::parse(&typed).is_err(), "{i} {}", a as char);
            }
        }
    }

    #[test]
    fn grouped_parses_back_with_aliases() {
        let code = CredentialCode::generate(&mut OsRng);
        let g = code.grouped();
        assert_eq!(g.len(), 29);
        assert_eq!(CredentialCode::parse(&g.to_lowercase()).unwrap(), code);
        let aliased = g.replace('0', "o").replace('1', "l");
        assert_eq!(CredentialCode::parse(&aliased).unwrap(), code);
        assert!(CredentialCode::parse(&g[..g.len() - 1]).is_err());
        assert!(CredentialCode::parse(&format!("{}U", &g[..g.len() - 1])).is_err());
    }

    #[test]
    fn sign_verify_and_bind() {
        let code = CredentialCode::generate(&mut OsRng);
        let e1 = [1u8; 32];
        let e2 = [2u8; 32];
        let k1 = code.signing_key(&e1);
        assert_ne!(k1.public(), code.signing_key(&e2).public());
        let sig = k1.sign(&e1, b"ballot", &mut OsRng);
        sig.verify(&e1, &k1.public(), b"ballot").unwrap();
        assert!(sig.verify(&e2, &k1.public(), b"ballot").is_err());
        assert!(sig.verify(&e1, &k1.public(), b"ballot!").is_err());
        let other = CredentialCode::generate(&mut OsRng).signing_key(&e1);
        assert!(sig.verify(&e1, &other.public(), b"ballot").is_err());
        assert_eq!(format!("{k1:?}"), "CredentialKey(<secret>)");
        assert_eq!(format!("{code:?}"), "CredentialCode(<secret>)");
    }
}
