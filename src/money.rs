//! Money: an exact decimal amount in one currency, with checked arithmetic.
//!
//! Amounts are [`rust_decimal::Decimal`], never floating point. Arithmetic is checked: overflow
//! and mixing currencies are errors, never panics. On the wire a [`Money`] is one string,
//! `"1234.50 EUR"`, so that no JSON number parser can round it.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code: three upper-case ASCII letters.
///
/// ```
/// use custfit::units::Currency;
/// let eur: Currency = "EUR".parse()?;
/// assert_eq!(eur, Currency::EUR);
/// assert_eq!(eur.minor_units(), 2);
/// assert!("eur".parse::<Currency>().is_err());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Currency([u8; 3]);

/// On the wire, the code (`"EUR"`), written without allocating.
impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Currency {
    /// US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");
    /// Pound sterling.
    pub const GBP: Currency = Currency(*b"GBP");
    /// Swiss franc.
    pub const CHF: Currency = Currency(*b"CHF");
    /// Japanese yen (no minor unit).
    pub const JPY: Currency = Currency(*b"JPY");

    /// Parse a code such as `"EUR"`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`](crate::Error::InvalidField) on field `currency` unless the code is
    /// exactly three upper-case ASCII letters.
    pub fn new(code: &str) -> crate::Result<Self> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([bytes[0], bytes[1], bytes[2]]))
        } else {
            Err(Currency::refused(code))
        }
    }

    /// The code's three letters.
    pub(crate) const fn code_bytes(self) -> [u8; 3] {
        self.0
    }

    /// The currency of three letters, when they are a code.
    pub(crate) fn from_code_bytes(code: [u8; 3]) -> Option<Self> {
        code.iter()
            .all(u8::is_ascii_uppercase)
            .then_some(Currency(code))
    }

    /// The error for a code that is not one.
    pub(crate) fn refused(code: &str) -> crate::Error {
        crate::Error::invalid(
            None,
            "currency",
            crate::Problem::Unparsable {
                text: code.to_owned(),
                expected: "an ISO 4217 code of three upper-case letters".to_owned(),
            },
        )
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Number of decimal places of the currency's minor unit (ISO 4217): 0 for JPY and KRW, 3
    /// for the dinars of Bahrain, Kuwait, Jordan, Iraq, Libya and the Omani rial and Tunisian
    /// dinar, 2 otherwise.
    pub fn minor_units(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"CLP" | b"ISK" | b"VND" | b"PYG" | b"UGX" | b"XAF" | b"XOF" => 0,
            b"BHD" | b"KWD" | b"JOD" | b"IQD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl FromStr for Currency {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Currency::new(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = crate::Error;
    fn try_from(s: String) -> crate::Result<Self> {
        Currency::new(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

/// Why a money operation failed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyError {
    /// The result does not fit in a `Decimal`.
    #[error("amount overflows the decimal range")]
    Overflow,
    /// Division by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// The two amounts are in different currencies.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
}

/// An exact amount of money in one currency.
///
/// Amounts carry up to 28 significant digits, far beyond any real amount. A result that would
/// need more is rounded in its last digit by `rust_decimal`; a result whose integer part does
/// not fit is [`MoneyError::Overflow`].
///
/// ```
/// use custfit::Money;
/// use custfit::units::Currency;
/// use rust_decimal::Decimal;
/// let a = Money::new(Decimal::new(10050, 2), Currency::EUR); // 100.50 EUR
/// let b: Money = "20.25 EUR".parse()?;
/// assert_eq!(a.checked_add(b)?.to_string(), "120.75 EUR");
/// assert!(a.checked_add("1 USD".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency.
    pub const fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero in a currency.
    pub const fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// The amount.
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self - other`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self * factor`, unrounded.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(factor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self / divisor`, unrounded.
    ///
    /// # Errors
    ///
    /// [`MoneyError::DivisionByZero`] or [`MoneyError::Overflow`].
    pub fn checked_div(self, divisor: Decimal) -> Result<Money, MoneyError> {
        if divisor.is_zero() {
            return Err(MoneyError::DivisionByZero);
        }
        let amount = self
            .amount
            .checked_div(divisor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// The negated amount.
    pub fn negate(self) -> Money {
        Money::new(-self.amount, self.currency)
    }

    /// Rounded to the currency's minor unit, half to even (banker's rounding).
    ///
    /// ```
    /// use custfit::Money;
    /// let m: Money = "10.125 EUR".parse()?;
    /// assert_eq!(m.round().to_string(), "10.12 EUR");
    /// # Ok::<(), custfit::Error>(())
    /// ```
    pub fn round(self) -> Money {
        Money::new(
            round_half_even(self.amount, self.currency.minor_units()),
            self.currency,
        )
    }

    /// `self / other` as a ratio, or `None` when `other` is zero.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`], or [`MoneyError::Overflow`] when the ratio does not
    /// fit in a `Decimal`.
    pub fn ratio_to(self, other: Money) -> Result<Option<Decimal>, MoneyError> {
        self.same_currency(&other)?;
        if other.amount.is_zero() {
            return Ok(None);
        }
        self.amount
            .checked_div(other.amount)
            .map(Some)
            .ok_or(MoneyError::Overflow)
    }

    /// Sum of amounts, all in `currency`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        items: I,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }
}

/// At least the currency's decimals (`"120000.00 EUR"`, `"3 JPY"`, `"1.500 KWD"`), and every
/// decimal the amount has beyond them, so that the text reads back to the same amount.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MoneyText::of(self).as_str())
    }
}

/// On the wire, the text of [`Display`](fmt::Display), written without allocating: a report
/// holds two amounts per customer.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MoneyText::of(self).as_str())
    }
}

/// The text of a [`Money`] on the stack: its amount as `Decimal` writes it (sign, digits,
/// point), with at least the currency's decimals, a space and the code.
struct MoneyText {
    bytes: [u8; MoneyText::CAPACITY],
    len: usize,
}

impl MoneyText {
    /// A sign, 29 digits (the leading zero of `0.05` among them), a point, a space and a code
    /// of 3 letters.
    const CAPACITY: usize = 35;

    fn of(money: &Money) -> Self {
        let mut amount = money.amount;
        let minor = money.currency.minor_units();
        if amount.scale() < minor {
            amount.rescale(minor);
        }
        let mut text = MoneyText {
            bytes: [0; MoneyText::CAPACITY],
            len: 0,
        };
        if amount.is_sign_negative() {
            text.push(b'-');
        }
        let scale = amount.scale() as usize;
        // At least one digit before the point, as `Decimal` writes `0.05`.
        let (digits, count) = decimal_digits(amount.mantissa().unsigned_abs(), scale + 1);
        let digits = &digits[digits.len() - count..];
        let (whole, fraction) = digits.split_at(count - scale);
        text.extend(whole);
        if scale > 0 {
            text.push(b'.');
            text.extend(fraction);
        }
        text.push(b' ');
        text.extend(money.currency.as_str().as_bytes());
        text
    }

    fn push(&mut self, byte: u8) {
        self.extend(&[byte]);
    }

    fn extend(&mut self, bytes: &[u8]) {
        // The buffer holds the longest text there is (tested), so every byte finds a slot.
        debug_assert!(self.len + bytes.len() <= MoneyText::CAPACITY);
        let free = self.bytes.iter_mut().skip(self.len);
        for (slot, &byte) in free.zip(bytes) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, sign, point, space and the code's letters are written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// The decimal digits of `m` (a `Decimal`'s mantissa: at most 96 bits), at the end of the
/// buffer, zero-padded to at least `min` digits (a scale and one: at most 29): the buffer and
/// how many of its last bytes are the digits.
fn decimal_digits(m: u128, min: usize) -> ([u8; 40], usize) {
    const TEN_19: u128 = 10_000_000_000_000_000_000;
    debug_assert!(m >> 96 == 0 && min <= 29);
    let mut out = [b'0'; 40];
    let mut at = out.len();
    let mut write_u64 = |mut v: u64, at: &mut usize, pad: usize| {
        let end = *at;
        while v > 0 {
            *at -= 1;
            out[*at] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        // The zeros are there already: only move past them.
        *at = (*at).min(end.saturating_sub(pad));
    };
    // One 128-bit division at most: 2^96 < 10^29, so `m / 10^19` fits in 64 bits.
    let (high, low) = (m / TEN_19, m % TEN_19);
    if high > 0 {
        write_u64(low as u64, &mut at, 19);
        write_u64(high as u64, &mut at, 0);
    } else {
        write_u64(low as u64, &mut at, 0);
    }
    let count = (out.len() - at).max(min.min(out.len()));
    (out, count)
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency)
    }
}

impl FromStr for Money {
    type Err = crate::Error;

    /// Parse `"<amount> <currency>"`, for example `"1234.50 EUR"`.
    fn from_str(s: &str) -> crate::Result<Self> {
        let unparsable = || {
            crate::Error::invalid(
                None,
                "money",
                crate::Problem::Unparsable {
                    text: s.to_owned(),
                    expected: "an amount and a currency code, like \"1234.50 EUR\"".to_owned(),
                },
            )
        };
        let (amount, code) = s.trim().split_once(' ').ok_or_else(unparsable)?;
        let amount = Decimal::from_str_exact(amount.trim()).map_err(|_| unparsable())?;
        let currency = Currency::new(code.trim()).map_err(|_| unparsable())?;
        Ok(Money::new(amount, currency))
    }
}

impl TryFrom<String> for Money {
    type Error = crate::Error;
    fn try_from(s: String) -> crate::Result<Self> {
        s.parse()
    }
}

impl From<Money> for String {
    fn from(m: Money) -> String {
        m.to_string()
    }
}

/// The largest mantissa a `Decimal` holds (96 bits).
pub(crate) const MAX_MANTISSA: i128 = (1 << 96) - 1;

/// `10^k` for every `k` whose power fits an `i128` (up to 38; a `Decimal`'s scale is at most
/// 28): looked up, as sums are aligned on every addition of a new scale.
pub(crate) const POWERS_OF_TEN: [i128; 39] = {
    let mut powers = [1i128; 39];
    let mut k = 1;
    while k < powers.len() {
        powers[k] = powers[k - 1] * 10;
        k += 1;
    }
    powers
};

/// An exact sum of decimals: `units / 10^scale`, with the scale `Decimal` addition gives —
/// the larger of the two, except that adding to zero gives the addend as it is and adding zero
/// to anything else changes nothing (so `7 + 0.00` is `7`, and `10.50 - 10.50 + 7` is `7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ExactSum {
    pub(crate) units: i128,
    pub(crate) scale: u32,
}

impl ExactSum {
    /// Add `d`; an overflow of 128 bits (the sum is then left as it was).
    pub(crate) fn add(&mut self, d: Decimal) -> std::result::Result<(), crate::error::Problem> {
        self.add_parts(Addend::of(d))
    }

    /// Add a decimal taken apart beforehand (one value added to many sums is taken apart
    /// once).
    pub(crate) fn add_parts(
        &mut self,
        Addend { units: m, scale: s }: Addend,
    ) -> std::result::Result<(), crate::error::Problem> {
        if self.units == 0 {
            (self.units, self.scale) = (m, s);
            return Ok(());
        }
        if m == 0 {
            return Ok(());
        }
        let power = |k: u32| POWERS_OF_TEN.get(k as usize).copied();
        let aligned = if s == self.scale {
            self.units.checked_add(m).map(|u| (u, s))
        } else if s < self.scale {
            let m = power(self.scale - s).and_then(|p| m.checked_mul(p));
            m.and_then(|m| self.units.checked_add(m))
                .map(|u| (u, self.scale))
        } else {
            let units = power(s - self.scale).and_then(|p| self.units.checked_mul(p));
            units.and_then(|u| u.checked_add(m)).map(|u| (u, s))
        };
        // Built only on an overflow: a `Problem` made eagerly is dropped on every addition.
        let Some((units, scale)) = aligned else {
            return Err(crate::error::Problem::Overflow);
        };
        self.units = units;
        self.scale = scale;
        Ok(())
    }

    /// Whether the sum is a `Decimal`.
    pub(crate) fn fits(&self) -> bool {
        self.units.unsigned_abs() <= MAX_MANTISSA as u128
    }

    /// The sum as a `Decimal`, or an overflow beyond its 96 bits.
    pub(crate) fn decimal(&self) -> std::result::Result<Decimal, crate::error::Problem> {
        if !self.fits() {
            return Err(crate::error::Problem::Overflow);
        }
        Decimal::try_from_i128_with_scale(self.units, self.scale)
            .map_err(|_| crate::error::Problem::Overflow)
    }
}

/// A decimal as [`ExactSum::add_parts`] adds it: its mantissa and scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addend {
    units: i128,
    scale: u32,
}

impl Addend {
    pub(crate) fn of(d: Decimal) -> Addend {
        Addend {
            units: d.mantissa(),
            scale: d.scale(),
        }
    }
}

/// The sum of non-negative `values` from zero, exactly as `Decimal::checked_add` folds them
/// (value and scale), in 128-bit integers; `None` for a negative value (whose zeros have a
/// sign) or a sum beyond 96 bits: fold the decimals then.
pub(crate) fn sum_non_negative(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    let mut sum = ExactSum::default();
    for d in values {
        if d.is_sign_negative() {
            return None;
        }
        sum.add(d).ok()?;
    }
    sum.decimal().ok()
}

/// `a × b` rounded to `dp` decimal places, half to even: exactly
/// `round_half_even(a.checked_mul(b)?, dp)` (mantissa, scale and sign, property-tested), or
/// `None` when the product is zero or would not be exact (its mantissa beyond 96 bits or its
/// scale beyond 28, where `rust_decimal` rounds it first) and the caller multiplies decimals.
/// The usual cost line — hours or a count at a rate — is one 64-bit product, rounded by
/// [`round_half_even`] in at most one 64-bit division.
pub(crate) fn mul_round_half_even(a: Decimal, b: Decimal, dp: u32) -> Option<Decimal> {
    let (Ok(x), Ok(y)) = (
        u64::try_from(a.mantissa().unsigned_abs()),
        u64::try_from(b.mantissa().unsigned_abs()),
    ) else {
        return None;
    };
    let product = u128::from(x) * u128::from(y);
    let scale = a.scale() + b.scale();
    // Left to rust_decimal: a zero, which it gives at scale 0, and a product it would round.
    if product == 0 || product > MAX_MANTISSA as u128 || scale > 28 {
        return None;
    }
    let negative = a.is_sign_negative() != b.is_sign_negative();
    let exact = Decimal::from_parts(
        product as u32,
        (product >> 32) as u32,
        (product >> 64) as u32,
        negative,
        scale,
    );
    Some(round_half_even(exact, dp))
}

/// `d` rounded to `dp` decimal places, half to even: exactly
/// `d.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven)` (mantissa, scale and
/// sign, property-tested), in integers: one 64-bit division when the mantissa and the power of
/// ten fit in 64 bits, as amounts of money do (every cost line is rounded so), else one
/// 128-bit division (a ratio's 28-digit quotient, rounded to its places).
pub(crate) fn round_half_even(d: Decimal, dp: u32) -> Decimal {
    let cut = d.scale().saturating_sub(dp);
    if cut == 0 {
        return d;
    }
    let m = d.mantissa().unsigned_abs();
    if m == 0 {
        // rust_decimal keeps the sign of a zero; `from_parts` would drop it.
        return d.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven);
    }
    // Half to even: up when the remainder is over half, or half and the quotient odd; in a
    // 64-bit division when both fit (faster than a 128-bit one). A scale is at most
    // 28, and 10^28 fits 128 bits.
    let p = POWERS_OF_TEN[cut as usize].unsigned_abs();
    let q = match (u64::try_from(m), u64::try_from(p)) {
        (Ok(m), Ok(p)) => {
            let (q, r) = (m / p, m % p);
            u128::from(q) + u128::from(r > p / 2 || (r == p / 2 && q % 2 == 1))
        }
        _ => {
            let (q, r) = (m / p, m % p);
            q + u128::from(r > p / 2 || (r == p / 2 && q % 2 == 1))
        }
    };
    // `q` is at most `m` (the power is at least 10), so it fits the 96-bit mantissa.
    Decimal::from_parts(
        q as u32,
        (q >> 32) as u32,
        (q >> 64) as u32,
        d.is_sign_negative(),
        dp,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_table_holds_every_power_of_ten_an_i128_holds() {
        for k in 0..45u32 {
            assert_eq!(
                POWERS_OF_TEN.get(k as usize).copied(),
                10i128.checked_pow(k)
            );
        }
    }

    fn same(a: Decimal, b: Decimal) -> bool {
        a.mantissa() == b.mantissa()
            && a.scale() == b.scale()
            && a.is_sign_negative() == b.is_sign_negative()
    }

    proptest! {
        /// The integer sum is the decimal fold, mantissa and scale, zeros of any scale
        /// included; a negative value is left to the fold.
        #[test]
        fn integer_sums_are_decimal_folds(
            values in prop::collection::vec(
                (prop_oneof![Just(0i64), 0i64..=3, 0..10_i64.pow(15)], 0u32..=6),
                0..30,
            ),
            negative in any::<bool>(),
        ) {
            let mut values: Vec<Decimal> = values.into_iter().map(|(m, s)| Decimal::new(m, s)).collect();
            if negative && !values.is_empty() {
                values[0].set_sign_negative(true);
                prop_assert_eq!(sum_non_negative(values), None);
            } else {
                let fold = values
                    .iter()
                    .try_fold(Decimal::ZERO, |a, v| a.checked_add(*v))
                    .unwrap();
                let sum = sum_non_negative(values).unwrap();
                prop_assert!(same(sum, fold), "{} vs {}", sum, fold);
            }
        }

        /// The fused product is the decimal product rounded, mantissa, scale and sign, or
        /// none; it is some for every product of 64-bit mantissas that is exact.
        #[test]
        fn fused_product_is_the_decimal_product_rounded(
            a in (prop_oneof![Just(0u64), 0u64..10_000, 0..10_u64.pow(12), any::<u64>()], 0u32..=16),
            b in (prop_oneof![Just(0u64), 0u64..10_000, 0..10_u64.pow(12), any::<u64>()], 0u32..=16),
            negative in (any::<bool>(), any::<bool>()),
            // Minor units are 0 to 4; larger places reach the products beyond scale 28.
            dp in prop_oneof![0u32..=4, 0u32..=14],
        ) {
            let decimal = |(m, s): (u64, u32), negative: bool| {
                let mut d = Decimal::from_i128_with_scale(i128::from(m), s);
                d.set_sign_negative(negative);
                d
            };
            let (a, b) = (decimal(a, negative.0), decimal(b, negative.1));
            let exact = {
                let p = a.mantissa().unsigned_abs() * b.mantissa().unsigned_abs();
                p != 0 && p <= MAX_MANTISSA as u128 && a.scale() + b.scale() <= 28
            };
            match (mul_round_half_even(a, b, dp), a.checked_mul(b)) {
                (Some(fused), Some(product)) => {
                    let expected = round_half_even(product, dp);
                    prop_assert!(same(fused, expected), "{} x {} to {}: {} vs {}", a, b, dp, fused, expected);
                }
                (Some(fused), None) => prop_assert!(false, "{} x {} overflows, fused gave {}", a, b, fused),
                (None, _) => prop_assert!(!exact, "{} x {} left to decimals", a, b),
            }
        }

        /// Exactly rust_decimal's half-to-even rounding: mantissa, scale and sign.
        #[test]
        fn fast_rounding_is_rust_decimals(
            lo in any::<u32>(), mid in any::<u32>(), hi in prop_oneof![Just(0u32), any::<u32>()],
            small in any::<bool>(), negative in any::<bool>(), scale in 0u32..=28, dp in 0u32..=6,
        ) {
            // Mostly amounts that fit 64 bits (the fast path), some that do not.
            let (mid, hi) = if small { (mid % 1000, 0) } else { (mid, hi) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let expected = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven);
            prop_assert!(same(round_half_even(d, dp), expected), "{} to {}", d, dp);
        }

        /// The text of an amount is rust_decimal's, rescaled to the currency's decimals as
        /// before: any mantissa of 96 bits, any scale, negative zeros, currencies of 0, 2 and 3
        /// decimals; and it is what goes on the wire.
        #[test]
        fn money_text_is_rust_decimals(
            lo in any::<u32>(), mid in any::<u32>(), hi in prop_oneof![Just(0u32), any::<u32>()],
            small in any::<bool>(), negative in any::<bool>(), scale in 0u32..=28,
            code in prop_oneof![Just("EUR"), Just("JPY"), Just("KWD")],
        ) {
            let (mid, hi) = if small { (mid % 1000, 0) } else { (mid, hi) };
            let (lo, mid) = if small && lo % 4 == 0 { (lo % 1000, 0) } else { (lo, mid) };
            let mut amount = Decimal::from_parts(lo, mid, hi, false, scale);
            // Set apart: `from_parts` drops the sign of a zero.
            amount.set_sign_negative(negative);
            let currency = Currency::new(code).unwrap();
            let mut rescaled = amount;
            if rescaled.scale() < currency.minor_units() {
                rescaled.rescale(currency.minor_units());
            }
            let expected = format!("{rescaled} {currency}");
            let money = Money::new(amount, currency);
            prop_assert_eq!(money.to_string(), expected.clone());
            prop_assert_eq!(serde_json::to_string(&money).unwrap(), format!("\"{expected}\""));
        }
    }

    #[test]
    fn money_texts_at_the_edges() {
        let text = |d: Decimal, code: &str| Money::new(d, Currency::new(code).unwrap()).to_string();
        assert_eq!(text(Decimal::ZERO, "EUR"), "0.00 EUR");
        assert_eq!(text(Decimal::ZERO, "JPY"), "0 JPY");
        assert_eq!(text(Decimal::new(-0, 2), "EUR"), "0.00 EUR");
        // A negative zero keeps its sign, as rust_decimal writes it.
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        assert!(negative_zero.is_sign_negative());
        assert_eq!(text(negative_zero, "EUR"), "-0.00 EUR");
        assert_eq!(format!("{negative_zero}"), "-0.00");
        assert_eq!(text(Decimal::new(5, 2), "EUR"), "0.05 EUR");
        assert_eq!(text(Decimal::new(-5, 3), "JPY"), "-0.005 JPY");
        assert_eq!(
            text(Decimal::new(1, 28), "EUR"),
            "0.0000000000000000000000000001 EUR"
        );
        assert_eq!(
            text(Decimal::MIN, "KWD"),
            "-79228162514264337593543950335 KWD"
        );
        assert_eq!(
            text(Decimal::from(10_000_000_000_000_000_000u128), "EUR"),
            "10000000000000000000.00 EUR"
        );
        let longest = text(-Decimal::MAX / Decimal::from(10), "EUR");
        assert_eq!(longest, "-7922816251426433759354395033.5 EUR");
        let widest = text(
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 28),
            "EUR",
        );
        assert_eq!(widest, "-7.9228162514264337593543950335 EUR");
        // The longest text there is (29 digits, a sign and a point) fills the buffer exactly.
        assert_eq!(widest.len(), MoneyText::CAPACITY);
    }

    proptest! {
        /// At and beside the midpoints, where the rounding decides, for mantissas of every
        /// width up to 96 bits (random mantissas almost never land on one).
        #[test]
        fn rounding_at_the_midpoints_is_rust_decimals(
            wide in any::<u128>(), cut in 1u32..=28, dp in 0u32..=6, beside in -1i128..=1,
            negative in any::<bool>(),
        ) {
            prop_assume!(cut + dp <= 28);
            let p = 10u128.pow(cut);
            let q = wide % (MAX_MANTISSA as u128 / p);
            let m = (q * p + p / 2) as i128 + beside;
            prop_assume!(m > 0 && m <= MAX_MANTISSA);
            let d = Decimal::from_i128_with_scale(if negative { -m } else { m }, cut + dp);
            let expected = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven);
            prop_assert!(same(round_half_even(d, dp), expected), "{} to {}", d, dp);
        }
    }

    fn d(mantissa: i64, scale: u32) -> Decimal {
        Decimal::new(mantissa, scale)
    }

    #[test]
    fn fused_products_at_a_midpoint_round_to_even() {
        // Half an hour at 0.25 is 0.125: a tie, to the even cent; 0.135 to 0.14.
        assert_eq!(mul_round_half_even(d(5, 1), d(25, 2), 2), Some(d(12, 2)));
        assert_eq!(mul_round_half_even(d(135, 3), d(1, 0), 2), Some(d(14, 2)));
        assert_eq!(mul_round_half_even(d(-135, 3), d(1, 0), 2), Some(d(-14, 2)));
        assert_eq!(mul_round_half_even(d(1251, 4), d(1, 0), 2), Some(d(13, 2)));
    }

    #[test]
    fn a_product_beyond_scale_28_is_left_to_decimals() {
        // 1.49e-27 at scale 29: rust_decimal keeps 28 places (1.5e-27), which rounds to
        // 2e-27; rounding the exact product once would give 1e-27.
        let (a, b) = (d(149, 15), d(1, 14));
        assert_eq!(mul_round_half_even(a, b, 27), None);
        let decimal = round_half_even(a.checked_mul(b).unwrap(), 27);
        assert_eq!(decimal, d(2, 27));
        // Within 28 places the fused product is the decimal one.
        let (a, b) = (d(149, 14), d(1, 14));
        assert_eq!(mul_round_half_even(a, b, 27), Some(d(15, 27)));
        assert!(same(
            d(15, 27),
            round_half_even(a.checked_mul(b).unwrap(), 27)
        ));
    }

    #[test]
    fn zero_takes_the_scale_of_decimal_addition() {
        let sum = |values: &[Decimal]| {
            let mut s = ExactSum::default();
            for v in values {
                s.add(*v).unwrap();
            }
            s.decimal().unwrap().to_string()
        };
        assert_eq!(sum(&[d(7, 0), d(0, 2)]), "7");
        assert_eq!(sum(&[d(1050, 2), d(-1050, 2), d(7, 0)]), "7");
        assert_eq!(sum(&[d(100, 0), d(0, 4)]), "100");
        assert_eq!(sum(&[d(0, 4)]), "0.0000");
        assert_eq!(sum(&[d(0, 4), d(0, 1)]), "0.0");
        assert_eq!(sum(&[d(1050, 2), d(-1050, 2)]), "0.00");
    }

    #[test]
    fn a_sum_keeps_the_largest_scale() {
        let mut s = ExactSum::default();
        s.add(d(150, 2)).unwrap();
        s.add(d(5, 0)).unwrap();
        assert_eq!(s.decimal().unwrap().to_string(), "6.50");
        s.add(d(1, 3)).unwrap();
        assert_eq!(s.decimal().unwrap().to_string(), "6.501");
        assert_eq!(ExactSum::default().decimal().unwrap().to_string(), "0");
    }

    #[test]
    fn a_sum_beyond_the_decimal_range_is_an_overflow() {
        let mut s = ExactSum::default();
        s.add(Decimal::MAX).unwrap();
        assert!(s.fits());
        s.add(d(1, 0)).unwrap();
        assert!(!s.fits());
        assert_eq!(s.decimal(), Err(crate::error::Problem::Overflow));
        // Rescaling past i128 is an overflow too, never a wrap.
        let mut big = ExactSum::default();
        big.add(Decimal::MAX).unwrap();
        assert_eq!(big.add(d(1, 28)), Err(crate::error::Problem::Overflow));
    }

    proptest! {
        /// The same decimal, value and scale, as `Decimal` addition one by one.
        #[test]
        fn same_as_adding_decimals(
            // Zeros and values that cancel out are frequent: they decide the scale.
            values in prop::collection::vec(
                (prop_oneof![Just(0i64), -3i64..=3, -10_i64.pow(15)..10_i64.pow(15)], 0u32..=6),
                0..40,
            )
        ) {
            let mut sum = ExactSum::default();
            let mut expected = Decimal::ZERO;
            for (m, s) in values {
                sum.add(d(m, s)).unwrap();
                expected = expected.checked_add(d(m, s)).unwrap();
            }
            let got = sum.decimal().unwrap();
            prop_assert_eq!(got.to_string(), expected.to_string());
            prop_assert_eq!(got.scale(), expected.scale());
        }
    }

    #[test]
    fn fast_rounding_at_the_midpoints_and_zero() {
        for (text, dp, rounded) in [
            ("0.125", 2, "0.12"),
            ("0.135", 2, "0.14"),
            ("-0.125", 2, "-0.12"),
            ("-0.004", 2, "0.00"),
            ("2.5", 0, "2"),
            ("3.5", 0, "4"),
            ("0.00000", 2, "0.00"),
            ("1.2", 2, "1.2"),
        ] {
            let d: Decimal = text.parse().unwrap();
            let fast = round_half_even(d, dp);
            assert_eq!(fast.to_string(), rounded, "{text}");
            assert!(same(
                fast,
                d.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven)
            ));
        }
        // A negative zero keeps its sign, as rust_decimal keeps it.
        let mut zero = Decimal::new(0, 3);
        zero.set_sign_negative(true);
        let rounded = round_half_even(zero, 2);
        assert!(rounded.is_sign_negative() && rounded.scale() == 2);
        assert!(same(
            rounded,
            zero.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
        ));
    }

    #[test]
    fn rounding_is_half_to_even_at_the_minor_unit() {
        let m = |s: &str| s.parse::<Money>().unwrap();
        assert_eq!(m("0.125 EUR").round(), m("0.12 EUR"));
        assert_eq!(m("0.135 EUR").round(), m("0.14 EUR"));
        assert_eq!(m("2.5 JPY").round(), m("2 JPY"));
        assert_eq!(m("1.0005 KWD").round(), m("1.000 KWD"));
    }

    #[test]
    fn division_by_zero_and_overflow_are_told_apart() {
        let m = Money::new(Decimal::MAX, Currency::EUR);
        assert_eq!(
            m.checked_div(Decimal::ZERO),
            Err(MoneyError::DivisionByZero)
        );
        assert_eq!(m.checked_mul(Decimal::TWO), Err(MoneyError::Overflow));
        assert_eq!(m.ratio_to(Money::zero(Currency::EUR)), Ok(None));
        assert_eq!(
            m.ratio_to(Money::new(Decimal::new(1, 28), Currency::EUR)),
            Err(MoneyError::Overflow)
        );
    }
}
