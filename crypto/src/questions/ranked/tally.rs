//! The encrypted pairwise matrix and the audit of an opened answer
//! (spec `ranked.md` §8–§9).
//!
//! The homomorphic sum of the counted answers, each scaled by its voter's
//! weight, is the encrypted matrix `N[a][b]` = weighted number of voters
//! ranking `a` strictly above `b`, one ciphertext per ordered pair in the
//! order of [`order::ordered_pairs`]. Decrypted, it is the input of
//! Schulze, Copeland and Borda (`crate::results::PairwiseMatrix`).

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use serde::{Deserialize, Serialize};

use super::order::{self, check_options, ordered_len, unordered_pairs, Tiers};
use super::{RankedAnswer, RankedOpening, RANGE_BITS};
use crate::elgamal::{Ciphertext, Randomness};
use crate::error::{CryptoError, Result};
use crate::generators::{g_table, h_table};

/// The encrypted pairwise matrix of a ranked question (spec §8). In JSON:
/// `{"options": n, "cells": [ciphertext per ordered pair]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawMatrix", into = "RawMatrix")]
pub struct EncryptedMatrix {
    options: usize,
    cells: Vec<Ciphertext>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    options: usize,
    cells: Vec<Ciphertext>,
}

impl TryFrom<RawMatrix> for EncryptedMatrix {
    type Error = CryptoError;
    fn try_from(raw: RawMatrix) -> Result<Self> {
        EncryptedMatrix::from_cells(raw.options, raw.cells)
    }
}

impl From<EncryptedMatrix> for RawMatrix {
    fn from(m: EncryptedMatrix) -> Self {
        RawMatrix {
            options: m.options,
            cells: m.cells,
        }
    }
}

impl EncryptedMatrix {
    /// The matrix of no ballots: every cell the neutral ciphertext.
    pub fn new(n: usize) -> Result<Self> {
        check_options(n)?;
        Ok(EncryptedMatrix {
            options: n,
            cells: vec![Ciphertext::zero(); ordered_len(n)],
        })
    }

    /// A matrix from its cells in ordered-pair order (checks the length).
    pub fn from_cells(n: usize, cells: Vec<Ciphertext>) -> Result<Self> {
        check_options(n)?;
        if cells.len() != ordered_len(n) {
            return Err(CryptoError::Shape(format!(
                "{} cells for {n} options, expected {}",
                cells.len(),
                ordered_len(n)
            )));
        }
        Ok(EncryptedMatrix { options: n, cells })
    }

    /// Number of options.
    pub fn options(&self) -> usize {
        self.options
    }

    /// The cells in ordered-pair order.
    pub fn cells(&self) -> &[Ciphertext] {
        &self.cells
    }

    /// The cell `N[a][b]`, `None` on the diagonal or out of range.
    pub fn get(&self, a: usize, b: usize) -> Option<&Ciphertext> {
        self.cells.get(order::ordered_index(self.options, a, b)?)
    }

    /// Adds one answer with weight `w`: `N[a][b] += w·Enc(d_ab)`. The
    /// answer must have been verified (spec §7); only its shape is checked
    /// here.
    pub fn add(&mut self, answer: &RankedAnswer, weight: u64) -> Result<()> {
        if answer.ciphertexts.len() != self.cells.len() {
            return Err(CryptoError::Shape(format!(
                "answer has {} ciphertexts, the matrix {} cells",
                answer.ciphertexts.len(),
                self.cells.len()
            )));
        }
        match weight {
            0 => {}
            1 => self
                .cells
                .iter_mut()
                .zip(&answer.ciphertexts)
                .for_each(|(n, c)| *n += c.ciphertext()),
            w => self
                .cells
                .iter_mut()
                .zip(&answer.ciphertexts)
                .for_each(|(n, c)| *n += c.ciphertext().scale(w)),
        }
        Ok(())
    }

    /// Adds another partial matrix of the same question (parallel tallies).
    pub fn merge(&mut self, other: &EncryptedMatrix) -> Result<()> {
        if other.options != self.options {
            return Err(CryptoError::Shape("matrices of different sizes".into()));
        }
        self.cells
            .iter_mut()
            .zip(&other.cells)
            .for_each(|(n, c)| *n += *c);
        Ok(())
    }
}

/// The rows `N[a][b]` (zero diagonal) of decrypted cells given in
/// ordered-pair order, ready for `crate::results::PairwiseMatrix::new`.
pub fn rows_from_cells(n: usize, cells: &[u64]) -> Result<Vec<Vec<u64>>> {
    check_options(n)?;
    if cells.len() != ordered_len(n) {
        return Err(CryptoError::Shape(format!(
            "{} cells for {n} options",
            cells.len()
        )));
    }
    let mut rows = vec![vec![0u64; n]; n];
    for ((a, b), v) in order::ordered_pairs(n).zip(cells) {
        rows[a][b] = *v;
    }
    Ok(rows)
}

/// Checks that `opening` opens `answer` (an audited ballot, spec §9):
/// `R = rG`, `C = dG + rK`, `D = dG + sH` for every ordered pair,
/// `P_a = r_aG + t_aH` for every option, every bit is 0 or 1, the bits form
/// a weak order and every range value `E1, E2` lies in `0..2⁸`. Returns the
/// canonical tiers. The proofs are checked separately by
/// [`super::verify`].
pub fn check_opening(
    key: &RistrettoPoint,
    n: usize,
    answer: &RankedAnswer,
    opening: &RankedOpening,
) -> Result<Tiers> {
    check_options(n)?;
    let k = ordered_len(n);
    let shapes = [
        answer.ciphertexts.len(),
        answer.commitments.len(),
        opening.bits.len(),
        opening.r.len(),
        opening.s.len(),
    ];
    if shapes.iter().any(|&l| l != k)
        || answer.ranks.len() != n
        || opening.ranks.len() != n
        || opening.t.len() != n
    {
        return Err(CryptoError::Shape(
            "opening or answer of the wrong shape".into(),
        ));
    }
    let tiers = order::tiers_from_bits(n, &opening.bits)?;
    for j in 0..k {
        let d = Scalar::from(opening.bits[j]);
        let ct = Ciphertext::encrypt_with(key, &d, &Randomness(opening.r[j]));
        let v = g_table() * &d + h_table() * &opening.s[j];
        if ct != answer.ciphertexts[j].ciphertext() || v != *answer.commitments[j] {
            return Err(CryptoError::InvalidProof("opening"));
        }
    }
    for a in 0..n {
        let p = g_table() * &Scalar::from(opening.ranks[a]) + h_table() * &opening.t[a];
        if p != *answer.ranks[a] {
            return Err(CryptoError::InvalidProof("opening"));
        }
    }
    let (nn, d, r) = (n as i128, &opening.bits, &opening.ranks);
    let bound = 1i128 << RANGE_BITS;
    for p in unordered_pairs(n) {
        let delta = i128::from(r[p.b]) - i128::from(r[p.a]);
        let e1 = delta - i128::from(d[p.ab]) + nn * i128::from(d[p.ba]);
        let e2 = -delta - i128::from(d[p.ba]) + nn * i128::from(d[p.ab]);
        if !(0..bound).contains(&e1) || !(0..bound).contains(&e2) {
            return Err(CryptoError::InvalidPlaintext(format!(
                "helper ranks of options {} and {} do not fit their bits",
                p.a, p.b
            )));
        }
    }
    Ok(tiers)
}
