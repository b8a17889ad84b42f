//! One trustee's side of the ceremony (spec §5, §9): its secrets between the
//! phases and, at the end, its share `xⱼ` of the joint secret.
//!
//! Both types zeroize their secrets on drop and print `<secret>` for them.
//! They serialize (lowercase hex, `spec_version`) so the offline trustee tool
//! can keep them between phases; such a file is as secret as the key itself.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::ceremony::{verify_announcements, CeremonyOutcome};
use super::messages::{
    announcement_transcript, coefficient_transcript, complaint_transcript, Complaint,
    DealerCommitments, EncryptedShare, TrusteeAnnouncement,
};
use super::polynomial::{share_matches, Polynomial};
use super::share_encryption::{encrypt_share, open_share, recipient_shared_secret};
use super::{check_version, CeremonyParameters, SPEC_VERSION};
use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::generators::g_table;
use crate::proofs::{dleq, schnorr};

/// A share `fᵢ(j)` received from dealer `i`.
#[derive(Clone, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Received {
    dealer: u32,
    #[serde(with = "encoding::scalar")]
    share: Scalar,
}

/// Trustee `j` during the ceremony: share-encryption secret `pⱼ`, its own
/// polynomial `fⱼ`, and the shares received so far (spec §9).
#[derive(Clone, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "SessionRepr")]
pub struct TrusteeSession {
    #[zeroize(skip)]
    spec_version: u32,
    #[zeroize(skip)]
    parameters: CeremonyParameters,
    #[zeroize(skip)]
    index: u32,
    #[serde(with = "encoding::scalar")]
    encryption_secret: Scalar,
    #[serde(with = "encoding::scalars")]
    coefficients: Vec<Scalar>,
    received: Vec<Received>,
}

/// The decoded form, checked before it becomes a session.
#[derive(Zeroize, ZeroizeOnDrop, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRepr {
    #[zeroize(skip)]
    spec_version: u32,
    #[zeroize(skip)]
    parameters: CeremonyParameters,
    #[zeroize(skip)]
    index: u32,
    #[serde(with = "encoding::scalar")]
    encryption_secret: Scalar,
    #[serde(with = "encoding::scalars")]
    coefficients: Vec<Scalar>,
    received: Vec<Received>,
}

impl TryFrom<SessionRepr> for TrusteeSession {
    type Error = CryptoError;
    fn try_from(r: SessionRepr) -> Result<Self> {
        check_version(r.spec_version)?;
        r.parameters.validate()?;
        let p = &r.parameters;
        if !p.is_trustee(r.index)
            || r.coefficients.len() != p.threshold as usize
            || r.received
                .iter()
                .any(|x| !p.is_trustee(x.dealer) || x.dealer == r.index)
        {
            return Err(CryptoError::Shape("inconsistent trustee session".into()));
        }
        Ok(TrusteeSession {
            spec_version: r.spec_version,
            parameters: r.parameters,
            index: r.index,
            encryption_secret: r.encryption_secret,
            coefficients: r.coefficients.clone(),
            received: r.received.clone(),
        })
    }
}

impl core::fmt::Debug for TrusteeSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "TrusteeSession {{ index: {}, secrets: <secret> }}",
            self.index
        )
    }
}

fn faulty(index: u32, reason: &'static str) -> CryptoError {
    CryptoError::FaultyTrustee { index, reason }
}

impl TrusteeSession {
    /// Starts trustee `index`: draws `pⱼ` and `fⱼ`, and returns the session
    /// with the announcement to publish (spec §5.1).
    pub fn new<R: RngCore + CryptoRng>(
        params: &CeremonyParameters,
        index: u32,
        rng: &mut R,
    ) -> Result<(Self, TrusteeAnnouncement)> {
        params.validate()?;
        if !params.is_trustee(index) {
            return Err(CryptoError::Shape(format!(
                "no trustee {index} in this ceremony"
            )));
        }
        let encryption_secret = Scalar::random(rng);
        let polynomial = Polynomial::random(params.threshold, rng);
        let session = TrusteeSession {
            spec_version: SPEC_VERSION,
            parameters: *params,
            index,
            encryption_secret,
            coefficients: polynomial.coefficients().to_vec(),
            received: Vec::new(),
        };
        let key = session.encryption_key();
        let mut t = announcement_transcript(params, index);
        let proof = schnorr::prove(&mut t, &session.encryption_secret, &key, rng);
        let announcement = TrusteeAnnouncement {
            spec_version: SPEC_VERSION,
            ceremony_id: params.ceremony_id,
            trustee: index,
            encryption_key: key,
            proof,
        };
        Ok((session, announcement))
    }

    /// This trustee's index `j`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The ceremony's parameters.
    pub fn parameters(&self) -> &CeremonyParameters {
        &self.parameters
    }

    /// The share-encryption key `Pⱼ = pⱼG`.
    pub fn encryption_key(&self) -> RistrettoPoint {
        g_table() * &self.encryption_secret
    }

    fn polynomial(&self) -> Polynomial {
        Polynomial::from_coefficients(self.coefficients.clone())
    }

    /// The dealer message: commitments to `fⱼ` with one proof each (spec §5.2).
    pub fn commitments<R: RngCore + CryptoRng>(&self, rng: &mut R) -> DealerCommitments {
        let commitments = self.polynomial().commitments();
        let proofs = (0u32..)
            .zip(self.coefficients.iter().zip(&commitments))
            .map(|(k, (a, big_a))| {
                let mut t = coefficient_transcript(&self.parameters, self.index, k);
                schnorr::prove(&mut t, a, big_a, rng)
            })
            .collect();
        DealerCommitments {
            spec_version: SPEC_VERSION,
            ceremony_id: self.parameters.ceremony_id,
            dealer: self.index,
            commitments,
            proofs,
        }
    }

    /// Encrypts `fⱼ(m)` to every other trustee `m` after checking all
    /// announcements (spec §5.3, §6).
    pub fn encrypt_shares<R: RngCore + CryptoRng>(
        &self,
        announcements: &[TrusteeAnnouncement],
        rng: &mut R,
    ) -> Result<Vec<EncryptedShare>> {
        let keys = verify_announcements(&self.parameters, announcements, rng)?;
        let f = self.polynomial();
        (1..=self.parameters.trustees)
            .zip(&keys)
            .filter(|(m, _)| *m != self.index)
            .map(|(m, key)| {
                let share = Zeroizing::new(f.evaluate(m));
                encrypt_share(&self.parameters, self.index, m, key, &share, rng)
            })
            .collect()
    }

    /// Receives dealer `i`'s share (spec §7.1): verifies the dealer's
    /// commitments (an error names the dealer), decrypts and checks
    /// `fᵢ(j)·G = Σₖ jᵏAᵢₖ`. Returns `None` when the share is good and kept,
    /// or the [`Complaint`] to publish when it is not.
    pub fn receive<R: RngCore + CryptoRng>(
        &mut self,
        commitments: &DealerCommitments,
        share: &EncryptedShare,
        rng: &mut R,
    ) -> Result<Option<Complaint>> {
        share.check_form(&self.parameters)?;
        if share.recipient != self.index || commitments.dealer != share.dealer {
            return Err(CryptoError::Shape(
                "share for another trustee or dealer".into(),
            ));
        }
        commitments.verify(&self.parameters, rng)?;
        let s = recipient_shared_secret(&self.encryption_secret, share);
        let opened = open_share(share, &self.encryption_key(), &s)
            .filter(|x| share_matches(&commitments.commitments, self.index, x));
        let Some(value) = opened else {
            return self.complain(share, rng).map(Some);
        };
        match self.received.iter().find(|r| r.dealer == share.dealer) {
            Some(r) if bool::from(r.share.ct_eq(&value)) => {}
            Some(_) => return Err(faulty(share.dealer, "two different shares")),
            None => self.received.push(Received {
                dealer: share.dealer,
                share: *value,
            }),
        }
        Ok(None)
    }

    /// A complaint against the dealer of `share`, revealing `S = pⱼE` with a
    /// Chaum–Pedersen proof (spec §5.4). [`Self::receive`] calls it when a
    /// share is bad; calling it on a good share yields a complaint that is
    /// rejected and names this trustee.
    pub fn complain<R: RngCore + CryptoRng>(
        &self,
        share: &EncryptedShare,
        rng: &mut R,
    ) -> Result<Complaint> {
        if share.recipient != self.index {
            return Err(CryptoError::Shape("share for another trustee".into()));
        }
        let shared_secret = recipient_shared_secret(&self.encryption_secret, share);
        let statement = dleq::DleqStatement {
            x: self.encryption_key(),
            a: share.ephemeral,
            d: shared_secret,
        };
        let mut t = complaint_transcript(&self.parameters, share);
        let proof = dleq::prove(&mut t, &self.encryption_secret, &statement, rng);
        Ok(Complaint {
            spec_version: SPEC_VERSION,
            ceremony_id: self.parameters.ceremony_id,
            complainer: self.index,
            dealer: share.dealer,
            shared_secret,
            proof,
        })
    }

    /// Ends the ceremony: `xⱼ = Σ_{i∈Q} fᵢ(j)`, checked against the derived
    /// verification key `Xⱼ` (spec §9).
    pub fn finish(&self, outcome: &CeremonyOutcome) -> Result<TrusteeShare> {
        if outcome.parameters != self.parameters {
            return Err(CryptoError::Shape("outcome of another ceremony".into()));
        }
        let own = Zeroizing::new(self.polynomial().evaluate(self.index));
        let mut x = Zeroizing::new(Scalar::ZERO);
        for &i in &outcome.qualified {
            if i == self.index {
                *x += *own;
            } else {
                let r = self
                    .received
                    .iter()
                    .find(|r| r.dealer == i)
                    .ok_or_else(|| {
                        faulty(i, "no valid share received from this qualified dealer")
                    })?;
                *x += r.share;
            }
        }
        let verification_key = *outcome
            .verification_key(self.index)
            .ok_or_else(|| CryptoError::Shape("outcome without this trustee".into()))?;
        if g_table() * &*x != verification_key {
            return Err(CryptoError::Shape(
                "share does not match the verification key".into(),
            ));
        }
        Ok(TrusteeShare {
            spec_version: SPEC_VERSION,
            parameters: self.parameters,
            index: self.index,
            secret: *x,
            joint_key: outcome.joint_key,
            verification_key,
        })
    }
}

/// Trustee `j`'s share `xⱼ` of the joint secret, with the public keys it is
/// checked against: `xⱼG = Xⱼ` (spec §9).
#[derive(Clone, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "ShareRepr")]
pub struct TrusteeShare {
    #[zeroize(skip)]
    spec_version: u32,
    #[zeroize(skip)]
    parameters: CeremonyParameters,
    #[zeroize(skip)]
    index: u32,
    #[serde(with = "encoding::scalar")]
    secret: Scalar,
    #[zeroize(skip)]
    #[serde(with = "encoding::point")]
    joint_key: RistrettoPoint,
    #[zeroize(skip)]
    #[serde(with = "encoding::element")]
    verification_key: RistrettoPoint,
}

#[derive(Zeroize, ZeroizeOnDrop, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareRepr {
    #[zeroize(skip)]
    spec_version: u32,
    #[zeroize(skip)]
    parameters: CeremonyParameters,
    #[zeroize(skip)]
    index: u32,
    #[serde(with = "encoding::scalar")]
    secret: Scalar,
    #[zeroize(skip)]
    #[serde(with = "encoding::point")]
    joint_key: RistrettoPoint,
    #[zeroize(skip)]
    #[serde(with = "encoding::element")]
    verification_key: RistrettoPoint,
}

impl TryFrom<ShareRepr> for TrusteeShare {
    type Error = CryptoError;
    fn try_from(r: ShareRepr) -> Result<Self> {
        check_version(r.spec_version)?;
        r.parameters.validate()?;
        if !r.parameters.is_trustee(r.index) || g_table() * &r.secret != r.verification_key {
            return Err(CryptoError::Shape("inconsistent trustee share".into()));
        }
        Ok(TrusteeShare {
            spec_version: r.spec_version,
            parameters: r.parameters,
            index: r.index,
            secret: r.secret,
            joint_key: r.joint_key,
            verification_key: r.verification_key,
        })
    }
}

impl core::fmt::Debug for TrusteeShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "TrusteeShare {{ index: {}, secret: <secret> }}",
            self.index
        )
    }
}

impl TrusteeShare {
    /// The trustee's index `j`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The ceremony's parameters.
    pub fn parameters(&self) -> &CeremonyParameters {
        &self.parameters
    }

    /// The joint election key `K`.
    pub fn joint_key(&self) -> &RistrettoPoint {
        &self.joint_key
    }

    /// The verification key `Xⱼ = xⱼG`.
    pub fn verification_key(&self) -> &RistrettoPoint {
        &self.verification_key
    }

    /// The secret `xⱼ` (crate-internal: decryption shares).
    pub(crate) fn secret(&self) -> &Scalar {
        &self.secret
    }
}
