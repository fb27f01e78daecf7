//! Validated quantities: money and its currency, hours, counts of usage, shares,
//! probabilities, ratios and NPS.
//!
//! Each type checks its range at construction and again when deserialized, so a value that
//! exists is valid. Constructor errors name no customer (none is known yet); the customer
//! builder attaches the customer and the field.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};

pub use crate::money::{Currency, Money, MoneyError};

fn negative(field: &str, value: Decimal) -> Error {
    Error::invalid(None, field, Problem::Negative { value })
}

fn out_of_range(field: &str, value: impl fmt::Display, allowed: &str) -> Error {
    Error::invalid(
        None,
        field,
        Problem::OutOfRange {
            value: value.to_string(),
            allowed: allowed.to_owned(),
        },
    )
}

macro_rules! non_negative_decimal {
    ($(#[$doc:meta])* $name:ident, $field:literal, $unit:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(try_from = "Decimal", into = "Decimal")]
        pub struct $name(Decimal);

        impl $name {
            /// Zero.
            pub const ZERO: $name = $name(Decimal::ZERO);

            /// A value of zero or more.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidField`] with [`Problem::Negative`] for a value below zero.
            pub fn new(value: Decimal) -> Result<Self> {
                if value.is_sign_negative() && !value.is_zero() {
                    Err(negative($field, value))
                } else {
                    Ok($name($crate::units::normalized(value)))
                }
            }

            /// The value.
            pub const fn get(self) -> Decimal {
                self.0
            }

            /// `value` as it is — its scale kept — when it is not below zero: for a value
            /// that was one already (kept between the phases), whose scale may be another
            /// than [`new`](Self::new) gives (a sum of [`checked_add`](Self::checked_add)).
            pub(crate) fn kept(value: Decimal) -> Option<Self> {
                (!value.is_sign_negative() || value.is_zero()).then_some($name(value))
            }

            /// `self + other`; [`MoneyError::Overflow`](crate::units::MoneyError::Overflow) when it
            /// does not fit, like [`Money::checked_add`](crate::Money::checked_add).
            pub fn checked_add(
                self,
                other: $name,
            ) -> std::result::Result<$name, crate::units::MoneyError> {
                self.0
                    .checked_add(other.0)
                    .map($name)
                    .ok_or(crate::units::MoneyError::Overflow)
            }
        }

        impl TryFrom<Decimal> for $name {
            type Error = Error;
            fn try_from(value: Decimal) -> Result<Self> {
                $name::new(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(v: $name) -> Decimal {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!("{}", $unit), self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }
    };
}

non_negative_decimal!(
    /// A number of hours, zero or more.
    ///
    /// ```
    /// use custfit::units::Hours;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Hours::new(Decimal::new(75, 2))?.to_string(), "0.75 h");
    /// assert!(Hours::new(Decimal::NEGATIVE_ONE).is_err());
    /// # Ok::<(), custfit::Error>(())
    /// ```
    Hours,
    "hours",
    " h"
);

non_negative_decimal!(
    /// A quantity of usage (API calls, seats, gigabytes), zero or more; priced per unit by the
    /// cost model.
    Quantity,
    "quantity",
    ""
);

/// A share of a whole, from 0 to 1 inclusive (0.25 is 25 %), exact.
///
/// Used for fractions that take part in money arithmetic (COGS as a share of revenue) and for
/// observed shares (meetings attended, recommended content consumed).
///
/// ```
/// use custfit::units::Share;
/// use rust_decimal::Decimal;
/// let s = Share::new(Decimal::new(25, 2))?;
/// assert_eq!(s.to_string(), "25%");
/// assert!(Share::new(Decimal::new(101, 2)).is_err());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Share(Decimal);

/// `d.normalize()` (mantissa, scale and sign, property-tested), without the call for a value
/// with no trailing zero to strip: a whole number that is not negative (a negative zero
/// becomes zero), or one with an odd mantissa — most hours, quantities and shares read.
#[inline]
pub(crate) fn normalized(d: Decimal) -> Decimal {
    if (d.scale() == 0 && !d.is_sign_negative()) || d.mantissa() & 1 == 1 {
        d
    } else {
        d.normalize()
    }
}

/// `0 <= value <= 1`, decided on the mantissa and scale (`|m| <= 10^scale`) instead of by two
/// decimal comparisons: every share of every record read is checked so.
fn in_unit_interval(value: Decimal) -> bool {
    let m = value.mantissa().unsigned_abs();
    let one = crate::money::POWERS_OF_TEN[value.scale() as usize].unsigned_abs();
    m == 0 || (!value.is_sign_negative() && m <= one)
}

impl Share {
    /// Nothing.
    pub const ZERO: Share = Share(Decimal::ZERO);
    /// The whole.
    pub const ONE: Share = Share(Decimal::ONE);

    /// A share from 0 to 1 inclusive.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] with [`Problem::OutOfRange`] outside `0..=1`.
    pub fn new(value: Decimal) -> Result<Self> {
        if in_unit_interval(value) {
            Ok(Share(normalized(value)))
        } else {
            Err(out_of_range("share", value, "0..=1"))
        }
    }

    /// A share given in percent (25 for 25 %).
    ///
    /// # Errors
    ///
    /// As [`Share::new`], for a percentage outside `0..=100`.
    pub fn from_percent(percent: Decimal) -> Result<Self> {
        let value = percent
            .checked_div(Decimal::ONE_HUNDRED)
            .ok_or_else(|| out_of_range("share", percent, "0..=100 %"))?;
        Share::new(value).map_err(|_| out_of_range("share", percent, "0..=100 %"))
    }

    /// The share as a ratio.
    pub const fn get(self) -> Decimal {
        self.0
    }

    /// The share as an `f64`, for scoring.
    pub fn to_f64(self) -> f64 {
        decimal_to_f64(self.0)
    }
}

impl TryFrom<Decimal> for Share {
    type Error = Error;
    fn try_from(value: Decimal) -> Result<Self> {
        Share::new(value)
    }
}

impl From<Share> for Decimal {
    fn from(v: Share) -> Decimal {
        v.0
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Share({})", self.0)
    }
}

/// A probability, a finite `f64` from 0 to 1 inclusive.
///
/// On the wire it is a JSON number. For a bit-exact round trip through `serde_json`, enable
/// that crate's `float_roundtrip` feature (its default parser may differ in the last bit).
///
/// ```
/// use custfit::units::Probability;
/// assert_eq!(Probability::new(0.7)?.get(), 0.7);
/// assert!(Probability::new(f64::NAN).is_err());
/// assert!(Probability::new(1.2).is_err());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Probability(f64);

impl Probability {
    /// Certainly not.
    pub const ZERO: Probability = Probability(0.0);
    /// Certainly.
    pub const ONE: Probability = Probability(1.0);

    /// A probability from 0 to 1 inclusive.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] with [`Problem::OutOfRange`] for NaN or a value outside `0..=1`.
    pub fn new(value: f64) -> Result<Self> {
        if (0.0..=1.0).contains(&value) {
            // `+ 0.0` turns -0.0 into 0.0 so that equal probabilities compare and print alike.
            Ok(Probability(value + 0.0))
        } else {
            Err(out_of_range("probability", value, "0..=1"))
        }
    }

    /// The value.
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Probability {
    type Error = Error;
    fn try_from(value: f64) -> Result<Self> {
        Probability::new(value)
    }
}

impl From<Probability> for f64 {
    fn from(p: Probability) -> f64 {
        p.0
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}%", self.0 * 100.0)
    }
}

impl fmt::Debug for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Probability({})", self.0)
    }
}

/// A signed ratio, such as a margin (0.25 is 25 %; -1.5 is -150 %), exact.
///
/// Unlike [`Share`] it has no range: a margin can fall below -100 %.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ratio(Decimal);

impl Ratio {
    /// A ratio.
    pub const fn new(value: Decimal) -> Self {
        Ratio(value)
    }

    /// The ratio (0.25 for 25 %).
    pub const fn get(self) -> Decimal {
        self.0
    }

    /// The ratio as an `f64`, for scoring.
    pub fn to_f64(self) -> f64 {
        decimal_to_f64(self.0)
    }
}

impl fmt::Display for Ratio {
    /// Shown as a percentage with one decimal: `-12.5%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.checked_mul(Decimal::ONE_HUNDRED) {
            Some(percent) => {
                let percent = percent
                    .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointNearestEven);
                write!(f, "{percent:.1}%")
            }
            None => write!(f, "{}x", self.0),
        }
    }
}

/// A Net Promoter Score answer aggregated for the account, from -100 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i16", into = "i16")]
pub struct Nps(i16);

impl Nps {
    /// The lowest score, -100.
    pub const MIN: Nps = Nps(-100);
    /// The highest score, 100.
    pub const MAX: Nps = Nps(100);

    /// A score from -100 to 100.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] with [`Problem::OutOfRange`] outside `-100..=100`.
    pub fn new(value: i16) -> Result<Self> {
        if (-100..=100).contains(&value) {
            Ok(Nps(value))
        } else {
            Err(out_of_range("nps", value, "-100..=100"))
        }
    }

    /// The score.
    pub const fn get(self) -> i16 {
        self.0
    }
}

impl TryFrom<i16> for Nps {
    type Error = Error;
    fn try_from(value: i16) -> Result<Self> {
        Nps::new(value)
    }
}

impl From<Nps> for i16 {
    fn from(n: Nps) -> i16 {
        n.0
    }
}

impl fmt::Display for Nps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whether a count is zero: counts that are usually zero are left out of the wire format.
pub(crate) fn is_zero_count(n: &u32) -> bool {
    *n == 0
}

/// 10^0 to 10^19, each exact in `f64`.
const POWERS_OF_TEN: [f64; 20] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19,
];

/// `x.round()` (half away from zero) for a finite `x >= 0`, without the library call that
/// `f64::round` is on x86-64: below 2^52 the integral part is a cast away and the fraction
/// `x - t` is exact; from 2^52 up every `f64` is an integer.
fn round_non_negative(x: f64) -> f64 {
    const INTEGERS_FROM: f64 = 4_503_599_627_370_496.0; // 2^52
    if x < INTEGERS_FROM {
        let t = (x as u64) as f64;
        if x - t >= 0.5 {
            t + 1.0
        } else {
            t
        }
    } else {
        x
    }
}

/// `Decimal` to `f64` for scoring; every `Decimal` is within `f64`'s range.
///
/// Bit for bit `rust_decimal`'s conversion (property-tested), which splits the value into its
/// integral and fractional parts with 128-bit divisions; when the mantissa and the power of
/// ten fit in 64 bits, as amounts, hours and shares do, the same steps run in 64 bits.
pub(crate) fn decimal_to_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    let scale = d.scale();
    let (true, Ok(m), Some(p)) = (
        scale > 0,
        u64::try_from(d.mantissa().unsigned_abs()),
        10u64.checked_pow(scale),
    ) else {
        return d.to_f64().unwrap_or(0.0);
    };
    // `p` fits 64 bits, so the scale is at most 19: a power of ten that `f64` holds exactly,
    // as `powi` computes it.
    let round_to = POWERS_OF_TEN[scale as usize];
    let integral = (m / p) as f64;
    let fraction = (m % p) as f64 / round_to;
    let negative = d.is_sign_negative();
    let value = if fraction == 0.0 {
        integral
    } else {
        round_non_negative((integral + fraction) * round_to) / round_to
    };
    if negative {
        -value
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::prelude::ToPrimitive;

    proptest! {
        /// `f64::round`, bit for bit, on any finite non-negative value: halves, values near
        /// 2^52, and large ones.
        #[test]
        fn rounding_is_f64_round(
            x in prop_oneof![
                0.0f64..1e6,
                (0u64..1 << 53).prop_map(|k| k as f64 + 0.5),
                (0u64..1 << 53).prop_map(|k| k as f64 / 2.0),
                (0u64..4096).prop_map(|k| ((1u64 << 52) - 2048 + k) as f64 + 0.5),
                any::<u64>().prop_map(|b| f64::from_bits(b >> 1)),
            ],
        ) {
            prop_assume!(x.is_finite());
            prop_assert_eq!(round_non_negative(x).to_bits(), x.round().to_bits(), "{}", x);
        }

        /// Exactly the two comparisons, at and around 0 and 1 at every scale and on any
        /// mantissa (a negative zero included).
        #[test]
        fn unit_interval_is_the_comparisons(
            near in prop_oneof![Just(0i128), Just(1), Just(-1), -3i128..=3],
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            random in any::<bool>(), negative in any::<bool>(), scale in 0u32..=28,
        ) {
            let d = if random {
                Decimal::from_parts(lo, mid, hi, negative, scale)
            } else {
                // 10^scale + near: one and its neighbours, or near itself.
                let m = if negative { near } else { 10i128.pow(scale) + near };
                Decimal::from_i128_with_scale(m, scale)
            };
            let expected = d >= Decimal::ZERO && d <= Decimal::ONE;
            prop_assert_eq!(in_unit_interval(d), expected, "{}", d);
            let mut zero = Decimal::from_parts(0, 0, 0, false, scale);
            zero.set_sign_negative(true);
            prop_assert!(in_unit_interval(zero));
        }

        /// Mantissa, scale and sign of `Decimal::normalize`, on whole numbers, odd and even
        /// mantissas and zeros of either sign at every scale.
        #[test]
        fn normalized_is_rust_decimals(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            width in 0u32..4, negative in any::<bool>(), scale in 0u32..=28,
        ) {
            let (lo, mid, hi) = match width {
                0 => (0, 0, 0),
                1 => (lo, 0, 0),
                2 => (lo & !1, mid, 0), // even, so there may be zeros to strip
                _ => (lo, mid, hi),
            };
            let mut d = Decimal::from_parts(lo, mid, hi, negative, scale);
            // `from_parts` drops the sign of a zero, so a negative zero is made by hand.
            d.set_sign_negative(negative);
            let (got, want) = (normalized(d), d.normalize());
            prop_assert_eq!(
                (got.mantissa(), got.scale(), got.is_sign_negative()),
                (want.mantissa(), want.scale(), want.is_sign_negative()),
                "{:?}", d
            );
        }

        /// Bit for bit rust_decimal's conversion.
        #[test]
        fn fast_conversion_is_rust_decimals(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            width in 0u32..3, negative in any::<bool>(), scale in 0u32..=28,
        ) {
            // Mantissas of 32, 64 and 96 bits: the fast path and the fallback.
            let (mid, hi) = match width { 0 => (0, 0), 1 => (mid, 0), _ => (mid, hi) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let expected = d.to_f64().unwrap();
            prop_assert_eq!(decimal_to_f64(d).to_bits(), expected.to_bits(), "{}", d);
        }
    }

    #[test]
    fn fast_conversion_of_plain_values() {
        for text in [
            "0",
            "-0.00",
            "1.5",
            "-2.25",
            "0.1",
            "1234567.89",
            "0.0000001",
            "7",
        ] {
            let d: Decimal = text.parse().unwrap();
            assert_eq!(
                decimal_to_f64(d).to_bits(),
                d.to_f64().unwrap().to_bits(),
                "{text}"
            );
        }
        // A negative zero: rust_decimal gives +0.0 at scale 0 and -0.0 at other scales.
        for scale in [0, 2] {
            let mut d = Decimal::new(0, scale);
            d.set_sign_negative(true);
            assert!(d.is_sign_negative());
            assert_eq!(
                decimal_to_f64(d).to_bits(),
                d.to_f64().unwrap().to_bits(),
                "{scale}"
            );
        }
    }

    #[test]
    fn a_negative_zero_normalizes_to_zero() {
        for scale in [0, 2, 28] {
            let mut d = Decimal::new(0, scale);
            d.set_sign_negative(true);
            let n = normalized(d);
            assert!(!n.is_sign_negative() && n.scale() == 0, "{scale}: {n:?}");
            assert!(!Hours::new(d).unwrap().get().is_sign_negative(), "{scale}");
        }
        // A negative whole number and an odd mantissa are kept as they are.
        assert_eq!(normalized(Decimal::new(-7, 0)).mantissa(), -7);
        assert_eq!(normalized(Decimal::new(125, 2)).scale(), 2);
        assert_eq!(normalized(Decimal::new(1250, 3)).scale(), 2);
    }
}
