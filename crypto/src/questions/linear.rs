//! The linear answer shared by every linear question kind
//! (spec `protocol.md` §7).
//!
//! A linear question has `k` values `mⱼ`, each bounded `loⱼ ≤ mⱼ ≤ hiⱼ`, and
//! optionally a bounded sum `smin ≤ Σmⱼ ≤ smax`. The answer carries, per
//! value, the ciphertext `(Rⱼ, Cⱼ)`, the commitment `Vⱼ = mⱼG + sⱼH`, one
//! [`link`] proof and one aggregated [`range`] proof over the derived
//! statements of [`LinearConstraints::statements`]:
//!
//! | statement | derived commitment | value | blinding |
//! |---|---|---|---|
//! | `Lower(j)` | `Vⱼ − loⱼG` | `mⱼ − loⱼ` | `sⱼ` |
//! | `Upper(j)` | `hiⱼG − Vⱼ` | `hiⱼ − mⱼ` | `−sⱼ` |
//! | `SumLower` | `ΣV − smin·G` | `Σm − smin` | `Σs` |
//! | `SumUpper` | `smax·G − ΣV` | `smax − Σm` | `−Σs` |
//!
//! A statement implied by the others is left out (spec §7.2), which keeps
//! e.g. a one-of-ten choice at 12 statements instead of 22.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::elgamal::{Ciphertext, EncodedCiphertext, Randomness};
use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::generators::{g_table, h_table};
use crate::msm::Msm;
use crate::point::Point;
use crate::proofs::link::{self, LinkProof, LinkWitness};
use crate::proofs::range;
use crate::transcript::{labels, ProofContext, TranscriptExt};

/// Inclusive bounds `lo ≤ x ≤ hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Lower bound.
    pub lo: u64,
    /// Upper bound.
    pub hi: u64,
}

/// The public constraints of a linear question (spec §7.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinearConstraints {
    /// Bounds of each value.
    pub values: Vec<Bounds>,
    /// Bounds of the sum, if the question constrains it.
    pub sum: Option<Bounds>,
}

/// One range statement of a linear answer (spec §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statement {
    /// `mⱼ − loⱼ ≥ 0`.
    Lower(usize),
    /// `hiⱼ − mⱼ ≥ 0`.
    Upper(usize),
    /// `Σm − smin ≥ 0`.
    SumLower,
    /// `smax − Σm ≥ 0`.
    SumUpper,
}

/// Largest number of values of one linear question.
pub const MAX_VALUES: usize = 256;

impl LinearConstraints {
    /// Checks the constraints are well formed and supported.
    pub fn validate(&self) -> Result<()> {
        let k = self.values.len();
        if k == 0 || k > MAX_VALUES {
            return Err(CryptoError::Unsupported(format!("{k} values")));
        }
        let mut lo_sum: u64 = 0;
        let mut hi_sum: u64 = 0;
        for b in self.values.iter().chain(self.sum.iter()) {
            if b.lo > b.hi || b.hi > u32::MAX as u64 {
                return Err(CryptoError::Unsupported(format!(
                    "bounds {}..{}",
                    b.lo, b.hi
                )));
            }
        }
        for b in &self.values {
            lo_sum += b.lo;
            hi_sum += b.hi;
        }
        if let Some(s) = self.sum {
            if s.hi < lo_sum || s.lo > hi_sum {
                return Err(CryptoError::Unsupported(
                    "sum bounds admit no answer".into(),
                ));
            }
        }
        Ok(())
    }

    /// The range statements, in proof order, after leaving out the implied
    /// ones (spec §7.2): `Upper(j)` when `hiⱼ ≥ smax − Σ_{i≠j} loᵢ`;
    /// `SumLower` when `smin ≤ Σlo`; `SumUpper` when `smax ≥ Σhi`.
    pub fn statements(&self) -> Vec<Statement> {
        let lo_sum: u64 = self.values.iter().map(|b| b.lo).sum();
        let hi_sum: u64 = self.values.iter().map(|b| b.hi).sum();
        let mut out = Vec::with_capacity(2 * self.values.len() + 2);
        for (j, b) in self.values.iter().enumerate() {
            out.push(Statement::Lower(j));
            let implied = match self.sum {
                Some(s) => b.hi >= s.hi.saturating_sub(lo_sum - b.lo) && s.hi >= lo_sum,
                None => false,
            };
            if !implied {
                out.push(Statement::Upper(j));
            }
        }
        if let Some(s) = self.sum {
            if s.lo > lo_sum {
                out.push(Statement::SumLower);
            }
            if s.hi < hi_sum {
                out.push(Statement::SumUpper);
            }
        }
        out
    }

    /// The bit size of the range proof: the smallest supported `n` with
    /// every width `hi − lo` (values and sum) below `2ⁿ` (spec §7.2).
    pub fn bits(&self) -> usize {
        let w = self
            .values
            .iter()
            .chain(self.sum.iter())
            .map(|b| b.hi - b.lo)
            .max()
            .unwrap_or(0);
        range::bits_for(w)
    }

    /// True when `values` satisfies the constraints.
    pub fn admits(&self, values: &[u64]) -> bool {
        values.len() == self.values.len()
            && values
                .iter()
                .zip(&self.values)
                .all(|(m, b)| b.lo <= *m && *m <= b.hi)
            && self.sum.is_none_or(|s| {
                let total: u64 = values.iter().sum();
                s.lo <= total && total <= s.hi
            })
    }

    fn absorb(&self, t: &mut Transcript) {
        t.append_u64(b"values", self.values.len() as u64);
        for b in &self.values {
            t.append_u64(b"lo", b.lo);
            t.append_u64(b"hi", b.hi);
        }
        match self.sum {
            Some(s) => {
                t.append_u64(b"sum-constrained", 1);
                t.append_u64(b"smin", s.lo);
                t.append_u64(b"smax", s.hi);
            }
            None => t.append_u64(b"sum-constrained", 0),
        }
    }

    /// The derived commitments `Wᵢ` of the range statements (verifier side).
    /// `Lower(j)` with `loⱼ = 0` is `Vⱼ` itself and keeps its encoding; the
    /// others are compressed once here.
    pub fn derived_commitments(&self, v: &[Point]) -> Vec<Point> {
        let sum: RistrettoPoint = v.iter().map(|p| *p.point()).sum();
        let gm = crate::generators::small_multiple_of_g;
        self.statements()
            .into_iter()
            .map(|st| match st {
                Statement::Lower(j) if self.values[j].lo == 0 => v[j],
                Statement::Lower(j) => Point::new(*v[j] - gm(self.values[j].lo)),
                Statement::Upper(j) => Point::new(gm(self.values[j].hi) - *v[j]),
                Statement::SumLower => Point::new(sum - gm(self.sum.map_or(0, |s| s.lo))),
                Statement::SumUpper => Point::new(gm(self.sum.map_or(0, |s| s.hi)) - sum),
            })
            .collect()
    }

    /// The openings `(wᵢ, tᵢ)` of the range statements (prover side). Values
    /// outside the constraints wrap around, so the proof then fails.
    fn derived_openings(&self, m: &[u64], s: &[Scalar]) -> Vec<(u64, Scalar)> {
        let msum: u64 = m.iter().fold(0u64, |a, b| a.wrapping_add(*b));
        let ssum: Scalar = s.iter().sum();
        self.statements()
            .into_iter()
            .map(|st| match st {
                Statement::Lower(j) => (m[j].wrapping_sub(self.values[j].lo), s[j]),
                Statement::Upper(j) => (self.values[j].hi.wrapping_sub(m[j]), -s[j]),
                Statement::SumLower => (msum.wrapping_sub(self.sum.map_or(0, |b| b.lo)), ssum),
                Statement::SumUpper => (self.sum.map_or(0, |b| b.hi).wrapping_sub(msum), -ssum),
            })
            .collect()
    }
}

/// An encrypted linear answer with its validity proof (spec §7.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearAnswer {
    /// `(Rⱼ, Cⱼ)` per value.
    pub ciphertexts: Vec<EncodedCiphertext>,
    /// `Vⱼ = mⱼG + sⱼH` per value.
    pub commitments: Vec<Point>,
    /// The linking proof.
    pub link: LinkProof,
    /// The aggregated range proof (bulletproofs bytes).
    #[serde(with = "encoding::bytes")]
    pub range: Vec<u8>,
}

/// Everything that opens a [`LinearAnswer`]: published when a ballot is
/// audited (Benaloh), otherwise secret and zeroized on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[zeroize(drop)]
#[serde(deny_unknown_fields)]
pub struct LinearOpening {
    /// Plaintext values.
    pub values: Vec<u64>,
    /// ElGamal randomness per value.
    #[serde(with = "encoding::scalars")]
    pub r: Vec<Scalar>,
    /// Pedersen blinding per value.
    #[serde(with = "encoding::scalars")]
    pub s: Vec<Scalar>,
}

impl core::fmt::Debug for LinearOpening {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LinearOpening(<secret>)")
    }
}

fn statement_transcript(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    ciphertexts: &[EncodedCiphertext],
    commitments: &[Point],
) -> Transcript {
    let mut t = ctx.transcript(labels::LINEAR_ANSWER);
    cons.absorb(&mut t);
    for (ct, v) in ciphertexts.iter().zip(commitments) {
        t.append_point(b"R", &ct.r);
        t.append_point(b"C", &ct.c);
        t.append_point(b"V", v);
    }
    t
}

/// Encrypts `values` and proves the answer valid (spec §7.3, prover).
pub fn prove<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    values: &[u64],
    rng: &mut R,
) -> Result<(LinearAnswer, LinearOpening)> {
    cons.validate()?;
    if !cons.admits(values) {
        return Err(CryptoError::InvalidPlaintext(
            "the values do not satisfy the question's bounds".into(),
        ));
    }
    let r: Vec<Randomness> = values.iter().map(|_| Randomness::random(rng)).collect();
    let s: Vec<Scalar> = values.iter().map(|_| Scalar::random(rng)).collect();
    let answer = prove_with(ctx, cons, values, &r, &s, rng)?;
    let opening = LinearOpening {
        values: values.to_vec(),
        r: r.iter().map(|x| x.0).collect(),
        s,
    };
    Ok((answer, opening))
}

/// The prover with caller-chosen randomness. It does NOT check that the
/// values satisfy the constraints: with values outside them it produces a
/// proof that fails verification, which is how tests play a cheating prover.
pub fn prove_with<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    values: &[u64],
    r: &[Randomness],
    s: &[Scalar],
    rng: &mut R,
) -> Result<LinearAnswer> {
    let k = cons.values.len();
    if values.len() != k || r.len() != k || s.len() != k {
        return Err(CryptoError::Shape(format!("expected {k} values")));
    }
    let key = ctx.election_key;
    let ciphertexts: Vec<EncodedCiphertext> = values
        .iter()
        .zip(r)
        .map(|(m, r)| Ciphertext::encrypt_with(&key, &Scalar::from(*m), r).into())
        .collect();
    let commitments: Vec<Point> = values
        .iter()
        .zip(s)
        .map(|(m, s)| Point::new(g_table() * &Scalar::from(*m) + h_table() * s))
        .collect();
    let mut t = statement_transcript(ctx, cons, &ciphertexts, &commitments);
    let witnesses: Vec<LinkWitness<'_>> = values
        .iter()
        .zip(r)
        .zip(s)
        .map(|((m, r), s)| LinkWitness {
            m: Scalar::from(*m),
            r,
            s: *s,
        })
        .collect();
    let link = link::prove(&mut t, &key, &witnesses, rng);
    let openings = cons.derived_openings(values, s);
    // Out-of-range values wrap around in u64: the proof is then about
    // another commitment than the derived one and fails verification.
    let (range, _) = range::prove(&mut t, cons.bits(), &openings, rng)?;
    Ok(LinearAnswer {
        ciphertexts,
        commitments,
        link,
        range,
    })
}

/// Verifies a linear answer completely (spec §7.3, verifier).
pub fn verify<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    answer: &LinearAnswer,
    rng: &mut R,
) -> Result<()> {
    let mut msm = Msm::new();
    let mut t = verify_link_into(ctx, cons, answer, &mut msm, rng)?;
    if !msm.vartime_is_zero() {
        return Err(CryptoError::InvalidProof("link"));
    }
    let derived = cons.derived_commitments(&answer.commitments);
    range::verify(&mut t, cons.bits(), &derived, &answer.range, rng)
}

/// Adds every equation of the answer — linking and range — to `batch`
/// (spec protocol.md §5.4, §6.2); checked when the batch is evaluated.
pub fn verify_into_batch<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    answer: &LinearAnswer,
    batch: &mut crate::batch::Batch,
    rng: &mut R,
) -> Result<()> {
    check_shape(cons, answer)?;
    let mut t = statement_transcript(ctx, cons, &answer.ciphertexts, &answer.commitments);
    // Every Vⱼ is multiplied once: its linking coefficient plus those of
    // the derived commitments built on it (Lower: +Vⱼ − lo·G, Upper:
    // hi·G − Vⱼ, sums: ±ΣV ∓ s·G), which therefore never enter the batch.
    let mut v = vec![Scalar::ZERO; answer.commitments.len()];
    link::verify_into_folded(
        &mut t,
        &ctx.election_key,
        &answer.ciphertexts,
        &answer.link,
        batch.msm(),
        &mut v,
        rng,
    )?;
    let derived = cons.derived_commitments(&answer.commitments);
    let statements = cons.statements();
    let mut g = Scalar::ZERO;
    batch.add_range_folded(
        &mut t,
        cons.bits(),
        &derived,
        &answer.range,
        rng,
        &mut |j, s| match statements[j] {
            Statement::Lower(i) => {
                v[i] += s;
                if cons.values[i].lo != 0 {
                    g -= s * Scalar::from(cons.values[i].lo);
                }
            }
            Statement::Upper(i) => {
                v[i] -= s;
                g += s * Scalar::from(cons.values[i].hi);
            }
            Statement::SumLower => {
                v.iter_mut().for_each(|x| *x += s);
                g -= s * Scalar::from(cons.sum.map_or(0, |b| b.lo));
            }
            Statement::SumUpper => {
                v.iter_mut().for_each(|x| *x -= s);
                g += s * Scalar::from(cons.sum.map_or(0, |b| b.hi));
            }
        },
    )?;
    let msm = batch.msm();
    msm.add_g(g);
    for (s, p) in v.into_iter().zip(&answer.commitments) {
        msm.add(s, *p);
    }
    Ok(())
}

/// The reference verifier: the same checks as [`verify`], with each linking
/// equation evaluated on its own instead of in one random combination.
/// Batched verification is tested against it.
pub fn verify_reference<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    answer: &LinearAnswer,
    rng: &mut R,
) -> Result<()> {
    check_shape(cons, answer)?;
    let mut t = statement_transcript(ctx, cons, &answer.ciphertexts, &answer.commitments);
    link::vartime_verify_each(
        &mut t,
        &ctx.election_key,
        &answer.ciphertexts,
        &answer.commitments,
        &answer.link,
    )?;
    let derived = cons.derived_commitments(&answer.commitments);
    range::verify(&mut t, cons.bits(), &derived, &answer.range, rng)
}

fn check_shape(cons: &LinearConstraints, answer: &LinearAnswer) -> Result<()> {
    cons.validate()?;
    let k = cons.values.len();
    if answer.ciphertexts.len() != k || answer.commitments.len() != k {
        return Err(CryptoError::Shape(format!(
            "expected {k} ciphertexts and commitments, got {} and {}",
            answer.ciphertexts.len(),
            answer.commitments.len()
        )));
    }
    let forbidden = answer
        .ciphertexts
        .iter()
        .any(|c| c.r.is_identity() || c.c.is_identity())
        || answer.commitments.iter().any(|v| v.is_identity());
    if forbidden {
        return Err(crate::error::DecodeError::IdentityPoint.into());
    }
    Ok(())
}

/// Checks the answer's shape, replays its transcript and adds the linking
/// equations to `msm`; returns the transcript positioned for the range
/// proof. Used by [`verify`] and by batch verification.
pub fn verify_link_into<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    cons: &LinearConstraints,
    answer: &LinearAnswer,
    msm: &mut Msm,
    rng: &mut R,
) -> Result<Transcript> {
    check_shape(cons, answer)?;
    let mut t = statement_transcript(ctx, cons, &answer.ciphertexts, &answer.commitments);
    link::verify_into(
        &mut t,
        &ctx.election_key,
        &answer.ciphertexts,
        &answer.commitments,
        &answer.link,
        msm,
        rng,
    )?;
    Ok(t)
}

/// Checks that `opening` opens `answer` (an audited ballot, spec §7.4):
/// `R = rG`, `C = mG + rK`, `V = mG + sH` for every value, and the values
/// satisfy the constraints.
pub fn check_opening(
    key: &RistrettoPoint,
    cons: &LinearConstraints,
    answer: &LinearAnswer,
    opening: &LinearOpening,
) -> Result<()> {
    let k = cons.values.len();
    if opening.values.len() != k || opening.r.len() != k || opening.s.len() != k {
        return Err(CryptoError::Shape(
            "opening has the wrong number of values".into(),
        ));
    }
    if !cons.admits(&opening.values) {
        return Err(CryptoError::InvalidPlaintext(
            "opened values violate the bounds".into(),
        ));
    }
    for j in 0..k {
        let m = Scalar::from(opening.values[j]);
        let ct = Ciphertext::encrypt_with(key, &m, &Randomness(opening.r[j]));
        let v = g_table() * &m + h_table() * &opening.s[j];
        if answer
            .ciphertexts
            .get(j)
            .is_none_or(|c| c.ciphertext() != ct)
            || answer.commitments.get(j).is_none_or(|c| c != &v)
        {
            return Err(CryptoError::InvalidProof("opening"));
        }
    }
    Ok(())
}
