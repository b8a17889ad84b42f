//! Random-linear-combination checks (spec `protocol.md` §5.4).
//!
//! A sigma-proof verification equation has the form `Σ aᵢ·Pᵢ = 0`. To check
//! many such equations at once, the verifier multiplies equation `e` by an
//! independent random weight `ρₑ` and checks `Σₑ ρₑ·(Σ aₑᵢ·Pₑᵢ) = 0` with one
//! variable-time multiscalar multiplication. A false equation survives with
//! probability at most `1/ℓ` per weight. The coefficients of the shared bases
//! `G` and `H` are summed into one scalar each, so each appears once.
//!
//! Per-proof verification is a [`Msm`] with the equations of one proof; a
//! batch is one [`Msm`] with the equations of many. The two share every line
//! of equation-building code.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use rand_core::{CryptoRng, RngCore};

use crate::generators::{g, h};

/// An accumulated multiscalar equation `g·G + h·H + Σ sᵢ·Pᵢ = 0`.
#[derive(Default, Clone)]
pub struct Msm {
    g: Scalar,
    h: Scalar,
    scalars: Vec<Scalar>,
    points: Vec<RistrettoPoint>,
}

impl Msm {
    /// An empty equation (which holds).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `s·G`.
    pub fn add_g(&mut self, s: Scalar) {
        self.g += s;
    }

    /// Adds `s·H`.
    pub fn add_h(&mut self, s: Scalar) {
        self.h += s;
    }

    /// Adds `s·P`.
    pub fn add(&mut self, s: Scalar, p: impl Into<RistrettoPoint>) {
        self.scalars.push(s);
        self.points.push(p.into());
    }

    /// Number of variable points so far.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True when no variable point was added.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Appends all terms of `other`.
    pub fn extend(&mut self, other: Msm) {
        self.g += other.g;
        self.h += other.h;
        self.scalars.extend(other.scalars);
        self.points.extend(other.points);
    }

    /// The variable terms and the summed coefficients of `G` and `H`:
    /// `(scalars, (g, h, points))`.
    pub fn parts(&self) -> (&[Scalar], (Scalar, Scalar, &[RistrettoPoint])) {
        (&self.scalars, (self.g, self.h, &self.points))
    }

    /// Evaluates the equation (variable time: all inputs are public).
    pub fn vartime_is_zero(&self) -> bool {
        let sum = RistrettoPoint::vartime_multiscalar_mul(
            self.scalars.iter().chain([&self.g, &self.h]),
            self.points.iter().chain([&g(), &h()]),
        );
        sum.is_identity()
    }
}

/// A fresh random weight for one equation.
pub fn random_weight<R: RngCore + CryptoRng>(rng: &mut R) -> Scalar {
    Scalar::random(rng)
}
