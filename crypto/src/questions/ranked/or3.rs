//! Three-way CDS OR proof: a pair of Pedersen commitments opens to
//! `(0,0)`, `(1,0)` or `(0,1)` (spec `ranked.md` §5.3).
//!
//! Statement, per pair `i`: `(D₁, D₂)`. Branch `j ∈ {0, 1, 2}` has the
//! public offsets `(x_j, y_j) = (0,0), (1,0), (0,1)` and claims knowledge of
//! `s₁, s₂` with
//!
//! ```text
//! X_j = D₁ − x_j·G = s₁H,   Y_j = D₂ − y_j·G = s₂H.
//! ```
//!
//! Prover (real branch `k`, constant time in `k`): for every branch draw
//! `c'_j, z₁'_j, z₂'_j`, then set `c'_k = 0` by conditional selection and
//! commit `A₁_j = z₁'_j·H − c'_j·X_j`, `A₂_j = z₂'_j·H − c'_j·Y_j` (for
//! `k` these are plain nonce commitments). After the transcript challenge
//! `c`: `c_k = c − Σ_j c'_j`, `c_j = c'_j` otherwise, and
//! `z_j = z'_j + c_j·[j = k]·s`. The proof carries `A₁_j, A₂_j, z₁_j, z₂_j`
//! for the three branches and `c₀, c₁`; the verifier derives
//! `c₂ = c − c₀ − c₁` and checks, for every branch,
//!
//! ```text
//! z₁_j·H = A₁_j + c_j·X_j,   z₂_j·H = A₂_j + c_j·Y_j.
//! ```
//!
//! One challenge serves every pair of a question, as the linking proof's
//! does. The six equations per pair go into an [`Msm`] with independent
//! weights, so a batch verifier runs exactly this code.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::encoding;
use crate::error::{CryptoError, Result};
use crate::generators::{g, h_table};
use crate::msm::{random_weight, Msm};
use crate::point::Point;
use crate::transcript::TranscriptExt;

/// The branches' openings `(x_j, y_j)`, in branch order.
pub const BRANCHES: [(u8, u8); 3] = [(0, 0), (1, 0), (0, 1)];

/// One branch of an [`Or3Proof`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Or3Branch {
    /// `A₁ = z₁H − c·X`.
    pub a1: Point,
    /// `A₂ = z₂H − c·Y`.
    pub a2: Point,
    /// `z₁`.
    #[serde(with = "encoding::scalar")]
    pub z1: Scalar,
    /// `z₂`.
    #[serde(with = "encoding::scalar")]
    pub z2: Scalar,
}

/// The OR proof of one pair: three branches and two of their challenges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Or3Proof {
    /// Branches `(0,0)`, `(1,0)`, `(0,1)`.
    pub branches: [Or3Branch; 3],
    /// Challenge of branch 0.
    #[serde(with = "encoding::scalar")]
    pub c0: Scalar,
    /// Challenge of branch 1 (branch 2's is `c − c₀ − c₁`).
    #[serde(with = "encoding::scalar")]
    pub c1: Scalar,
}

/// The secret side of one pair: the real branch and the two blindings.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct Or3Witness {
    /// Index of the real branch in [`BRANCHES`]. A value that is not a
    /// branch (or a branch the commitments do not open to) yields a proof
    /// that fails, which is how tests play a cheating prover.
    pub branch: u8,
    /// Blinding of `D₁`.
    pub s1: Scalar,
    /// Blinding of `D₂`.
    pub s2: Scalar,
}

impl core::fmt::Debug for Or3Witness {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Or3Witness(<secret>)")
    }
}

/// The branch whose offsets equal `(x, y)`, in constant time; 0 when
/// `(x, y)` is no branch (the resulting proof then fails).
pub fn branch_of(x: &Scalar, y: &Scalar) -> u8 {
    let mut k = 0u8;
    for (j, (bx, by)) in BRANCHES.iter().enumerate() {
        let hit = x.ct_eq(&Scalar::from(*bx)) & y.ct_eq(&Scalar::from(*by));
        k.conditional_assign(&(j as u8), hit);
    }
    k
}

fn offsets(d1: &RistrettoPoint, d2: &RistrettoPoint) -> [(RistrettoPoint, RistrettoPoint); 3] {
    let g = g();
    BRANCHES.map(|(x, y)| {
        (
            if x == 1 { d1 - g } else { *d1 },
            if y == 1 { d2 - g } else { *d2 },
        )
    })
}

fn absorb(t: &mut Transcript, proofs: &[[(Point, Point); 3]]) {
    t.append_u64(b"or-count", proofs.len() as u64);
    for branches in proofs {
        for (a1, a2) in branches {
            t.append_point(b"or-A1", a1);
            t.append_point(b"or-A2", a2);
        }
    }
}

/// The prover's draws for one branch: real (1) or simulated (0), `c'`,
/// `z₁'`, `z₂'`.
type Draw = (u8, Scalar, Scalar, Scalar);

/// Proves every pair. The transcript must already hold the context, the
/// statement and the earlier sub-proofs (spec §5.3).
pub fn prove<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    statements: &[(RistrettoPoint, RistrettoPoint)],
    witnesses: &[Or3Witness],
    rng: &mut R,
) -> Result<Vec<Or3Proof>> {
    if statements.len() != witnesses.len() {
        return Err(CryptoError::Shape(format!(
            "{} OR statements for {} witnesses",
            statements.len(),
            witnesses.len()
        )));
    }
    let mut nonce_rng = {
        let mut b = t.build_rng();
        for w in witnesses {
            b = b
                .rekey_with_witness_bytes(b"or-branch", &[w.branch])
                .rekey_with_witness_bytes(b"or-s1", w.s1.as_bytes())
                .rekey_with_witness_bytes(b"or-s2", w.s2.as_bytes());
        }
        b.finalize(rng)
    };
    // Per pair and branch: (real?, c', z₁', z₂'), zeroized on drop.
    let mut pre: Zeroizing<Vec<[Draw; 3]>> = Zeroizing::new(Vec::with_capacity(witnesses.len()));
    let mut commitments = Vec::with_capacity(witnesses.len());
    for ((d1, d2), w) in statements.iter().zip(witnesses) {
        let xy = offsets(d1, d2);
        let mut row = [(0u8, Scalar::ZERO, Scalar::ZERO, Scalar::ZERO); 3];
        let mut comm = [(Point::new(*d1), Point::new(*d2)); 3];
        for (j, ((x, y), slot)) in xy.iter().zip(row.iter_mut()).enumerate() {
            let real = w.branch.ct_eq(&(j as u8));
            let c =
                Scalar::conditional_select(&Scalar::random(&mut nonce_rng), &Scalar::ZERO, real);
            let z1 = Scalar::random(&mut nonce_rng);
            let z2 = Scalar::random(&mut nonce_rng);
            comm[j] = (
                Point::new(h_table() * &z1 - x * c),
                Point::new(h_table() * &z2 - y * c),
            );
            *slot = (real.unwrap_u8(), c, z1, z2);
        }
        pre.push(row);
        row.zeroize();
        commitments.push(comm);
    }
    absorb(t, &commitments);
    let c = t.challenge_scalar(b"or-challenge");
    let proofs = pre
        .iter()
        .zip(&commitments)
        .zip(witnesses)
        .map(|((row, comm), w)| {
            let c_real = c - row.iter().map(|r| r.1).sum::<Scalar>();
            let mut cs = [Scalar::ZERO; 3];
            let branches = [0, 1, 2].map(|j| {
                let (real, c_sim, z1, z2) = row[j];
                let real = subtle::Choice::from(real);
                let cj = Scalar::conditional_select(&c_sim, &c_real, real);
                cs[j] = cj;
                let s1 = Scalar::conditional_select(&Scalar::ZERO, &w.s1, real);
                let s2 = Scalar::conditional_select(&Scalar::ZERO, &w.s2, real);
                Or3Branch {
                    a1: comm[j].0,
                    a2: comm[j].1,
                    z1: z1 + cj * s1,
                    z2: z2 + cj * s2,
                }
            });
            Or3Proof {
                branches,
                c0: cs[0],
                c1: cs[1],
            }
        })
        .collect();
    Ok(proofs)
}

/// Replays the transcript and adds the `6` equations of every pair, each
/// with its own random weight, to `msm` (spec §5.3, verifier). The
/// equations are checked when `msm` is evaluated.
pub fn verify_into<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    statements: &[(RistrettoPoint, RistrettoPoint)],
    proofs: &[Or3Proof],
    msm: &mut Msm,
    rng: &mut R,
) -> Result<()> {
    let ks = verify_folded(t, statements.len(), proofs, msm, rng)?;
    for ((d1, d2), (k1, k2)) in statements.iter().zip(ks) {
        msm.add(k1, *d1);
        msm.add(k2, *d2);
    }
    Ok(())
}

/// [`verify_into`] for `pairs` statements that are not handed over: the
/// coefficients `(k₁, k₂)` of each pair's `D₁`, `D₂` are returned instead
/// of multiplied, so that a caller holding `D₁`, `D₂` in its batch already
/// adds them onto those points' coefficients.
pub fn verify_folded<R: RngCore + CryptoRng>(
    t: &mut Transcript,
    pairs: usize,
    proofs: &[Or3Proof],
    msm: &mut Msm,
    rng: &mut R,
) -> Result<Vec<(Scalar, Scalar)>> {
    if pairs != proofs.len() {
        return Err(CryptoError::Shape(format!(
            "{} OR proofs for {pairs} pairs",
            proofs.len(),
        )));
    }
    let identity = proofs
        .iter()
        .flat_map(|p| p.branches.iter())
        .any(|b| b.a1.is_identity() || b.a2.is_identity());
    if identity {
        return Err(CryptoError::InvalidProof("or"));
    }
    let commitments: Vec<_> = proofs
        .iter()
        .map(|p| p.branches.clone().map(|b| (b.a1, b.a2)))
        .collect();
    absorb(t, &commitments);
    let c = t.challenge_scalar(b"or-challenge");
    let mut out = Vec::with_capacity(pairs);
    for p in proofs {
        let cs = [p.c0, p.c1, c - p.c0 - p.c1];
        let (mut k1, mut k2, mut kg, mut kh) =
            (Scalar::ZERO, Scalar::ZERO, Scalar::ZERO, Scalar::ZERO);
        for ((b, cj), (x, y)) in p.branches.iter().zip(cs).zip(BRANCHES) {
            let (w1, w2) = (random_weight(rng), random_weight(rng));
            // w1·(z₁H − A₁ − c(D₁ − xG)) + w2·(z₂H − A₂ − c(D₂ − yG))
            kh += w1 * b.z1 + w2 * b.z2;
            msm.add(-w1, b.a1);
            msm.add(-w2, b.a2);
            k1 -= w1 * cj;
            k2 -= w2 * cj;
            kg += cj * (w1 * Scalar::from(x) + w2 * Scalar::from(y));
        }
        msm.add_g(kg);
        msm.add_h(kh);
        out.push((k1, k2));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::h;
    use rand_core::OsRng;

    fn commit(x: Scalar, s: Scalar) -> RistrettoPoint {
        g() * x + h() * s
    }

    fn run(pairs: &[(Scalar, Scalar)], branches: &[u8]) -> bool {
        let blinds: Vec<(Scalar, Scalar)> = pairs
            .iter()
            .map(|_| (Scalar::random(&mut OsRng), Scalar::random(&mut OsRng)))
            .collect();
        let st: Vec<_> = pairs
            .iter()
            .zip(&blinds)
            .map(|((x, y), (s1, s2))| (commit(*x, *s1), commit(*y, *s2)))
            .collect();
        let ws: Vec<Or3Witness> = blinds
            .iter()
            .zip(branches)
            .map(|((s1, s2), k)| Or3Witness {
                branch: *k,
                s1: *s1,
                s2: *s2,
            })
            .collect();
        let proofs = prove(&mut Transcript::new(b"or3"), &st, &ws, &mut OsRng).unwrap();
        let mut msm = Msm::new();
        verify_into(
            &mut Transcript::new(b"or3"),
            &st,
            &proofs,
            &mut msm,
            &mut OsRng,
        )
        .unwrap();
        msm.vartime_is_zero()
    }

    #[test]
    fn every_branch_proves_and_wrong_values_fail() {
        let (z, o) = (Scalar::ZERO, Scalar::ONE);
        assert!(run(&[(z, z), (o, z), (z, o)], &[0, 1, 2]));
        for (x, y) in [
            (o, o),
            (Scalar::from(2u8), z),
            (o.invert() * Scalar::from(2u8).invert(), z),
        ] {
            for k in 0..4 {
                assert!(!run(&[(z, z), (x, y)], &[0, k]));
            }
        }
        // A right pair proved on the wrong branch fails too.
        assert!(!run(&[(o, z)], &[2]));
        assert_eq!(branch_of(&o, &z), 1);
        assert_eq!(branch_of(&z, &o), 2);
        assert_eq!(branch_of(&o, &o), 0);
    }

    #[test]
    fn shapes_and_identity_are_refused() {
        let st = vec![(g(), h())];
        let w = vec![Or3Witness {
            branch: 1,
            s1: Scalar::ZERO,
            s2: Scalar::ONE,
        }];
        let mut proofs = prove(&mut Transcript::new(b"x"), &st, &w, &mut OsRng).unwrap();
        let mut msm = Msm::new();
        assert!(verify_into(&mut Transcript::new(b"x"), &st, &[], &mut msm, &mut OsRng).is_err());
        proofs[0].branches[2].a2 = Point::new(RistrettoPoint::default());
        assert!(verify_into(
            &mut Transcript::new(b"x"),
            &st,
            &proofs,
            &mut msm,
            &mut OsRng
        )
        .is_err());
        assert!(prove(&mut Transcript::new(b"x"), &st, &[], &mut OsRng).is_err());
    }
}
