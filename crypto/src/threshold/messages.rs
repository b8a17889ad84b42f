//! Public key-ceremony messages (spec §5) and their transcripts (spec §3).
//!
//! Every message is a top-level record entry: JSON with `deny_unknown_fields`,
//! lowercase hex for bytes, points and scalars, and a `spec_version`.

use curve25519_dalek::ristretto::RistrettoPoint;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::{check_version, CeremonyParameters};
use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::msm::Msm;
use crate::proofs::dleq::{self, DleqProof, DleqStatement};
use crate::proofs::schnorr::{self, SchnorrProof};
use crate::transcript::labels;

/// Length of [`EncryptedShare::ciphertext`]: a 32-byte scalar and a 16-byte
/// Poly1305 tag (spec §6).
pub const SHARE_CIPHERTEXT_LEN: usize = 48;

/// Phase 1: a trustee's share-encryption key with a proof of knowledge of its
/// secret (spec §5.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeAnnouncement {
    /// Format version.
    pub spec_version: u32,
    /// The ceremony.
    #[serde(with = "encoding::bytes32")]
    pub ceremony_id: [u8; 32],
    /// The trustee's index `i`.
    pub trustee: u32,
    /// `Pᵢ = pᵢG`.
    #[serde(with = "encoding::point")]
    pub encryption_key: RistrettoPoint,
    /// Schnorr proof of `pᵢ` (transcript §3.2).
    pub proof: SchnorrProof,
}

/// Phase 2: dealer `i`'s Feldman commitments `Aᵢₖ = aᵢₖG`, `k = 0..t−1`, each
/// with a Schnorr proof of `aᵢₖ` (spec §5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealerCommitments {
    /// Format version.
    pub spec_version: u32,
    /// The ceremony.
    #[serde(with = "encoding::bytes32")]
    pub ceremony_id: [u8; 32],
    /// The dealer's index `i`.
    pub dealer: u32,
    /// `[Aᵢ₀, …, Aᵢ,ₜ₋₁]`.
    #[serde(with = "encoding::points")]
    pub commitments: Vec<RistrettoPoint>,
    /// One Schnorr proof per commitment, same order (transcript §3.3).
    pub proofs: Vec<SchnorrProof>,
}

/// Phase 2: `fᵢ(j)` encrypted by dealer `i` to recipient `j` (spec §5.3, §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedShare {
    /// Format version.
    pub spec_version: u32,
    /// The ceremony.
    #[serde(with = "encoding::bytes32")]
    pub ceremony_id: [u8; 32],
    /// The dealer's index `i`.
    pub dealer: u32,
    /// The recipient's index `j ≠ i`.
    pub recipient: u32,
    /// Ephemeral key `E = eG`.
    #[serde(with = "encoding::point")]
    pub ephemeral: RistrettoPoint,
    /// ChaCha20-Poly1305 ciphertext and tag, [`SHARE_CIPHERTEXT_LEN`] bytes.
    #[serde(with = "encoding::bytes")]
    pub ciphertext: Vec<u8>,
}

/// Phase 3: recipient `j` accuses dealer `i` by revealing `S = pⱼE` with a
/// proof that `log_G Pⱼ = log_E S` (spec §5.4, §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    /// Format version.
    pub spec_version: u32,
    /// The ceremony.
    #[serde(with = "encoding::bytes32")]
    pub ceremony_id: [u8; 32],
    /// The complainer `j` (the share's recipient).
    pub complainer: u32,
    /// The accused dealer `i`.
    pub dealer: u32,
    /// `S = pⱼ·E` for the share's ephemeral key `E`.
    #[serde(with = "encoding::point")]
    pub shared_secret: RistrettoPoint,
    /// Chaum–Pedersen proof (transcript §3.4).
    pub proof: DleqProof,
}

fn faulty(index: u32, reason: &'static str) -> CryptoError {
    CryptoError::FaultyTrustee { index, reason }
}

/// The checks that make a message unattributable, hence a hard error rather
/// than a fault of its sender: an unknown `spec_version` and a sender index
/// outside `1..=n` (spec §8 step 1).
pub(crate) fn check_envelope(params: &CeremonyParameters, version: u32, sender: u32) -> Result<()> {
    check_version(version)?;
    if !params.is_trustee(sender) {
        return Err(CryptoError::Shape(format!(
            "no trustee {sender} in this ceremony"
        )));
    }
    Ok(())
}

/// Checks the envelope and the ceremony id of a message from `sender`.
fn check_header(
    params: &CeremonyParameters,
    version: u32,
    ceremony_id: &[u8; 32],
    sender: u32,
) -> Result<()> {
    check_envelope(params, version, sender)?;
    if ceremony_id != &params.ceremony_id {
        return Err(faulty(sender, "message of another ceremony"));
    }
    Ok(())
}

/// Transcript of a trustee-key proof up to its Schnorr part (spec §3.2).
pub fn announcement_transcript(params: &CeremonyParameters, trustee: u32) -> Transcript {
    let mut t = params.transcript(labels::SCHNORR_POK);
    t.append_message(b"purpose", b"trustee-key");
    t.append_u64(b"trustee", u64::from(trustee));
    t
}

/// Transcript of a coefficient proof up to its Schnorr part (spec §3.3).
pub fn coefficient_transcript(params: &CeremonyParameters, dealer: u32, k: u32) -> Transcript {
    let mut t = params.transcript(labels::SCHNORR_POK);
    t.append_message(b"purpose", b"coefficient");
    t.append_u64(b"dealer", u64::from(dealer));
    t.append_u64(b"coefficient", u64::from(k));
    t
}

/// Transcript of a complaint proof about `share` up to its Chaum–Pedersen
/// part (spec §3.4).
pub fn complaint_transcript(params: &CeremonyParameters, share: &EncryptedShare) -> Transcript {
    let mut t = params.transcript(labels::COMPLAINT);
    t.append_u64(b"complainer", u64::from(share.recipient));
    t.append_u64(b"dealer", u64::from(share.dealer));
    t.append_message(b"share-ciphertext", &share.ciphertext);
    t
}

impl TrusteeAnnouncement {
    /// Checks the header and the proof (spec §8 step 2); an error names the
    /// trustee.
    pub fn verify<R: RngCore + CryptoRng>(
        &self,
        params: &CeremonyParameters,
        rng: &mut R,
    ) -> Result<()> {
        let mut msm = Msm::new();
        self.verify_into(params, &mut msm, rng)?;
        if msm.vartime_is_zero() {
            Ok(())
        } else {
            Err(faulty(self.trustee, "invalid trustee-key proof"))
        }
    }

    /// Checks the header and adds the proof's equation to `msm` (for batches).
    pub fn verify_into<R: RngCore + CryptoRng>(
        &self,
        params: &CeremonyParameters,
        msm: &mut Msm,
        rng: &mut R,
    ) -> Result<()> {
        check_header(params, self.spec_version, &self.ceremony_id, self.trustee)?;
        let mut t = announcement_transcript(params, self.trustee);
        schnorr::verify_into(&mut t, &self.encryption_key, &self.proof, msm, rng);
        Ok(())
    }
}

impl DealerCommitments {
    /// Checks the header, that there are exactly `t` commitments and proofs,
    /// and all proofs at once (spec §8 step 3); an error names the dealer.
    pub fn verify<R: RngCore + CryptoRng>(
        &self,
        params: &CeremonyParameters,
        rng: &mut R,
    ) -> Result<()> {
        let mut msm = Msm::new();
        self.verify_into(params, &mut msm, rng)?;
        if msm.vartime_is_zero() {
            Ok(())
        } else {
            Err(faulty(self.dealer, "invalid coefficient proof"))
        }
    }

    /// Checks the header and count and adds the `t` proofs' equations to
    /// `msm` (for batches).
    pub fn verify_into<R: RngCore + CryptoRng>(
        &self,
        params: &CeremonyParameters,
        msm: &mut Msm,
        rng: &mut R,
    ) -> Result<()> {
        check_header(params, self.spec_version, &self.ceremony_id, self.dealer)?;
        let t_len = params.threshold as usize;
        if self.commitments.len() != t_len || self.proofs.len() != t_len {
            return Err(faulty(self.dealer, "wrong number of commitments"));
        }
        for (k, (a, proof)) in (0u32..).zip(self.commitments.iter().zip(&self.proofs)) {
            let mut t = coefficient_transcript(params, self.dealer, k);
            schnorr::verify_into(&mut t, a, proof, msm, rng);
        }
        Ok(())
    }
}

impl EncryptedShare {
    /// Checks the header, `dealer ≠ recipient` and the ciphertext length
    /// (spec §8 step 4); an error names the dealer.
    pub fn check_form(&self, params: &CeremonyParameters) -> Result<()> {
        check_header(params, self.spec_version, &self.ceremony_id, self.dealer)?;
        if !params.is_trustee(self.recipient) || self.recipient == self.dealer {
            return Err(faulty(self.dealer, "share to an invalid recipient"));
        }
        if self.ciphertext.len() != SHARE_CIPHERTEXT_LEN {
            return Err(faulty(self.dealer, "share ciphertext of wrong length"));
        }
        Ok(())
    }
}

impl Complaint {
    /// Checks the header and that the complaint is about `share` (same
    /// dealer and recipient); an error names the complainer.
    pub fn check_form(&self, params: &CeremonyParameters, share: &EncryptedShare) -> Result<()> {
        check_header(
            params,
            self.spec_version,
            &self.ceremony_id,
            self.complainer,
        )?;
        if self.complainer != share.recipient || self.dealer != share.dealer {
            return Err(faulty(self.complainer, "complaint about another share"));
        }
        Ok(())
    }

    /// The proof's statement `(X, A, D) = (Pⱼ, E, S)` for the recipient key
    /// `recipient_key = Pⱼ`.
    pub fn statement(
        &self,
        recipient_key: &RistrettoPoint,
        share: &EncryptedShare,
    ) -> DleqStatement {
        DleqStatement {
            x: *recipient_key,
            a: share.ephemeral,
            d: self.shared_secret,
        }
    }

    /// Checks form and the Chaum–Pedersen proof that `S = pⱼE` for the
    /// recipient's key `recipient_key = Pⱼ` (spec §7.2 step 1); an error names
    /// the complainer.
    pub fn verify_proof<R: RngCore + CryptoRng>(
        &self,
        params: &CeremonyParameters,
        recipient_key: &RistrettoPoint,
        share: &EncryptedShare,
        rng: &mut R,
    ) -> Result<()> {
        self.check_form(params, share)?;
        let mut t = complaint_transcript(params, share);
        dleq::verify(
            &mut t,
            &self.statement(recipient_key, share),
            &self.proof,
            rng,
        )
        .map_err(|_| faulty(self.complainer, "invalid complaint proof"))
    }
}
