//! Secret sharing polynomials and their Feldman commitments (spec §5.2, §7.1).
//!
//! Dealer `i` holds `fᵢ(X) = aᵢ₀ + aᵢ₁X + … + aᵢ,ₜ₋₁Xᵗ⁻¹` with uniformly random
//! coefficients and publishes `Aᵢₖ = aᵢₖG`. Trustee `j`'s share of it is
//! `fᵢ(j)`, and anyone can compute `fᵢ(j)·G = Σₖ jᵏ·Aᵢₖ` from the
//! commitments.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::generators::g_table;

/// A secret polynomial of degree `t − 1`, zeroized on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Polynomial {
    coefficients: Vec<Scalar>,
}

impl core::fmt::Debug for Polynomial {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Polynomial(<secret>)")
    }
}

impl Polynomial {
    /// A uniformly random polynomial with `threshold` coefficients.
    pub fn random<R: RngCore + CryptoRng>(threshold: u32, rng: &mut R) -> Self {
        Polynomial {
            coefficients: (0..threshold).map(|_| Scalar::random(rng)).collect(),
        }
    }

    /// The polynomial with these coefficients `a₀, a₁, …` (tests, restore).
    pub fn from_coefficients(coefficients: Vec<Scalar>) -> Self {
        Polynomial { coefficients }
    }

    /// The coefficients `a₀, a₁, …` (secret).
    pub fn coefficients(&self) -> &[Scalar] {
        &self.coefficients
    }

    /// Number of coefficients, `t`.
    pub fn len(&self) -> usize {
        self.coefficients.len()
    }

    /// True for the empty polynomial.
    pub fn is_empty(&self) -> bool {
        self.coefficients.is_empty()
    }

    /// `f(j)` by Horner's rule (constant time in the coefficients).
    pub fn evaluate(&self, j: u32) -> Scalar {
        let x = Scalar::from(j);
        self.coefficients
            .iter()
            .rev()
            .fold(Scalar::ZERO, |acc, a| acc * x + a)
    }

    /// The Feldman commitments `Aₖ = aₖG`.
    pub fn commitments(&self) -> Vec<RistrettoPoint> {
        self.coefficients.iter().map(|a| g_table() * a).collect()
    }
}

/// `Σₖ jᵏ·Cₖ` for public points `Cₖ` (variable time): `f(j)·G` when `Cₖ`
/// commit to the coefficients of `f` (spec §7.1, §8).
pub fn vartime_eval_commitments(commitments: &[RistrettoPoint], j: u32) -> RistrettoPoint {
    let x = Scalar::from(j);
    let mut power = Scalar::ONE;
    let powers: Vec<Scalar> = commitments
        .iter()
        .map(|_| {
            let p = power;
            power *= x;
            p
        })
        .collect();
    RistrettoPoint::vartime_multiscalar_mul(&powers, commitments)
}

/// Checks a received share against the dealer's commitments:
/// `share·G == Σₖ jᵏ·Aₖ` (spec §7.1). The share is secret, but the answer
/// is published (as a complaint or its absence), so only the comparison's
/// result leaves this function.
pub fn share_matches(commitments: &[RistrettoPoint], j: u32, share: &Scalar) -> bool {
    g_table() * share == vartime_eval_commitments(commitments, j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn evaluation_matches_commitments() {
        let f = Polynomial::random(3, &mut OsRng);
        let a = f.commitments();
        for j in 1..6 {
            assert!(share_matches(&a, j, &f.evaluate(j)));
            assert!(!share_matches(&a, j, &(f.evaluate(j) + Scalar::ONE)));
        }
        let c = f.coefficients();
        let x = Scalar::from(5u32);
        assert_eq!(f.evaluate(5), c[0] + c[1] * x + c[2] * x * x);
        assert_eq!(format!("{f:?}"), "Polynomial(<secret>)");
    }
}
