//! Derivation of the ceremony's outcome from its public record (spec §7, §8):
//! what every trustee and the verifier (verification step 2) run.

use std::collections::BTreeMap;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::traits::{Identity, IsIdentity};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::messages::{
    check_envelope, Complaint, DealerCommitments, EncryptedShare, TrusteeAnnouncement,
};
use super::polynomial::{share_matches, vartime_eval_commitments};
use super::share_encryption::open_share;
use super::{CeremonyParameters, SPEC_VERSION};
use crate::encoding;
use crate::error::{CryptoError, Result};

/// All public messages of one ceremony, as published (spec §5.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyRecord {
    /// The ceremony's parameters.
    pub parameters: CeremonyParameters,
    /// Phase 1: one per trustee.
    pub announcements: Vec<TrusteeAnnouncement>,
    /// Phase 2: one per dealer.
    pub commitments: Vec<DealerCommitments>,
    /// Phase 2: one per ordered pair (dealer, recipient), dealer ≠ recipient.
    pub shares: Vec<EncryptedShare>,
    /// Phase 3: any number.
    pub complaints: Vec<Complaint>,
}

/// Why a dealer is not in the qualified set `Q` (spec §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisqualificationReason {
    /// No [`DealerCommitments`] from the dealer.
    MissingCommitments,
    /// Two messages where one is allowed (commitments, or shares to `party`).
    Equivocation,
    /// Commitments of the wrong count or ceremony, or an invalid proof.
    InvalidCommitments,
    /// No share to `party`.
    MissingShare,
    /// A share message of the wrong ceremony, length or recipient.
    MalformedShare,
    /// `party` complained and the complaint is valid.
    ValidComplaint,
}

/// A dealer excluded from `Q`, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disqualification {
    /// The dealer `i`.
    pub dealer: u32,
    /// The reason.
    pub reason: DisqualificationReason,
    /// The recipient or complainer the reason refers to, if any.
    pub party: Option<u32>,
}

/// Why a complaint was rejected (spec §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintRejection {
    /// Of another ceremony, or about the complainer's own polynomial.
    Malformed,
    /// The Chaum–Pedersen proof of `S` does not verify.
    InvalidProof,
    /// The share decrypts and matches the commitments: a false complaint.
    ShareValid,
}

/// A rejected complaint; the complainer is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectedComplaint {
    /// The complainer `j`, at fault.
    pub complainer: u32,
    /// The dealer it accused.
    pub dealer: u32,
    /// Why it was rejected.
    pub reason: ComplaintRejection,
}

/// The result of a key ceremony (spec §8): joint key, qualified dealers and
/// every trustee's verification key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeremonyOutcome {
    /// Format version.
    pub spec_version: u32,
    /// The ceremony's parameters.
    pub parameters: CeremonyParameters,
    /// The joint election key `K = Σ_{i∈Q} Aᵢ₀`.
    #[serde(with = "encoding::point")]
    pub joint_key: RistrettoPoint,
    /// The qualified dealers `Q`, ascending.
    pub qualified: Vec<u32>,
    /// `[X₁, …, Xₙ]`, `Xⱼ = Σ_{i∈Q} Σₖ jᵏ·Aᵢₖ = xⱼG`.
    #[serde(with = "encoding::elements")]
    pub verification_keys: Vec<RistrettoPoint>,
    /// Dealers not in `Q`, ascending by dealer.
    pub disqualified: Vec<Disqualification>,
    /// Complaints rejected, by (dealer, complainer).
    pub rejected_complaints: Vec<RejectedComplaint>,
}

impl CeremonyOutcome {
    /// The threshold `t`.
    pub fn threshold(&self) -> u32 {
        self.parameters.threshold
    }

    /// Trustee `j`'s verification key `Xⱼ`, if `j` is a trustee.
    pub fn verification_key(&self, j: u32) -> Option<&RistrettoPoint> {
        if self.parameters.is_trustee(j) {
            self.verification_keys.get(j as usize - 1)
        } else {
            None
        }
    }
}

/// The verdict on a complaint (spec §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The complaint is valid: the dealer is at fault.
    DealerFaulty,
    /// The complaint is rejected: the complainer is at fault.
    Rejected(ComplaintRejection),
}

/// Adjudicates `complaint` against `share` (spec §7.2): checks the proof of
/// `S` under the complainer's key `recipient_key`, opens the share with `S`
/// and checks it against the dealer's (verified) commitments.
pub fn adjudicate<R: RngCore + CryptoRng>(
    params: &CeremonyParameters,
    recipient_key: &RistrettoPoint,
    commitments: &DealerCommitments,
    share: &EncryptedShare,
    complaint: &Complaint,
    rng: &mut R,
) -> Verdict {
    if complaint.check_form(params, share).is_err() || commitments.dealer != share.dealer {
        return Verdict::Rejected(ComplaintRejection::Malformed);
    }
    if complaint
        .verify_proof(params, recipient_key, share, rng)
        .is_err()
    {
        return Verdict::Rejected(ComplaintRejection::InvalidProof);
    }
    match open_share(share, recipient_key, &complaint.shared_secret) {
        Some(s) if share_matches(&commitments.commitments, share.recipient, &s) => {
            Verdict::Rejected(ComplaintRejection::ShareValid)
        }
        _ => Verdict::DealerFaulty,
    }
}

/// Byte-identical repeats of a message count once (spec §8 step 1).
fn push_distinct<'a, T: PartialEq>(list: &mut Vec<&'a T>, item: &'a T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn disqualify(
    map: &mut BTreeMap<u32, Disqualification>,
    dealer: u32,
    reason: DisqualificationReason,
    party: Option<u32>,
) {
    map.entry(dealer).or_insert(Disqualification {
        dealer,
        reason,
        party,
    });
}

impl CeremonyRecord {
    /// The ceremony's outcome from its public record alone (spec §8).
    ///
    /// Hard errors: invalid parameters, an unknown `spec_version`, an index
    /// outside `1..=n`, a missing, duplicate or invalid trustee announcement
    /// ([`CryptoError::FaultyTrustee`] names the trustee), fewer than `t`
    /// qualified dealers ([`CryptoError::ThresholdNotMet`]). Faulty dealers
    /// are excluded and faulty complainers named in the outcome.
    pub fn derive<R: RngCore + CryptoRng>(&self, rng: &mut R) -> Result<CeremonyOutcome> {
        let params = &self.parameters;
        params.validate()?;
        let n = params.trustees;
        let keys = verify_announcements(params, &self.announcements, rng)?;
        let mut disq = BTreeMap::new();

        // Step 3: one valid commitment message per dealer.
        let mut by_dealer: BTreeMap<u32, Vec<&DealerCommitments>> = BTreeMap::new();
        for c in &self.commitments {
            check_envelope(params, c.spec_version, c.dealer)?;
            push_distinct(by_dealer.entry(c.dealer).or_default(), c);
        }
        for i in 1..=n {
            match by_dealer.get(&i).map(Vec::as_slice) {
                None => disqualify(
                    &mut disq,
                    i,
                    DisqualificationReason::MissingCommitments,
                    None,
                ),
                Some([c]) => {
                    if c.verify(params, rng).is_err() {
                        disqualify(
                            &mut disq,
                            i,
                            DisqualificationReason::InvalidCommitments,
                            None,
                        );
                    }
                }
                Some(_) => disqualify(&mut disq, i, DisqualificationReason::Equivocation, None),
            }
        }

        // Step 4: one well-formed share from every dealer to every other trustee.
        let mut by_pair: BTreeMap<(u32, u32), Vec<&EncryptedShare>> = BTreeMap::new();
        for s in &self.shares {
            check_envelope(params, s.spec_version, s.dealer)?;
            if s.check_form(params).is_err() {
                disqualify(
                    &mut disq,
                    s.dealer,
                    DisqualificationReason::MalformedShare,
                    None,
                );
            } else {
                push_distinct(by_pair.entry((s.dealer, s.recipient)).or_default(), s);
            }
        }
        for i in 1..=n {
            for j in (1..=n).filter(|&j| j != i) {
                match by_pair.get(&(i, j)).map(Vec::len) {
                    None => disqualify(&mut disq, i, DisqualificationReason::MissingShare, Some(j)),
                    Some(1) => {}
                    Some(_) => {
                        disqualify(&mut disq, i, DisqualificationReason::Equivocation, Some(j))
                    }
                }
            }
        }

        // Step 5: adjudicate every complaint against a dealer still standing.
        let standing: Vec<bool> = (0..=n).map(|i| i > 0 && !disq.contains_key(&i)).collect();
        let mut complaints: Vec<&Complaint> = self.complaints.iter().collect();
        for c in &complaints {
            check_envelope(params, c.spec_version, c.complainer)?;
            check_envelope(params, c.spec_version, c.dealer)?;
        }
        complaints.sort_by_key(|c| (c.dealer, c.complainer));
        let mut rejected = Vec::new();
        for c in complaints
            .into_iter()
            .filter(|c| standing[c.dealer as usize])
        {
            let share = by_pair
                .get(&(c.dealer, c.complainer))
                .and_then(|v| v.first());
            let commitments = by_dealer.get(&c.dealer).and_then(|v| v.first());
            let verdict = match (share, commitments) {
                (Some(share), Some(commitments)) => {
                    let key = &keys[c.complainer as usize - 1];
                    adjudicate(params, key, commitments, share, c, rng)
                }
                _ => Verdict::Rejected(ComplaintRejection::Malformed),
            };
            match verdict {
                Verdict::DealerFaulty => disqualify(
                    &mut disq,
                    c.dealer,
                    DisqualificationReason::ValidComplaint,
                    Some(c.complainer),
                ),
                Verdict::Rejected(reason) => rejected.push(RejectedComplaint {
                    complainer: c.complainer,
                    dealer: c.dealer,
                    reason,
                }),
            }
        }

        // Step 6: Q, K and the verification keys.
        let qualified: Vec<u32> = (1..=n).filter(|i| !disq.contains_key(i)).collect();
        if qualified.len() < params.threshold as usize {
            return Err(CryptoError::ThresholdNotMet {
                needed: params.threshold,
                got: qualified.len() as u32,
            });
        }
        let mut aggregate = vec![RistrettoPoint::identity(); params.threshold as usize];
        for i in &qualified {
            if let Some([c]) = by_dealer.get(i).map(Vec::as_slice) {
                for (acc, a) in aggregate.iter_mut().zip(&c.commitments) {
                    *acc += a;
                }
            }
        }
        let joint_key = aggregate[0];
        if joint_key.is_identity() {
            return Err(CryptoError::Shape("joint key is the identity".into()));
        }
        Ok(CeremonyOutcome {
            spec_version: SPEC_VERSION,
            parameters: *params,
            joint_key,
            qualified,
            verification_keys: (1..=n)
                .map(|j| vartime_eval_commitments(&aggregate, j))
                .collect(),
            disqualified: disq.into_values().collect(),
            rejected_complaints: rejected,
        })
    }
}

/// Checks that every trustee `1..=n` announced exactly once with a valid
/// proof (spec §8 step 2) and returns `[P₁, …, Pₙ]`.
pub fn verify_announcements<R: RngCore + CryptoRng>(
    params: &CeremonyParameters,
    announcements: &[TrusteeAnnouncement],
    rng: &mut R,
) -> Result<Vec<RistrettoPoint>> {
    let mut keys: Vec<Option<RistrettoPoint>> = vec![None; params.trustees as usize];
    for a in announcements {
        a.verify(params, rng)?;
        let slot = &mut keys[a.trustee as usize - 1];
        if slot.is_some_and(|k| k != a.encryption_key) {
            return Err(CryptoError::FaultyTrustee {
                index: a.trustee,
                reason: "duplicate announcement",
            });
        }
        *slot = Some(a.encryption_key);
    }
    (1..=params.trustees)
        .zip(keys)
        .map(|(j, k)| {
            k.ok_or(CryptoError::FaultyTrustee {
                index: j,
                reason: "missing announcement",
            })
        })
        .collect()
}
