//! Exact rational numbers and their decimal display (spec `results.md` §2).
//!
//! Every figure a result shows (percentages, mean resistance, acceptance) is
//! kept as an exact fraction of integers, and its display string is derived
//! from that fraction by integer arithmetic only (spec §2.2), so a verifier in
//! any language recomputes the very same characters. No floating point takes
//! part in any decision.

use serde::{Deserialize, Serialize};

use super::error::{Result, ResultError};

/// Bound on |numerator| and denominator of a [`Rational`] (spec §2.1): both are
/// strictly below 2^96, which leaves room for the decimal scaling of §2.2 in
/// 128-bit arithmetic. Every value the result methods produce is far below it.
pub const RATIONAL_BOUND: u128 = 1 << 96;

/// Largest number of decimal places [`Rational::to_decimal`] produces
/// (spec §2.2); larger requests are clamped to it.
pub const MAX_DECIMAL_PLACES: u8 = 6;

/// Number of decimal places of every display string in a result (spec §2.2).
pub const DISPLAY_PLACES: u8 = 2;

/// An exact rational number `numerator / denominator` in lowest terms, with
/// `denominator > 0` and both magnitudes below [`RATIONAL_BOUND`]
/// (spec `results.md` §2.1). Zero is `0/1`. Equal values have equal
/// representations, so `==` on the fields is equality of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RationalRepr", into = "RationalRepr")]
pub struct Rational {
    num: i128,
    den: u128,
}

/// The JSON form of a [`Rational`]: `{"numerator": n, "denominator": d}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RationalRepr {
    numerator: i128,
    denominator: u128,
}

impl TryFrom<RationalRepr> for Rational {
    type Error = ResultError;
    fn try_from(r: RationalRepr) -> Result<Self> {
        let q = Rational::new(r.numerator, r.denominator)?;
        // A record must carry the canonical (reduced) form (spec §2.1, §15).
        if q.num != r.numerator || q.den != r.denominator {
            return Err(ResultError::InvalidRational {
                num: r.numerator,
                den: r.denominator,
            });
        }
        Ok(q)
    }
}

impl From<Rational> for RationalRepr {
    fn from(q: Rational) -> Self {
        RationalRepr {
            numerator: q.num,
            denominator: q.den,
        }
    }
}

/// Greatest common divisor (Euclid); `gcd(0, d) = d`.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Rational {
    /// The fraction `num / den` reduced to lowest terms (spec §2.1).
    /// Fails if `den = 0` or a reduced magnitude reaches [`RATIONAL_BOUND`].
    pub fn new(num: i128, den: u128) -> Result<Self> {
        let err = ResultError::InvalidRational { num, den };
        if den == 0 {
            return Err(err);
        }
        let mag = num.unsigned_abs();
        let g = gcd(mag, den);
        let (mag, den) = (mag / g, den / g);
        if mag >= RATIONAL_BOUND || den >= RATIONAL_BOUND {
            return Err(err);
        }
        // mag < 2^96, so the cast is exact.
        let num = if num < 0 { -(mag as i128) } else { mag as i128 };
        Ok(Rational { num, den })
    }

    /// The non-negative fraction `num / den` of two unsigned counts.
    pub fn from_counts(num: u128, den: u128) -> Result<Self> {
        let signed = i128::try_from(num).map_err(|_| ResultError::Overflow("rational"))?;
        Rational::new(signed, den)
    }

    /// The reduced numerator (carries the sign).
    pub fn numerator(&self) -> i128 {
        self.num
    }

    /// The reduced denominator (always positive).
    pub fn denominator(&self) -> u128 {
        self.den
    }

    /// `round(self · 10^k)` with ties away from zero, as (negative, magnitude).
    fn scaled_rounded(&self, k: u32) -> (bool, u128) {
        let mag = self.num.unsigned_abs();
        // mag < 2^96 and 10^k <= 10^8 < 2^27: the product stays below 2^123.
        let scaled = mag.saturating_mul(10u128.saturating_pow(k));
        let q = scaled / self.den;
        let r = scaled % self.den;
        // r < den < 2^96, so 2r cannot overflow.
        let rounded = if 2 * r >= self.den { q + 1 } else { q };
        (self.num < 0 && rounded != 0, rounded)
    }

    /// Decimal string of the value with exactly `places` digits after the
    /// point (none and no point when `places = 0`), rounded half away from
    /// zero, `-` only before a non-zero rounded value (spec §2.2).
    /// `places` is clamped to [`MAX_DECIMAL_PLACES`].
    pub fn to_decimal(&self, places: u8) -> String {
        let p = places.min(MAX_DECIMAL_PLACES) as u32;
        let (neg, v) = self.scaled_rounded(p);
        format_scaled(neg, v, p)
    }

    /// The value times 100 as a decimal string (a percentage without the `%`
    /// sign), with `places` digits, rounded as in [`Rational::to_decimal`]
    /// (spec §2.3). `places` is clamped to [`MAX_DECIMAL_PLACES`].
    pub fn to_percent(&self, places: u8) -> String {
        let p = places.min(MAX_DECIMAL_PLACES) as u32;
        let (neg, v) = self.scaled_rounded(p + 2);
        format_scaled(neg, v, p)
    }
}

/// Writes `v / 10^p` with exactly `p` decimals, preceded by `-` if `neg`.
fn format_scaled(neg: bool, v: u128, p: u32) -> String {
    let unit = 10u128.pow(p);
    let int = v / unit;
    let frac = v % unit;
    let sign = if neg { "-" } else { "" };
    if p == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = p as usize)
    }
}

/// An exact value with its display string of [`DISPLAY_PLACES`] decimals
/// (spec §2.2), e.g. a mean resistance `{exact: 47/15, display: "3.13"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decimal {
    /// The exact value.
    pub exact: Rational,
    /// `exact.to_decimal(2)`.
    pub display: String,
}

impl Decimal {
    /// Wraps an exact value with its display string.
    pub fn new(exact: Rational) -> Self {
        Decimal {
            display: exact.to_decimal(DISPLAY_PLACES),
            exact,
        }
    }

    /// The fraction `num / den` of two counts, displayed.
    pub fn of_counts(num: u128, den: u128) -> Result<Self> {
        Ok(Decimal::new(Rational::from_counts(num, den)?))
    }
}

/// A share with its display as a percentage of [`DISPLAY_PLACES`] decimals
/// (spec §2.3): `{share: 1525/1623, percent: "93.96"}`. `share` is the
/// fraction itself (between 0 and 1 for a share of a whole), `percent` is
/// `share · 100` rounded, without the `%` sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Percentage {
    /// The exact share.
    pub share: Rational,
    /// `share.to_percent(2)`.
    pub percent: String,
}

impl Percentage {
    /// Wraps an exact share with its percentage display.
    pub fn new(share: Rational) -> Self {
        Percentage {
            percent: share.to_percent(DISPLAY_PLACES),
            share,
        }
    }

    /// The share `part / whole` of two counts, or `None` when `whole = 0`.
    pub fn of_counts(part: u128, whole: u128) -> Result<Option<Self>> {
        if whole == 0 {
            return Ok(None);
        }
        Ok(Some(Percentage::new(Rational::from_counts(part, whole)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: u128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    #[test]
    fn reduces_and_validates() {
        assert_eq!(q(6, 4), q(3, 2));
        assert_eq!(q(-6, 4).numerator(), -3);
        assert_eq!(q(0, 9), q(0, 1));
        assert!(Rational::new(1, 0).is_err());
        assert!(Rational::new(RATIONAL_BOUND as i128, 1).is_err());
        assert!(Rational::new(RATIONAL_BOUND as i128, 2).is_ok());
    }

    #[test]
    fn decimal_rounding_half_away_from_zero() {
        assert_eq!(q(1, 8).to_decimal(2), "0.13"); // 0.125
        assert_eq!(q(-1, 8).to_decimal(2), "-0.13");
        assert_eq!(q(1, 3).to_decimal(2), "0.33");
        assert_eq!(q(2, 3).to_decimal(2), "0.67");
        assert_eq!(q(-1, 1000).to_decimal(2), "0.00");
        assert_eq!(q(5, 2).to_decimal(0), "3");
        assert_eq!(q(7, 1).to_decimal(2), "7.00");
        assert_eq!(q(1, 1).to_percent(2), "100.00");
        assert_eq!(q(1, 160000).to_percent(2), "0.00");
        assert_eq!(q(8, 160000).to_percent(2), "0.01"); // exactly 0.005 %
        assert_eq!(q(1, 3).to_decimal(200), "0.333333");
    }

    #[test]
    fn serde_rejects_unreduced_and_unknown_fields() {
        let s = serde_json::to_string(&q(-3, 2)).unwrap();
        assert_eq!(s, r#"{"numerator":-3,"denominator":2}"#);
        assert_eq!(serde_json::from_str::<Rational>(&s).unwrap(), q(-3, 2));
        assert!(serde_json::from_str::<Rational>(r#"{"numerator":6,"denominator":4}"#).is_err());
        assert!(serde_json::from_str::<Rational>(r#"{"numerator":1,"denominator":0}"#).is_err());
        assert!(
            serde_json::from_str::<Rational>(r#"{"numerator":1,"denominator":2,"x":0}"#).is_err()
        );
    }
}
