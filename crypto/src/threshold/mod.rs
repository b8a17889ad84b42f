//! Threshold key ceremony and verifiable decryption (spec `threshold.md`).
//!
//! `n` trustees, indexed `1..=n`, run a Feldman/Pedersen verifiable secret
//! sharing (as in ElectionGuard) so that any `t` of them can decrypt and no
//! `t − 1` of them learn anything:
//!
//! 1. every trustee publishes a [`TrusteeAnnouncement`]: its share-encryption
//!    key `Pᵢ` with a Schnorr proof (§5.1);
//! 2. every dealer publishes [`DealerCommitments`] `Aᵢₖ = aᵢₖG` to its random
//!    polynomial of degree `t − 1`, each with a Schnorr proof (§5.2), and an
//!    [`EncryptedShare`] of `fᵢ(j)` to every other trustee `j` (§5.3, §6);
//! 3. a recipient whose share does not decrypt or does not match the
//!    commitments publishes a [`Complaint`] revealing the Diffie–Hellman
//!    point with a Chaum–Pedersen proof; anyone adjudicates it (§7);
//! 4. [`CeremonyRecord::derive`] — what the verifier runs — returns the
//!    qualified set `Q`, the joint key `K = Σ_{i∈Q} Aᵢ₀` and every trustee's
//!    verification key `Xⱼ = Σ_{i∈Q} Σₖ jᵏ·Aᵢₖ` (§8); each trustee keeps its
//!    share `xⱼ = Σ_{i∈Q} fᵢ(j)` in a zeroizing [`TrusteeShare`] (§9);
//! 5. decryption: [`TrusteeShare::decrypt`] publishes `Dⱼ = xⱼR` per
//!    ciphertext with a Chaum–Pedersen proof (§10), and [`combine`] checks
//!    the shares, names every invalid one, and interpolates any `t` valid
//!    ones at 0: `M = C − Σ λⱼDⱼ` (§11); [`crate::dlog`] turns `M = mG` into
//!    `m` (§12).
//!
//! The session type of one trustee, holding its secrets between the phases,
//! is [`TrusteeSession`].

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_COMPRESSED;
use merlin::Transcript;
use serde::{Deserialize, Serialize};

use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::transcript::PROTOCOL_LABEL;

pub mod ceremony;
pub mod decryption;
pub mod lagrange;
pub mod messages;
pub mod polynomial;
pub mod share_encryption;
pub mod trustee;

pub use ceremony::{
    CeremonyOutcome, CeremonyRecord, ComplaintRejection, Disqualification, DisqualificationReason,
    RejectedComplaint,
};
pub use decryption::{
    combine, verify_decryption_share, verify_decryption_share_into, Combination, DecryptionShare,
    PartialDecryption, RejectedShare, ShareRejection,
};
pub use messages::{Complaint, DealerCommitments, EncryptedShare, TrusteeAnnouncement};
pub use trustee::{TrusteeSession, TrusteeShare};

/// The format version of every threshold message (spec §2). Decoders accept
/// any number; verification refuses versions it does not know.
pub const SPEC_VERSION: u32 = 1;

/// Largest number of trustees `n` (spec §2).
pub const MAX_TRUSTEES: u32 = 255;

/// The public parameters of one key ceremony (spec §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyParameters {
    /// Format version, [`SPEC_VERSION`].
    pub spec_version: u32,
    /// Unique id of this ceremony (32 bytes, chosen by the election officer,
    /// never reused).
    #[serde(with = "encoding::bytes32")]
    pub ceremony_id: [u8; 32],
    /// Number of trustees `n`.
    pub trustees: u32,
    /// Threshold `t`: any `t` trustees decrypt, `t − 1` learn nothing.
    pub threshold: u32,
}

impl CeremonyParameters {
    /// Parameters for `1 ≤ t ≤ n ≤` [`MAX_TRUSTEES`].
    pub fn new(ceremony_id: [u8; 32], trustees: u32, threshold: u32) -> Result<Self> {
        let p = CeremonyParameters {
            spec_version: SPEC_VERSION,
            ceremony_id,
            trustees,
            threshold,
        };
        p.validate()?;
        Ok(p)
    }

    /// Checks the version and `1 ≤ t ≤ n ≤` [`MAX_TRUSTEES`] (spec §2).
    pub fn validate(&self) -> Result<()> {
        check_version(self.spec_version)?;
        if self.threshold == 0 || self.threshold > self.trustees || self.trustees > MAX_TRUSTEES {
            return Err(CryptoError::Unsupported(format!(
                "{}-of-{} threshold",
                self.threshold, self.trustees
            )));
        }
        Ok(())
    }

    /// True when `i` is a trustee index, `1 ≤ i ≤ n`.
    pub fn is_trustee(&self, i: u32) -> bool {
        (1..=self.trustees).contains(&i)
    }

    /// The ceremony prefix of every ceremony transcript (spec §3.1).
    pub(crate) fn transcript(&self, proof_label: &'static [u8]) -> Transcript {
        let mut t = Transcript::new(PROTOCOL_LABEL);
        t.append_message(b"proof", proof_label);
        t.append_message(b"ceremony", &self.ceremony_id);
        t.append_u64(b"trustees", u64::from(self.trustees));
        t.append_u64(b"threshold", u64::from(self.threshold));
        t.append_message(b"G", RISTRETTO_BASEPOINT_COMPRESSED.as_bytes());
        t
    }
}

/// Refuses a `spec_version` this code does not know (spec §2).
pub(crate) fn check_version(v: u32) -> Result<()> {
    if v == SPEC_VERSION {
        Ok(())
    } else {
        Err(crate::error::DecodeError::UnknownVersion(v).into())
    }
}
