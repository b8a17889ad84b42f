//! Verifiable decryption shares and their combination (spec §10, §11).
//!
//! Trustee `j` publishes, for every ciphertext `(R, C)` of the tally,
//! `Dⱼ = xⱼR` with a Chaum–Pedersen proof that `log_G Xⱼ = log_R Dⱼ`,
//! bound to the election, `K`, `j` and the ciphertext (transcript §3.5).
//! Any `t` valid shares give `M = C − Σ_{j∈S} λⱼDⱼ = mG`.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::ceremony::CeremonyOutcome;
use super::lagrange::lagrange_at_zero;
use super::trustee::TrusteeShare;
use super::{check_version, SPEC_VERSION};
use crate::dlog::DlogTable;
use crate::elgamal::Ciphertext;
use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::msm::Msm;
use crate::proofs::dleq::{self, DleqProof, DleqStatement, StatementBytes};
use crate::transcript::{labels, PROTOCOL_LABEL};

/// One value's decryption share `D = xⱼR` and its proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialDecryption {
    /// `D = xⱼR` (the identity when `R` is).
    #[serde(with = "encoding::element")]
    pub share: RistrettoPoint,
    /// Chaum–Pedersen proof of `log_G Xⱼ = log_R D`.
    pub proof: DleqProof,
}

/// Trustee `j`'s decryption shares for a list of ciphertexts (spec §10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionShare {
    /// Format version.
    pub spec_version: u32,
    /// The election id.
    #[serde(with = "encoding::bytes32")]
    pub election_id: [u8; 32],
    /// The trustee `j`.
    pub trustee: u32,
    /// One per ciphertext, in the ciphertexts' order.
    pub values: Vec<PartialDecryption>,
}

/// The transcript of one value's proof up to its Chaum–Pedersen part
/// (spec §3.5).
pub fn decryption_transcript(
    election_id: &[u8; 32],
    joint_key: &RistrettoPoint,
    trustee: u32,
    ct: &Ciphertext,
) -> Transcript {
    transcript_encoded(
        election_id,
        &joint_key.compress(),
        trustee,
        &ct.c.compress(),
    )
}

fn transcript_encoded(
    election_id: &[u8; 32],
    k: &CompressedRistretto,
    trustee: u32,
    c: &CompressedRistretto,
) -> Transcript {
    let mut t = Transcript::new(PROTOCOL_LABEL);
    t.append_message(b"proof", labels::DECRYPTION_SHARE);
    t.append_message(b"election", election_id);
    t.append_message(b"K", k.as_bytes());
    t.append_u64(b"trustee", u64::from(trustee));
    t.append_message(b"C", c.as_bytes());
    t
}

/// The encodings shared by every trustee's share of one tally, compressed
/// once: `enc(K)` and `(enc(R), enc(C))` per ciphertext.
struct TallyBytes {
    k: CompressedRistretto,
    cts: Vec<(CompressedRistretto, CompressedRistretto)>,
}

impl TallyBytes {
    fn new(joint_key: &RistrettoPoint, ciphertexts: &[Ciphertext]) -> Self {
        TallyBytes {
            k: joint_key.compress(),
            cts: ciphertexts
                .iter()
                .map(|ct| (ct.r.compress(), ct.c.compress()))
                .collect(),
        }
    }
}

impl TrusteeShare {
    /// Decrypts every ciphertext share-wise with proofs (spec §10). `D = xⱼR`
    /// is constant time in `xⱼ`.
    pub fn decrypt<R: RngCore + CryptoRng>(
        &self,
        election_id: &[u8; 32],
        ciphertexts: &[Ciphertext],
        rng: &mut R,
    ) -> DecryptionShare {
        let tally = TallyBytes::new(self.joint_key(), ciphertexts);
        let x_bytes = self.verification_key().compress();
        let values = ciphertexts
            .iter()
            .zip(&tally.cts)
            .map(|(ct, (r_bytes, c_bytes))| {
                let statement = DleqStatement {
                    x: *self.verification_key(),
                    a: ct.r,
                    d: ct.r * self.secret(),
                };
                let bytes = StatementBytes {
                    x: x_bytes,
                    a: *r_bytes,
                    d: statement.d.compress(),
                };
                let mut t = transcript_encoded(election_id, &tally.k, self.index(), c_bytes);
                PartialDecryption {
                    share: statement.d,
                    proof: dleq::prove_encoded(&mut t, self.secret(), &statement, &bytes, rng),
                }
            })
            .collect();
        DecryptionShare {
            spec_version: SPEC_VERSION,
            election_id: *election_id,
            trustee: self.index(),
            values,
        }
    }
}

/// Checks the form of `share` and adds every value's two equations to `msm`
/// (spec §10, verifier). `verification_key` is `Xⱼ` of `share.trustee`.
/// Errors (version, election, count) name the trustee.
pub fn verify_decryption_share_into<R: RngCore + CryptoRng>(
    election_id: &[u8; 32],
    joint_key: &RistrettoPoint,
    verification_key: &RistrettoPoint,
    ciphertexts: &[Ciphertext],
    share: &DecryptionShare,
    msm: &mut Msm,
    rng: &mut R,
) -> Result<()> {
    let tally = TallyBytes::new(joint_key, ciphertexts);
    share_into(
        election_id,
        &tally,
        verification_key,
        ciphertexts,
        share,
        msm,
        rng,
    )
}

fn share_into<R: RngCore + CryptoRng>(
    election_id: &[u8; 32],
    tally: &TallyBytes,
    verification_key: &RistrettoPoint,
    ciphertexts: &[Ciphertext],
    share: &DecryptionShare,
    msm: &mut Msm,
    rng: &mut R,
) -> Result<()> {
    check_version(share.spec_version)?;
    let faulty = |reason| CryptoError::FaultyTrustee {
        index: share.trustee,
        reason,
    };
    if &share.election_id != election_id {
        return Err(faulty("decryption share of another election"));
    }
    if share.values.len() != ciphertexts.len() || tally.cts.len() != ciphertexts.len() {
        return Err(faulty("wrong number of decryption shares"));
    }
    let x_bytes = verification_key.compress();
    for ((ct, (r_bytes, c_bytes)), v) in ciphertexts.iter().zip(&tally.cts).zip(&share.values) {
        let statement = DleqStatement {
            x: *verification_key,
            a: ct.r,
            d: v.share,
        };
        let bytes = StatementBytes {
            x: x_bytes,
            a: *r_bytes,
            d: v.share.compress(),
        };
        let mut t = transcript_encoded(election_id, &tally.k, share.trustee, c_bytes);
        dleq::verify_into_encoded(&mut t, &statement, &bytes, &v.proof, msm, rng);
    }
    Ok(())
}

/// Verifies one trustee's decryption shares on their own.
pub fn verify_decryption_share<R: RngCore + CryptoRng>(
    election_id: &[u8; 32],
    joint_key: &RistrettoPoint,
    verification_key: &RistrettoPoint,
    ciphertexts: &[Ciphertext],
    share: &DecryptionShare,
    rng: &mut R,
) -> Result<()> {
    let mut msm = Msm::new();
    verify_decryption_share_into(
        election_id,
        joint_key,
        verification_key,
        ciphertexts,
        share,
        &mut msm,
        rng,
    )?;
    if msm.vartime_is_zero() {
        Ok(())
    } else {
        Err(CryptoError::FaultyTrustee {
            index: share.trustee,
            reason: "invalid decryption-share proof",
        })
    }
}

/// Why a decryption share was not used (spec §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareRejection {
    /// Not a trustee index of the ceremony.
    UnknownTrustee,
    /// A later share from a trustee that already has one in the list.
    Duplicate,
    /// Unknown version, another election, or the wrong number of values.
    Malformed,
    /// A proof does not verify.
    InvalidProof,
}

/// A decryption share not used, naming its trustee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectedShare {
    /// The trustee the share claims to be from.
    pub trustee: u32,
    /// Why it was rejected.
    pub reason: ShareRejection,
}

/// The combined decryption (spec §11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Combination {
    /// `Mᵥ = mᵥG` per ciphertext.
    #[serde(with = "encoding::elements")]
    pub plaintexts: Vec<RistrettoPoint>,
    /// The trustees whose shares were interpolated (the `t` smallest valid).
    pub used: Vec<u32>,
    /// Every share that was not valid.
    pub rejected: Vec<RejectedShare>,
}

impl Combination {
    /// The totals `mᵥ` by bounded discrete log (spec §12; variable time).
    pub fn vartime_totals(&self, table: &DlogTable) -> Result<Vec<u64>> {
        self.plaintexts
            .iter()
            .map(|m| table.vartime_solve(m))
            .collect()
    }
}

/// Verifies every share (one batch, then one by one to name the faulty
/// trustees if the batch fails), rejects the invalid ones, and combines the
/// `t` valid shares of the smallest indices (spec §11). Fails with
/// [`CryptoError::ThresholdNotMet`] when fewer than `t` are valid.
pub fn combine<R: RngCore + CryptoRng>(
    outcome: &CeremonyOutcome,
    election_id: &[u8; 32],
    ciphertexts: &[Ciphertext],
    shares: &[DecryptionShare],
    rng: &mut R,
) -> Result<Combination> {
    outcome.parameters.validate()?;
    if outcome.verification_keys.len() != outcome.parameters.trustees as usize {
        return Err(CryptoError::Shape(
            "outcome without every verification key".into(),
        ));
    }
    let tally = TallyBytes::new(&outcome.joint_key, ciphertexts);
    let mut rejected = Vec::new();
    let mut seen = Vec::new();
    let mut candidates: Vec<(&DecryptionShare, Msm)> = Vec::new();
    for share in shares {
        let reason = if seen.contains(&share.trustee) {
            Some(ShareRejection::Duplicate)
        } else if let Some(x) = outcome.verification_key(share.trustee) {
            seen.push(share.trustee);
            let mut msm = Msm::new();
            match share_into(election_id, &tally, x, ciphertexts, share, &mut msm, rng) {
                Ok(()) => {
                    candidates.push((share, msm));
                    None
                }
                Err(_) => Some(ShareRejection::Malformed),
            }
        } else {
            Some(ShareRejection::UnknownTrustee)
        };
        if let Some(reason) = reason {
            rejected.push(RejectedShare {
                trustee: share.trustee,
                reason,
            });
        }
    }
    let mut batch = Msm::new();
    for (_, msm) in &candidates {
        batch.extend(msm.clone());
    }
    let mut valid: Vec<&DecryptionShare> = Vec::with_capacity(candidates.len());
    if batch.vartime_is_zero() {
        valid.extend(candidates.iter().map(|(s, _)| *s));
    } else {
        for (share, msm) in &candidates {
            if msm.vartime_is_zero() {
                valid.push(share);
            } else {
                rejected.push(RejectedShare {
                    trustee: share.trustee,
                    reason: ShareRejection::InvalidProof,
                });
            }
        }
    }
    let t = outcome.threshold() as usize;
    if valid.len() < t {
        return Err(CryptoError::ThresholdNotMet {
            needed: outcome.threshold(),
            got: valid.len() as u32,
        });
    }
    valid.sort_by_key(|s| s.trustee);
    valid.truncate(t);
    let used: Vec<u32> = valid.iter().map(|s| s.trustee).collect();
    let lambdas = lagrange_at_zero(&used)?;
    let mut scalars: Vec<Scalar> = vec![Scalar::ONE];
    scalars.extend(lambdas.iter().map(|l| -l));
    let plaintexts = ciphertexts
        .iter()
        .enumerate()
        .map(|(v, ct)| {
            let points = core::iter::once(ct.c).chain(valid.iter().map(|s| s.values[v].share));
            RistrettoPoint::vartime_multiscalar_mul(&scalars, points)
        })
        .collect();
    rejected.sort_by_key(|r| r.trustee);
    Ok(Combination {
        plaintexts,
        used,
        rejected,
    })
}
