//! Lagrange coefficients at 0 (spec §11).
//!
//! For a set `S` of distinct non-zero indices, `λⱼ = Π_{m∈S, m≠j} m / (m − j)`
//! (mod ℓ), so that `f(0) = Σ_{j∈S} λⱼ·f(j)` for every polynomial `f` of
//! degree `< |S|`. The indices are public; the one batch inversion is over
//! public values.

use curve25519_dalek::scalar::Scalar;

use crate::error::{CryptoError, Result};

/// `λⱼ` for every `j` in `indices`, in the same order (spec §11). Refuses
/// an empty set, index 0 and repeated indices.
pub fn lagrange_at_zero(indices: &[u32]) -> Result<Vec<Scalar>> {
    if indices.is_empty() {
        return Err(CryptoError::Shape("no indices to interpolate".into()));
    }
    for (a, &i) in indices.iter().enumerate() {
        if i == 0 || indices[..a].contains(&i) {
            return Err(CryptoError::Shape(format!("index {i} is zero or repeated")));
        }
    }
    let mut numerators = Vec::with_capacity(indices.len());
    let mut denominators = Vec::with_capacity(indices.len());
    for &j in indices {
        let xj = Scalar::from(j);
        let (mut num, mut den) = (Scalar::ONE, Scalar::ONE);
        for &m in indices.iter().filter(|&&m| m != j) {
            let xm = Scalar::from(m);
            num *= xm;
            den *= xm - xj;
        }
        numerators.push(num);
        denominators.push(den);
    }
    Scalar::batch_invert(&mut denominators);
    Ok(numerators
        .into_iter()
        .zip(denominators)
        .map(|(n, d)| n * d)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threshold::polynomial::Polynomial;
    use rand_core::OsRng;

    #[test]
    fn interpolates_at_zero() {
        let f = Polynomial::random(3, &mut OsRng);
        for set in [[1u32, 2, 3], [2, 4, 5], [5, 1, 7]] {
            let l = lagrange_at_zero(&set).unwrap();
            let at0: Scalar = set.iter().zip(&l).map(|(&j, l)| l * f.evaluate(j)).sum();
            assert_eq!(at0, f.coefficients()[0]);
        }
        // Too few points do not determine f(0).
        let l = lagrange_at_zero(&[1, 2]).unwrap();
        let at0: Scalar = [1u32, 2]
            .iter()
            .zip(&l)
            .map(|(&j, l)| l * f.evaluate(j))
            .sum();
        assert_ne!(at0, f.coefficients()[0]);
    }

    #[test]
    fn refuses_bad_sets() {
        assert!(lagrange_at_zero(&[]).is_err());
        assert!(lagrange_at_zero(&[0, 1]).is_err());
        assert!(lagrange_at_zero(&[2, 3, 2]).is_err());
        assert_eq!(lagrange_at_zero(&[4]).unwrap(), vec![Scalar::ONE]);
    }
}
