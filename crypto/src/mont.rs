//! Scalars mod `ℓ` kept in Montgomery form, for the batch verifier's inner
//! loops (spec `verification.md` "Batches").
//!
//! A dalek [`Scalar`] is stored as 32 bytes; every product unpacks both
//! factors into limbs, multiplies, reduces twice (a Montgomery reduction and
//! a multiplication by `R²` to leave Montgomery form again) and packs the
//! result. The range-proof replay of `batch.rs` does five products per
//! vector index, so that overhead was a sixth of a batch's time.
//! [`Mont`] holds `x̃ = x·R mod ℓ` (`R = 2²⁵⁶`) as four 64-bit limbs, and a
//! product is one Montgomery multiplication:
//!
//! ```text
//! mont(ã, b̃) = ã·b̃·R⁻¹ mod ℓ = (a·b)·R mod ℓ
//! ```
//!
//! (coarsely integrated operand scanning: per limb of `b̃`, add `ã·b̃ᵢ`,
//! then add the multiple `m·ℓ`, `m = −ℓ⁻¹·t₀ mod 2⁶⁴`, that clears the low
//! limb, and shift). Values stay fully reduced (`< ℓ`), so equality of
//! limbs is equality of scalars. The final subtractions are masked, not
//! branched, though the verifier only ever feeds it public values.
//!
//! Conversions cost one Montgomery multiplication each (by `R²` going in,
//! by `1` coming out); a batch converts a few dozen scalars per proof and
//! the coefficients of the vector generators once per batch.

use curve25519_dalek::scalar::Scalar;

/// `ℓ = 2²⁵² + 27742317777372353535851937790883648493`, little-endian limbs.
const L: [u64; 4] = [
    0x5812_631a_5cf5_d3ed,
    0x14de_f9de_a2f7_9cd6,
    0x0000_0000_0000_0000,
    0x1000_0000_0000_0000,
];

/// `−ℓ⁻¹ mod 2⁶⁴`.
const NEG_L_INV: u64 = 0xd2b5_1da3_1254_7e1b;

/// `R² mod ℓ`, `R = 2²⁵⁶`: multiplying by it enters Montgomery form.
const R2: [u64; 4] = [
    0xa406_11e3_449c_0f01,
    0xd00e_1ba7_6885_9347,
    0xceec_73d2_17f5_be65,
    0x0399_411b_7c30_9a3d,
];

/// `R mod ℓ`: the Montgomery form of 1.
const R1: [u64; 4] = [
    0xd6ec_3174_8d98_951d,
    0xc6ef_5bf4_737d_cf70,
    0xffff_ffff_ffff_fffe,
    0x0fff_ffff_ffff_ffff,
];

/// A scalar mod `ℓ` in Montgomery form (`x·2²⁵⁶ mod ℓ`, fully reduced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mont([u64; 4]);

impl Default for Mont {
    fn default() -> Self {
        Mont::ZERO
    }
}

/// Little-endian bytes as four little-endian limbs.
fn limbs_of(bytes: &[u8; 32]) -> [u64; 4] {
    core::array::from_fn(|i| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
        u64::from_le_bytes(w)
    })
}

/// Four little-endian limbs as little-endian bytes.
fn bytes_of(limbs: &[u64; 4]) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, limb) in limbs.iter().enumerate() {
        b[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
    }
    b
}

/// `a − b` over four limbs, with the final borrow (0 or 1).
fn sub_limbs(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], u64) {
    let mut out = [0u64; 4];
    let mut borrow = 0u64;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[i] = d;
        borrow = (b1 | b2) as u64;
    }
    (out, borrow)
}

/// `a + b` over four limbs, modulo `2²⁵⁶`.
fn add_limbs(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut carry = 0u64;
    for i in 0..4 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(carry);
        out[i] = s;
        carry = (c1 | c2) as u64;
    }
    out
}

/// `x − ℓ` when `x ≥ ℓ`, else `x` (for `x < 2ℓ`), by mask.
fn reduce_once(x: [u64; 4]) -> [u64; 4] {
    let (d, borrow) = sub_limbs(&x, &L);
    let keep_x = borrow.wrapping_neg(); // all ones when x < ℓ
    let mut out = [0u64; 4];
    for i in 0..4 {
        out[i] = (x[i] & keep_x) | (d[i] & !keep_x);
    }
    out
}

/// `a·b·R⁻¹ mod ℓ` for `a, b < ℓ` (CIOS Montgomery multiplication).
fn mont_mul(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    // t < 2ℓ < 2²⁵⁴ after every round, so five limbs hold it.
    let mut t = [0u64; 5];
    for &bi in b {
        let mut carry = 0u128;
        for j in 0..4 {
            let uv = t[j] as u128 + (a[j] as u128) * (bi as u128) + carry;
            t[j] = uv as u64;
            carry = uv >> 64;
        }
        let top = t[4] as u128 + carry;
        let m = t[0].wrapping_mul(NEG_L_INV);
        let mut carry = (t[0] as u128 + (m as u128) * (L[0] as u128)) >> 64;
        for j in 1..4 {
            let uv = t[j] as u128 + (m as u128) * (L[j] as u128) + carry;
            t[j - 1] = uv as u64;
            carry = uv >> 64;
        }
        let uv = top + carry;
        t[3] = uv as u64;
        t[4] = (uv >> 64) as u64;
    }
    reduce_once([t[0], t[1], t[2], t[3]])
}

impl Mont {
    /// Zero.
    pub const ZERO: Mont = Mont([0; 4]);
    /// One.
    pub const ONE: Mont = Mont(R1);

    /// Enters Montgomery form.
    pub fn from_scalar(s: &Scalar) -> Mont {
        // A Scalar is canonical (< ℓ), which mont_mul requires.
        Mont(mont_mul(&limbs_of(s.as_bytes()), &R2))
    }

    /// Leaves Montgomery form.
    pub fn to_scalar(self) -> Scalar {
        let x = mont_mul(&self.0, &[1, 0, 0, 0]);
        // x < ℓ, so this reduction changes nothing (dalek has no cheaper
        // public constructor; it runs once per coefficient per group).
        Scalar::from_bytes_mod_order(bytes_of(&x))
    }

    /// `2·self`.
    pub fn double(self) -> Mont {
        self + self
    }
}

impl From<Scalar> for Mont {
    fn from(s: Scalar) -> Mont {
        Mont::from_scalar(&s)
    }
}

impl From<&Scalar> for Mont {
    fn from(s: &Scalar) -> Mont {
        Mont::from_scalar(s)
    }
}

impl core::ops::Mul for Mont {
    type Output = Mont;
    fn mul(self, rhs: Mont) -> Mont {
        Mont(mont_mul(&self.0, &rhs.0))
    }
}

impl core::ops::MulAssign for Mont {
    fn mul_assign(&mut self, rhs: Mont) {
        *self = *self * rhs;
    }
}

impl core::ops::Add for Mont {
    type Output = Mont;
    fn add(self, rhs: Mont) -> Mont {
        // a + b < 2ℓ < 2²⁵⁴: no carry out of the top limb.
        Mont(reduce_once(add_limbs(&self.0, &rhs.0)))
    }
}

impl core::ops::AddAssign for Mont {
    fn add_assign(&mut self, rhs: Mont) {
        *self = *self + rhs;
    }
}

impl core::ops::Sub for Mont {
    type Output = Mont;
    fn sub(self, rhs: Mont) -> Mont {
        let (d, borrow) = sub_limbs(&self.0, &rhs.0);
        // Add ℓ back when the difference went negative (the sum then
        // wraps past 2²⁵⁶ back into [0, ℓ)).
        let mask = borrow.wrapping_neg();
        Mont(add_limbs(&d, &L.map(|l| l & mask)))
    }
}

impl core::ops::SubAssign for Mont {
    fn sub_assign(&mut self, rhs: Mont) {
        *self = *self - rhs;
    }
}

impl core::ops::Neg for Mont {
    type Output = Mont;
    fn neg(self) -> Mont {
        Mont::ZERO - self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scalar(bytes: [u8; 32]) -> Scalar {
        Scalar::from_bytes_mod_order(bytes)
    }

    #[test]
    fn constants() {
        // R1 is the form of 1, R2 of R; ℓ − 1 = −1 round-trips.
        assert_eq!(Mont::ONE.to_scalar(), Scalar::ONE);
        assert_eq!(Mont::from_scalar(&Scalar::ONE), Mont::ONE);
        assert_eq!(Mont::ZERO.to_scalar(), Scalar::ZERO);
        let minus_one = -Scalar::ONE;
        assert_eq!(Mont::from(minus_one), -Mont::ONE);
        assert_eq!((-Mont::ONE * -Mont::ONE).to_scalar(), Scalar::ONE);
        assert_eq!((-Mont::ONE + Mont::ONE), Mont::ZERO);
        assert_eq!(-Mont::ZERO, Mont::ZERO);
        // ℓ·(−ℓ⁻¹) ≡ −1 mod 2⁶⁴.
        assert_eq!(L[0].wrapping_mul(NEG_L_INV), u64::MAX);
    }

    #[test]
    fn known_answer() {
        // (ℓ − 1)·(ℓ − 2) = 2 mod ℓ; (2¹²⁸)² = 2²⁵⁶ ≡ R (the limbs of R1).
        let a = Mont::from(-Scalar::ONE);
        let b = Mont::from(-Scalar::from(2u64));
        assert_eq!((a * b).to_scalar(), Scalar::from(2u64));
        let two_128 = Mont::from(Scalar::from(u128::MAX) + Scalar::ONE);
        assert_eq!(two_128 * two_128, Mont::from(scalar(bytes_of(&R1))));
        // Computed independently (Python integers): 0x07…07 · 0xa5…a5 and
        // their difference, both reduced mod ℓ.
        let x = Mont::from(scalar([7; 32]));
        let y = Mont::from(scalar([0xa5; 32]));
        assert_eq!(
            hex::encode((x * y).to_scalar().as_bytes()),
            "5af687041b636b987a44b37237593e82fd8fdc428b60043d524c8e1fb203c604"
        );
        assert_eq!(
            hex::encode((x - y).to_scalar().as_bytes()),
            "a4a8fb02694019d2c0810dbf1324173262616161616161616161616161616101"
        );
    }

    proptest! {
        #[test]
        fn agrees_with_dalek(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
            let (x, y) = (scalar(a), scalar(b));
            let (mx, my) = (Mont::from(x), Mont::from(y));
            prop_assert_eq!(mx.to_scalar(), x);
            prop_assert_eq!((mx * my).to_scalar(), x * y);
            prop_assert_eq!((mx + my).to_scalar(), x + y);
            prop_assert_eq!((mx - my).to_scalar(), x - y);
            prop_assert_eq!((-mx).to_scalar(), -x);
            prop_assert_eq!(mx.double().to_scalar(), x + x);
            prop_assert_eq!(Mont::from(x * y), mx * my);
        }

        #[test]
        fn extreme_values(k in 0u64..64, j in 0u64..64) {
            // Values next to 0 and ℓ, where the masked corrections act.
            let x = -Scalar::from(k);
            let y = Scalar::from(j) - Scalar::ONE;
            let (mx, my) = (Mont::from(x), Mont::from(y));
            prop_assert_eq!((mx * my).to_scalar(), x * y);
            prop_assert_eq!((mx + my).to_scalar(), x + y);
            prop_assert_eq!((mx - my).to_scalar(), x - y);
        }
    }
}
