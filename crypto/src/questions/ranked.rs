//! Ranked answers: an encrypted pairwise matrix with a linear validity proof
//! (spec `ranked.md`).
//!
//! A ranked question over `n` options (`2 ≤ n ≤ 20`) is answered with a
//! weak order (see [`order`]). The answer carries, for every ordered pair
//! `(a, b)` in the order of [`order::ordered_pairs`], the exponential-ElGamal
//! ciphertext of the bit `d_ab = [a strictly above b]` and its Pedersen
//! commitment `D_ab = d_ab·G + s_ab·H`, and for every option `a` a hidden
//! helper rank `P_a = r_a·G + t_a·H`. The validity proof runs on one
//! transcript (spec §5):
//!
//! 1. statement: context, `n`, every `(R, C, D)`, every `P`;
//! 2. [`link`]: each ciphertext and its `D` hide the same value;
//! 3. [`or3`]: per unordered pair `a < b`, `(D_ab, D_ba)` opens to `(0,0)`,
//!    `(1,0)` or `(0,1)`;
//! 4. [`range`]: one aggregated 8-bit range proof over, per unordered pair,
//!    with `δ = r_b − r_a`,
//!
//! | statement | derived commitment | value |
//! |---|---|---|
//! | `E1` | `P_b − P_a − D_ab + n·D_ba` | `δ − d_ab + n·d_ba` |
//! | `E2` | `P_a − P_b − D_ba + n·D_ab` | `−δ − d_ba + n·d_ab` |
//!
//! Together they force the bits to be those of a weak order (spec §6).

pub mod or3;
pub mod order;
pub mod tally;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity};
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::elgamal::{Ciphertext, EncodedCiphertext, Randomness};
use crate::encoding;
use crate::error::{CryptoError, DecodeError, Result};
use crate::generators::{g_table, h_table};
use crate::msm::Msm;
use crate::point::Point;
use crate::proofs::link::{self, LinkProof, LinkWitness};
use crate::proofs::range;
use crate::transcript::{labels, ProofContext, TranscriptExt};

use or3::{Or3Proof, Or3Witness};
use order::{check_options, ordered_len, unordered_len, unordered_pairs, Tiers};

pub use tally::{check_opening, EncryptedMatrix};

/// Bit size of the range proof (spec §5.4): every honest `E` lies in
/// `0..=n−1 ≤ 19 < 2⁸`.
pub const RANGE_BITS: usize = 8;

/// An encrypted ranked answer with its validity proof (spec §4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedAnswer {
    /// `(R_ab, C_ab)` per ordered pair, encrypting `d_ab`.
    pub ciphertexts: Vec<EncodedCiphertext>,
    /// `D_ab = d_ab·G + s_ab·H` per ordered pair.
    pub commitments: Vec<Point>,
    /// `P_a = r_a·G + t_a·H` per option.
    pub ranks: Vec<Point>,
    /// The linking proof over the ordered pairs.
    pub link: LinkProof,
    /// One OR proof per unordered pair.
    pub or: Vec<Or3Proof>,
    /// The aggregated range proof (bulletproofs bytes).
    #[serde(with = "encoding::bytes")]
    pub range: Vec<u8>,
}

/// Everything that opens a [`RankedAnswer`]: published when a ballot is
/// audited (Benaloh), otherwise secret and zeroized on drop (spec §8).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[zeroize(drop)]
#[serde(deny_unknown_fields)]
pub struct RankedOpening {
    /// `d_ab` per ordered pair.
    pub bits: Vec<u64>,
    /// ElGamal randomness per ordered pair.
    #[serde(with = "encoding::scalars")]
    pub r: Vec<Scalar>,
    /// Pedersen blinding of `D_ab` per ordered pair.
    #[serde(with = "encoding::scalars")]
    pub s: Vec<Scalar>,
    /// Helper rank `r_a` per option.
    pub ranks: Vec<u64>,
    /// Pedersen blinding of `P_a` per option.
    #[serde(with = "encoding::scalars")]
    pub t: Vec<Scalar>,
}

impl core::fmt::Debug for RankedOpening {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RankedOpening(<secret>)")
    }
}

impl RankedOpening {
    /// The canonical tiers of the opened bits (fails unless they are a weak
    /// order over `n` options).
    pub fn tiers(&self, n: usize) -> Result<Tiers> {
        order::tiers_from_bits(n, &self.bits)
    }
}

fn statement_transcript(
    ctx: &ProofContext,
    n: usize,
    ciphertexts: &[EncodedCiphertext],
    commitments: &[Point],
    ranks: &[Point],
) -> Transcript {
    let mut t = ctx.transcript(labels::RANKED_ANSWER);
    t.append_u64(b"options", n as u64);
    for (ct, d) in ciphertexts.iter().zip(commitments) {
        t.append_point(b"R", &ct.r);
        t.append_point(b"C", &ct.c);
        t.append_point(b"D", d);
    }
    for p in ranks {
        t.append_point(b"P", p);
    }
    t
}

/// The `(D_ab, D_ba)` of every unordered pair: the OR statements.
fn or_statements(n: usize, d: &[Point]) -> Vec<(RistrettoPoint, RistrettoPoint)> {
    unordered_pairs(n).map(|p| (*d[p.ab], *d[p.ba])).collect()
}

/// `k·P` for a small public `k` by double-and-add (variable time).
fn mul_small(p: &RistrettoPoint, k: u64) -> RistrettoPoint {
    let mut acc = RistrettoPoint::identity();
    for i in (0..u64::BITS - k.leading_zeros()).rev() {
        acc += acc;
        if (k >> i) & 1 == 1 {
            acc += p;
        }
    }
    acc
}

/// The derived commitments of the range statements, `E1, E2` per unordered
/// pair in order (spec §5.4, verifier side), each compressed once here (the
/// transcript absorbs their encodings). Fails unless `commitments` has
/// `n(n−1)` entries and `ranks` has `n`.
pub fn derived_commitments(n: usize, commitments: &[Point], ranks: &[Point]) -> Result<Vec<Point>> {
    check_options(n)?;
    if commitments.len() != ordered_len(n) || ranks.len() != n {
        return Err(CryptoError::Shape(
            "ranked commitments of the wrong length".into(),
        ));
    }
    let nd: Vec<RistrettoPoint> = commitments.iter().map(|d| mul_small(d, n as u64)).collect();
    let mut out = Vec::with_capacity(ordered_len(n));
    for p in unordered_pairs(n) {
        let q = *ranks[p.b] - *ranks[p.a];
        out.push(Point::new(q - *commitments[p.ab] + nd[p.ba]));
        out.push(Point::new(-q - *commitments[p.ba] + nd[p.ab]));
    }
    Ok(out)
}

/// The openings `(E, u)` of the range statements (prover side). A value
/// that is not below `2⁸` is wrapped to its low 8 bits: the proof is then
/// about another commitment than the derived one and fails.
fn derived_openings(
    n: usize,
    bits: &[Scalar],
    s: &[Scalar],
    ranks: &[Scalar],
    t: &[Scalar],
) -> Vec<(u64, Scalar)> {
    let nn = Scalar::from(n as u64);
    let wrap = |e: Scalar| {
        let mut low = [0u8; 8];
        low.copy_from_slice(&e.as_bytes()[..8]);
        u64::from_le_bytes(low) & ((1u64 << RANGE_BITS) - 1)
    };
    let mut out = Vec::with_capacity(ordered_len(n));
    for p in unordered_pairs(n) {
        let delta = ranks[p.b] - ranks[p.a];
        let tau = t[p.b] - t[p.a];
        let e1 = delta - bits[p.ab] + nn * bits[p.ba];
        let e2 = -delta - bits[p.ba] + nn * bits[p.ab];
        out.push((wrap(e1), tau - s[p.ab] + nn * s[p.ba]));
        out.push((wrap(e2), -tau - s[p.ba] + nn * s[p.ab]));
    }
    out
}

/// Encrypts the weak order `tiers` over `n` options and proves the answer
/// valid (spec §5, prover). The helper ranks are the tier indices.
pub fn prove<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    n: usize,
    tiers: &[Vec<usize>],
    rng: &mut R,
) -> Result<(RankedAnswer, RankedOpening)> {
    let ranks = order::ranks_from_tiers(n, tiers)?;
    let bits = order::bits_from_ranks(n, &ranks);
    let k = ordered_len(n);
    let r: Vec<Randomness> = (0..k).map(|_| Randomness::random(rng)).collect();
    let s: Vec<Scalar> = (0..k).map(|_| Scalar::random(rng)).collect();
    let t: Vec<Scalar> = (0..n).map(|_| Scalar::random(rng)).collect();
    let bit_scalars: Zeroizing<Vec<Scalar>> =
        Zeroizing::new(bits.iter().map(|&d| Scalar::from(d)).collect());
    let rank_scalars: Zeroizing<Vec<Scalar>> =
        Zeroizing::new(ranks.iter().map(|&x| Scalar::from(x)).collect());
    let answer = prove_with(ctx, n, &bit_scalars, &rank_scalars, &r, &s, &t, rng)?;
    let opening = RankedOpening {
        bits,
        r: r.iter().map(|x| x.0).collect(),
        s,
        ranks,
        t,
    };
    Ok((answer, opening))
}

/// The prover with caller-chosen values and randomness. It does NOT check
/// that `bits` come from a weak order nor that `ranks` fit them: with bad
/// values it produces a proof that fails verification (an OR branch that
/// cannot be satisfied is simulated like the others, a range value out of
/// range is wrapped), which is how tests play a cheating prover. Only the
/// lengths are checked.
#[allow(clippy::too_many_arguments)]
pub fn prove_with<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    n: usize,
    bits: &[Scalar],
    ranks: &[Scalar],
    r: &[Randomness],
    s: &[Scalar],
    t: &[Scalar],
    rng: &mut R,
) -> Result<RankedAnswer> {
    check_options(n)?;
    let k = ordered_len(n);
    if bits.len() != k || r.len() != k || s.len() != k || ranks.len() != n || t.len() != n {
        return Err(CryptoError::Shape(format!(
            "expected {k} bits, randomness and blindings and {n} ranks and rank blindings"
        )));
    }
    let key = ctx.election_key;
    let ciphertexts: Vec<EncodedCiphertext> = bits
        .iter()
        .zip(r)
        .map(|(d, r)| Ciphertext::encrypt_with(&key, d, r).into())
        .collect();
    let commit = |x: &Scalar, b: &Scalar| Point::new(g_table() * x + h_table() * b);
    let commitments: Vec<Point> = bits.iter().zip(s).map(|(d, b)| commit(d, b)).collect();
    let rank_points: Vec<Point> = ranks.iter().zip(t).map(|(x, b)| commit(x, b)).collect();
    let mut tr = statement_transcript(ctx, n, &ciphertexts, &commitments, &rank_points);
    let witnesses: Vec<LinkWitness<'_>> = bits
        .iter()
        .zip(r)
        .zip(s)
        .map(|((d, r), s)| LinkWitness { m: *d, r, s: *s })
        .collect();
    let link = link::prove(&mut tr, &key, &witnesses, rng);
    let or_witnesses: Vec<Or3Witness> = unordered_pairs(n)
        .map(|p| Or3Witness {
            branch: or3::branch_of(&bits[p.ab], &bits[p.ba]),
            s1: s[p.ab],
            s2: s[p.ba],
        })
        .collect();
    let or = or3::prove(&mut tr, &or_statements(n, &commitments), &or_witnesses, rng)?;
    let openings = Zeroizing::new(derived_openings(n, bits, s, ranks, t));
    let (range, _) = range::prove(&mut tr, RANGE_BITS, &openings, rng)?;
    Ok(RankedAnswer {
        ciphertexts,
        commitments,
        ranks: rank_points,
        link,
        or,
        range,
    })
}

/// The lengths of every part of the answer for `n` options, and no
/// identity among its points.
fn check_shape(n: usize, answer: &RankedAnswer) -> Result<()> {
    check_options(n)?;
    let k = ordered_len(n);
    if answer.ciphertexts.len() != k
        || answer.commitments.len() != k
        || answer.ranks.len() != n
        || answer.or.len() != unordered_len(n)
    {
        return Err(CryptoError::Shape(format!(
            "a ranked answer over {n} options has {k} ciphertexts and commitments, \
             {n} ranks and {} OR proofs",
            unordered_len(n)
        )));
    }
    let forbidden = answer
        .ciphertexts
        .iter()
        .any(|c| c.r.is_identity() || c.c.is_identity())
        || answer
            .commitments
            .iter()
            .chain(&answer.ranks)
            .any(|p| p.is_identity());
    if forbidden {
        return Err(DecodeError::IdentityPoint.into());
    }
    Ok(())
}

/// The sigma-proof equations of one answer, kept apart so that per-proof
/// verification can say which proof failed.
struct SigmaEquations {
    link: Msm,
    or: Msm,
    transcript: Transcript,
}

fn sigma_equations<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    n: usize,
    answer: &RankedAnswer,
    rng: &mut R,
) -> Result<SigmaEquations> {
    check_shape(n, answer)?;
    let mut transcript = statement_transcript(
        ctx,
        n,
        &answer.ciphertexts,
        &answer.commitments,
        &answer.ranks,
    );
    let mut link_msm = Msm::new();
    link::verify_into(
        &mut transcript,
        &ctx.election_key,
        &answer.ciphertexts,
        &answer.commitments,
        &answer.link,
        &mut link_msm,
        rng,
    )?;
    let mut or_msm = Msm::new();
    let statements = or_statements(n, &answer.commitments);
    or3::verify_into(&mut transcript, &statements, &answer.or, &mut or_msm, rng)?;
    Ok(SigmaEquations {
        link: link_msm,
        or: or_msm,
        transcript,
    })
}

/// Checks the answer's shape, replays its transcript and adds the linking
/// and OR equations to `msm`; returns the transcript positioned for the
/// range proof, whose statements are [`derived_commitments`]. Used by
/// [`verify`] and by batch verification (spec §7).
pub fn verify_into<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    n: usize,
    answer: &RankedAnswer,
    msm: &mut Msm,
    rng: &mut R,
) -> Result<Transcript> {
    let eq = sigma_equations(ctx, n, answer, rng)?;
    msm.extend(eq.link);
    msm.extend(eq.or);
    Ok(eq.transcript)
}

/// Adds every equation of the answer — linking, OR and range — to `batch`
/// (spec §7, protocol.md §5.4); checked when the batch is evaluated.
///
/// Each `D_ab` and `P_a` is multiplied once: the linking, OR and range
/// coefficients of `D_ab` are summed, and each derived range commitment
/// `E1 = (P_b − P_a) − D_ab + n·D_ba`, `E2 = −(P_b − P_a) − D_ba + n·D_ab`
/// adds its coefficient onto the points it is made of instead of entering
/// the batch itself.
pub fn verify_into_batch<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    n: usize,
    answer: &RankedAnswer,
    batch: &mut crate::batch::Batch,
    rng: &mut R,
) -> Result<()> {
    check_shape(n, answer)?;
    let mut t = statement_transcript(
        ctx,
        n,
        &answer.ciphertexts,
        &answer.commitments,
        &answer.ranks,
    );
    let mut d = vec![Scalar::ZERO; answer.commitments.len()];
    link::verify_into_folded(
        &mut t,
        &ctx.election_key,
        &answer.ciphertexts,
        &answer.link,
        batch.msm(),
        &mut d,
        rng,
    )?;
    let pairs: Vec<_> = unordered_pairs(n).collect();
    let ks = or3::verify_folded(&mut t, pairs.len(), &answer.or, batch.msm(), rng)?;
    for (p, (k1, k2)) in pairs.iter().zip(ks) {
        d[p.ab] += k1;
        d[p.ba] += k2;
    }
    let derived = derived_commitments(n, &answer.commitments, &answer.ranks)?;
    let mut ranks = vec![Scalar::ZERO; n];
    let nn = Scalar::from(n as u64);
    batch.add_range_folded(
        &mut t,
        RANGE_BITS,
        &derived,
        &answer.range,
        rng,
        &mut |j, s| {
            let p = &pairs[j / 2];
            let (first, second) = if j % 2 == 0 {
                (p.ab, p.ba)
            } else {
                (p.ba, p.ab)
            };
            let sign = if j % 2 == 0 { s } else { -s };
            ranks[p.b] += sign;
            ranks[p.a] -= sign;
            d[first] -= s;
            d[second] += nn * s;
        },
    )?;
    let msm = batch.msm();
    for (s, p) in d.into_iter().zip(&answer.commitments) {
        msm.add(s, *p);
    }
    for (s, p) in ranks.into_iter().zip(&answer.ranks) {
        msm.add(s, *p);
    }
    Ok(())
}

/// Verifies a ranked answer completely (spec §7): shape, linking proof, OR
/// proofs, range proof.
pub fn verify<R: RngCore + CryptoRng>(
    ctx: &ProofContext,
    n: usize,
    answer: &RankedAnswer,
    rng: &mut R,
) -> Result<()> {
    let mut eq = sigma_equations(ctx, n, answer, rng)?;
    if !eq.link.vartime_is_zero() {
        return Err(CryptoError::InvalidProof("link"));
    }
    if !eq.or.vartime_is_zero() {
        return Err(CryptoError::InvalidProof("or"));
    }
    let derived = derived_commitments(n, &answer.commitments, &answer.ranks)?;
    range::verify(&mut eq.transcript, RANGE_BITS, &derived, &answer.range, rng)
}
