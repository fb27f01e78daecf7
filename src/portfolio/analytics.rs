//! The figures read first: whale curve, concentration, the headline analytics.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::PortfolioReport;
use crate::money::Money;
use crate::units::{decimal_to_f64, Ratio};

pub(super) fn ratio(num: Decimal, den: Decimal) -> Option<Ratio> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
            .map(|r| Ratio::new(crate::money::round_half_even(r, 6).normalize()))
    }
}

/// `values` from largest to smallest, equal values in their given order (the order decides the
/// scale of the running sums). Comparing decimals of any scale is slow, so when every value
/// rescaled to the largest scale fits an `i128` (always, for bounded money) the sort compares
/// those exact integers instead; when all values share one scale (money rounded to its minor
/// unit) equal integers are identical values, so their order cannot matter.
pub(super) fn sorted_descending(values: Vec<Decimal>) -> Vec<Decimal> {
    let scale = values.iter().map(Decimal::scale).max().unwrap_or(0);
    if values
        .iter()
        .all(|d| d.scale() == scale && !is_negative_zero(d))
    {
        // Amounts of money fit 64 bits: half the memory to sort, and cheaper comparisons.
        let narrow: Option<Vec<i64>> = values
            .iter()
            .map(|d| i64::try_from(d.mantissa()).ok())
            .collect();
        if let Some(keys) = narrow {
            // The keys are the values now: a million of them take 16 MB.
            drop(values);
            let keys = radix_sorted_descending(keys, |k| *k);
            return keys.into_iter().map(|k| Decimal::new(k, scale)).collect();
        }
        let mut keys: Vec<i128> = values.iter().map(Decimal::mantissa).collect();
        keys.sort_unstable_by(|a, b| b.cmp(a));
        return keys
            .into_iter()
            .map(|k| Decimal::from_i128_with_scale(k, scale))
            .collect();
    }
    // Amounts of money rescaled to the largest scale fit 64 bits too.
    let narrow_key = |d: &Decimal| -> Option<i64> {
        let up = 10i64.checked_pow(scale - d.scale())?;
        i64::try_from(d.mantissa()).ok()?.checked_mul(up)
    };
    if let Some(keyed) = values
        .iter()
        .map(|d| narrow_key(d).map(|k| (k, *d)))
        .collect::<Option<Vec<_>>>()
    {
        drop(values);
        let sorted = radix_sorted_descending(keyed, |k| k.0);
        return sorted.into_iter().map(|(_, d)| d).collect();
    }
    let key = |d: &Decimal| -> Option<i128> {
        let up = 10i128.checked_pow(scale - d.scale())?;
        d.mantissa().checked_mul(up)
    };
    match values
        .iter()
        .map(|d| key(d).map(|k| (k, *d)))
        .collect::<Option<Vec<_>>>()
    {
        Some(mut keyed) => {
            keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
            keyed.into_iter().map(|(_, d)| d).collect()
        }
        None => {
            let mut values = values;
            values.sort_by(|a, b| b.cmp(a));
            values
        }
    }
}

/// Whether `d` is a zero with its sign set: it would come back positive from its mantissa, so
/// a list with one is sorted as decimals.
fn is_negative_zero(d: &Decimal) -> bool {
    d.is_zero() && d.is_sign_negative()
}

/// `items` from the largest `key` to the smallest, equal keys in their given order: a
/// least-significant-byte-first radix sort of the keys' distances from the largest, linear in
/// the items where comparing a million amounts is not. The distances of amounts of money span
/// a few bytes, and a byte that is the same in every distance takes no pass.
fn radix_sorted_descending<T: Copy>(mut items: Vec<T>, key: impl Fn(&T) -> i64) -> Vec<T> {
    let Some(max) = items.iter().map(&key).max() else {
        return items;
    };
    // At most 2^64 - 1 apart: exact in a u64.
    let distance = |x: &T| (i128::from(max) - i128::from(key(x))) as u64;
    let mut counts = [[0usize; 256]; 8];
    for x in &items {
        let d = distance(x);
        for (byte, c) in counts.iter_mut().enumerate() {
            c[(d >> (8 * byte)) as usize & 0xff] += 1;
        }
    }
    let mut scratch = items.clone();
    for (byte, c) in counts.iter().enumerate() {
        if c.contains(&items.len()) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut start = 0;
        for (slot, n) in next.iter_mut().zip(c) {
            *slot = start;
            start += n;
        }
        for x in &items {
            let b = (distance(x) >> (8 * byte)) as usize & 0xff;
            scratch[next[b]] = *x;
            next[b] += 1;
        }
        std::mem::swap(&mut items, &mut scratch);
    }
    items
}

pub(super) fn ratio_if(defined: bool, num: Decimal, den: Decimal) -> Option<Ratio> {
    if defined {
        ratio(num, den)
    } else {
        None
    }
}

/// The whale curve of `profits` (in any order), sampled at up to `max_points` points.
fn whale_curve_of(
    profits: Vec<Decimal>,
    max_points: usize,
    currency: crate::money::Currency,
) -> WhaleCurve {
    let n = profits.len();

    // Amounts of one scale that fit 64 bits (money rounded to its minor unit) are summed
    // as exact integers: the same decimals, without a decimal addition per customer.
    // (An `i128` holds the sum of 2^64 of them; a sum beyond 96 bits does not convert, and
    // the decimals are summed then, as they saturate.)
    let curve = sorted_keys_descending(&profits).and_then(|(keys, scale)| {
        let exact = |x: i128| Decimal::try_from_i128_with_scale(x, scale).ok();
        // The smallest decimal is the floor the peak starts from, in both.
        let floor = Decimal::MIN.mantissa();
        climb(&keys, max_points, 0i128, floor, |a, k| a + i128::from(*k)).map(exact)
    });
    let curve = curve.unwrap_or_else(|| {
        let profits = sorted_descending(profits);
        let mut curve = climb(&profits, max_points, Decimal::ZERO, Decimal::MIN, |a, p| {
            a.checked_add(*p).unwrap_or(a)
        });
        curve.total = profits
            .iter()
            .try_fold(Decimal::ZERO, |a, p| a.checked_add(*p))
            .unwrap_or(Decimal::MAX);
        curve
    });
    curve.into_whale_curve(n, currency)
}

/// `values` from largest to smallest as the mantissas of their one scale, when they share one
/// (money rounded to its minor unit), none is a negative zero and every one fits 64 bits.
fn sorted_keys_descending(values: &[Decimal]) -> Option<(Vec<i64>, u32)> {
    let scale = values.first()?.scale();
    let keys: Option<Vec<i64>> = values
        .iter()
        .map(|d| {
            (d.scale() == scale && !is_negative_zero(d))
                .then(|| i64::try_from(d.mantissa()).ok())
                .flatten()
        })
        .collect();
    Some((radix_sorted_descending(keys?, |k| *k), scale))
}

/// The cumulative sums along amounts sorted from largest to smallest, in any arithmetic.
struct Climb<T> {
    total: T,
    /// The highest sum, or the floor it started from.
    peak: T,
    peak_rank: usize,
    top_20: T,
    /// `(customers, cumulative sum)` at every sampled point.
    points: Vec<(usize, T)>,
}

/// Climb the whale curve over `sorted` amounts: `add` adds an amount to a sum; the total is
/// the sum of all; the peak is the first highest sum above `floor`.
fn climb<V, T: Copy + PartialOrd>(
    sorted: &[V],
    max_points: usize,
    zero: T,
    floor: T,
    add: impl Fn(T, &V) -> T,
) -> Climb<T> {
    let n = sorted.len();
    let step = (n / max_points.max(1)).max(1);
    let top_n = ((n as f64) * 0.2).ceil() as usize;
    let mut c = Climb {
        total: zero,
        peak: floor,
        peak_rank: 0,
        top_20: zero,
        points: Vec::new(),
    };
    let mut cumulative = zero;
    for (i, v) in sorted.iter().enumerate() {
        cumulative = add(cumulative, v);
        if cumulative > c.peak {
            c.peak = cumulative;
            c.peak_rank = i + 1;
        }
        if i + 1 == top_n {
            c.top_20 = cumulative;
        }
        if (i + 1) % step == 0 || i + 1 == n {
            c.points.push((i + 1, cumulative));
        }
    }
    c.total = cumulative;
    c
}

impl<T> Climb<T> {
    /// The same climb in other numbers; `None` when one does not convert.
    fn map(self, f: impl Fn(T) -> Option<Decimal>) -> Option<Climb<Decimal>> {
        Some(Climb {
            total: f(self.total)?,
            peak: f(self.peak)?,
            peak_rank: self.peak_rank,
            top_20: f(self.top_20)?,
            points: self
                .points
                .into_iter()
                .map(|(i, x)| Some((i, f(x)?)))
                .collect::<Option<_>>()?,
        })
    }
}

impl Climb<Decimal> {
    fn into_whale_curve(self, n: usize, currency: crate::money::Currency) -> WhaleCurve {
        let total = self.total;
        let defined = total > Decimal::ZERO;
        let mut points = vec![(0.0, defined.then(|| Ratio::new(Decimal::ZERO)))];
        points.extend(self.points.into_iter().map(|(i, cumulative)| {
            (
                i as f64 / n as f64,
                ratio_if(defined, cumulative, total).map(|r| Ratio::new(r.get().round_dp(4))),
            )
        }));
        let peak = if n == 0 { Decimal::ZERO } else { self.peak };
        WhaleCurve {
            total_profit: Money::new(total, currency),
            peak_profit: Money::new(peak, currency),
            peak_rank: self.peak_rank,
            peak_customer_share: if n == 0 {
                0.0
            } else {
                self.peak_rank as f64 / n as f64
            },
            peak_share: ratio_if(defined, peak, total),
            top_20_share: ratio_if(defined && n > 0, self.top_20, total),
            points,
        }
    }
}

/// The whale curve (Kaplan and Narayanan: the most profitable 20 % of customers typically earn
/// 150-300 % of total profit).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhaleCurve {
    /// Total profit.
    pub total_profit: Money,
    /// Highest cumulative profit along the curve.
    pub peak_profit: Money,
    /// How many of the most profitable customers reach the peak.
    pub peak_rank: usize,
    /// Those customers as a share of all.
    pub peak_customer_share: f64,
    /// The peak as a share of total profit; `None` when total profit is zero or negative.
    pub peak_share: Option<Ratio>,
    /// Profit share of the most profitable 20 %; `None` when total profit is not positive.
    pub top_20_share: Option<Ratio>,
    /// `(share of customers, cumulative share of profit)`, sampled.
    pub points: Vec<(f64, Option<Ratio>)>,
}

/// Revenue concentration.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concentration {
    /// How many top customers.
    pub top: usize,
    /// Their share of revenue.
    pub top_share: Option<Ratio>,
    /// Herfindahl index of revenue shares (0 to 1).
    pub herfindahl: Option<f64>,
}

/// The headline figures of a complete report, so that its JSON can be rendered alone.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analytics {
    /// Margin ratio now.
    pub margin_before: Option<Ratio>,
    /// Margin ratio after the plan.
    pub margin_after: Option<Ratio>,
    /// The whale curve, with up to 20 points, its peak and where it is, the top-20 % share.
    pub whale_curve: WhaleCurve,
    /// Revenue concentration of the ten largest customers.
    pub concentration: Concentration,
    /// Customers who lose money.
    pub loss_makers: u64,
    /// What they lose together (zero or negative).
    pub losses: Money,
}

impl PortfolioReport {
    /// The headline figures from the rows and totals.
    pub fn analytics(&self) -> Analytics {
        self.analytics_of(
            self.whale_curve(20),
            self.revenue_concentration(10),
            self.losses(),
        )
    }

    /// The customers who lose money and what they lose together (zero when that overflows).
    pub(super) fn losses(&self) -> (u64, Money) {
        let zero = Money::zero(self.currency);
        let (count, sum) = self
            .rows
            .iter()
            .filter(|r| r.profit.is_negative())
            .fold((0u64, Some(zero)), |(n, sum), r| {
                (n + 1, sum.and_then(|s| s.checked_add(r.profit).ok()))
            });
        (count, sum.unwrap_or(zero))
    }

    /// The headline analytics with the whale curve, concentration and losses given.
    pub(super) fn analytics_of(
        &self,
        whale_curve: WhaleCurve,
        concentration: Concentration,
        (loss_makers, losses): (u64, Money),
    ) -> Analytics {
        Analytics {
            margin_before: self.margin_before(),
            margin_after: self.margin_after(),
            whale_curve,
            concentration,
            loss_makers,
            losses,
        }
    }

    /// The whale curve: customers ranked by profit, cumulative profit as a share of the total.
    pub fn whale_curve(&self, max_points: usize) -> WhaleCurve {
        let profits: Vec<Decimal> = self.rows.iter().map(|r| r.profit.amount()).collect();
        whale_curve_of(profits, max_points, self.currency)
    }

    /// Revenue concentration: share of the top customers and the Herfindahl index.
    pub fn revenue_concentration(&self, top: usize) -> Concentration {
        let revenues: Vec<Decimal> = self.rows.iter().map(|r| r.revenue.amount()).collect();
        concentration_of(revenues, top)
    }
}

/// The concentration of `revenues` (in any order) in the `top` largest.
fn concentration_of(revenues: Vec<Decimal>, top: usize) -> Concentration {
    // Amounts of one scale that fit 64 bits are summed as exact integers (see
    // `whale_curve_of`); the index adds the same `f64` shares in the same order.
    let sums = |sorted: &[i64], scale: u32| {
        let sum = |n: usize| {
            let exact = sorted.iter().take(n).map(|&k| i128::from(k)).sum::<i128>();
            Decimal::try_from_i128_with_scale(exact, scale).ok()
        };
        Some((sum(sorted.len())?, sum(top)?))
    };
    if let Some((sorted, scale)) = sorted_keys_descending(&revenues) {
        if let Some((total, top_sum)) = sums(&sorted, scale) {
            let shares = sorted
                .iter()
                .map(|&k| decimal_to_f64(Decimal::new(k, scale)));
            return concentration(top, total, top_sum, shares);
        }
    }
    let revenues = sorted_descending(revenues);
    let sum = |n: usize| {
        revenues
            .iter()
            .take(n)
            .try_fold(Decimal::ZERO, |a, r| a.checked_add(*r))
            .unwrap_or(Decimal::MAX)
    };
    let (total, top_sum) = (sum(revenues.len()), sum(top));
    concentration(
        top,
        total,
        top_sum,
        revenues.iter().map(|r| decimal_to_f64(*r)),
    )
}

/// The concentration of revenues summing to `total`, the `top` largest to `top_sum`, given
/// each revenue as an `f64` from the largest.
fn concentration(
    top: usize,
    total: Decimal,
    top_sum: Decimal,
    revenues: impl Iterator<Item = f64>,
) -> Concentration {
    let defined = total > Decimal::ZERO;
    let total_f = decimal_to_f64(total);
    let hhi = defined.then(|| {
        revenues
            .map(|r| {
                let s = r / total_f;
                s * s
            })
            .sum::<f64>()
    });
    Concentration {
        top,
        top_share: ratio_if(defined, top_sum, total),
        herfindahl: hhi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(mantissa: i64, scale: u32) -> Decimal {
        Decimal::new(mantissa, scale)
    }

    #[test]
    fn equal_values_keep_their_order_and_scale() {
        let sorted = sorted_descending(vec![d(10, 1), d(5, 0), d(100, 2), d(-3, 0), d(1, 0)]);
        let shown: Vec<String> = sorted.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["5", "1.0", "1.00", "1", "-3"]);
    }

    #[test]
    fn a_negative_zero_keeps_its_sign() {
        let mut zero = d(0, 2);
        zero.set_sign_negative(true);
        let sorted = sorted_descending(vec![zero, d(100, 2)]);
        assert_eq!(sorted, [d(100, 2), zero]);
        assert!(sorted[1].is_sign_negative());
        // Alone, too: no integer path may take it.
        let sorted = sorted_descending(vec![zero, zero]);
        assert!(sorted.iter().all(|z| z.is_zero() && z.is_sign_negative()));
    }

    /// Money rounded to its minor unit takes the integer path; mixed scales, a negative zero
    /// and mantissas beyond 64 bits do not (they are summed as decimals).
    #[test]
    fn one_scale_in_64_bits_is_sorted_as_integer_keys() {
        let keys = sorted_keys_descending(&[d(150, 2), d(-5, 2), d(300, 2), d(150, 2)]);
        assert_eq!(keys, Some((vec![300, 150, 150, -5], 2)));
        assert_eq!(sorted_keys_descending(&[d(150, 2), d(15, 1)]), None);
        let mut zero = d(0, 2);
        zero.set_sign_negative(true);
        assert_eq!(sorted_keys_descending(&[d(150, 2), zero]), None);
        assert_eq!(sorted_keys_descending(&[Decimal::MAX]), None);
        assert_eq!(sorted_keys_descending(&[]), None);
        // Their climb converts to decimals of their scale (sums beyond 96 bits do not).
        let exact = |x: i128| Decimal::try_from_i128_with_scale(x, 2).ok();
        let add = |a: i128, k: &i64| a + i128::from(*k);
        let floor = Decimal::MIN.mantissa();
        let climbed = climb(&[300i64, 150, -5], 20, 0, floor, add)
            .map(exact)
            .unwrap();
        assert_eq!(
            (climbed.total, climbed.peak, climbed.peak_rank),
            (d(445, 2), d(450, 2), 2)
        );
        assert!(climb(&[i64::MAX; 2], 20, 1 << 96, floor, add)
            .map(exact)
            .is_none());
    }

    #[test]
    fn values_beyond_i128_fall_back_to_decimal_order() {
        let sorted = sorted_descending(vec![d(1, 28), Decimal::MAX, Decimal::MIN, d(-1, 28)]);
        assert_eq!(sorted, [Decimal::MAX, d(1, 28), d(-1, 28), Decimal::MIN]);
    }

    /// The whale curve as it was computed before the integer path: decimal additions along
    /// the sorted profits.
    fn whale_curve_by_decimals(profits: Vec<Decimal>, max_points: usize) -> WhaleCurve {
        let currency = crate::money::Currency::EUR;
        let profits = sorted_descending(profits);
        let total: Decimal = profits
            .iter()
            .try_fold(Decimal::ZERO, |a, p| a.checked_add(*p))
            .unwrap_or(Decimal::MAX);
        let n = profits.len();
        let (mut cumulative, mut peak, mut peak_rank) = (Decimal::ZERO, Decimal::MIN, 0usize);
        let step = (n / max_points.max(1)).max(1);
        let defined = total > Decimal::ZERO;
        let mut points = vec![(0.0, defined.then(|| Ratio::new(Decimal::ZERO)))];
        let mut top_profit = Decimal::ZERO;
        let top_n = ((n as f64) * 0.2).ceil() as usize;
        for (i, p) in profits.iter().enumerate() {
            cumulative = cumulative.checked_add(*p).unwrap_or(cumulative);
            if cumulative > peak {
                peak = cumulative;
                peak_rank = i + 1;
            }
            if i + 1 == top_n {
                top_profit = cumulative;
            }
            if (i + 1) % step == 0 || i + 1 == n {
                points.push((
                    (i + 1) as f64 / n as f64,
                    ratio_if(defined, cumulative, total).map(|r| Ratio::new(r.get().round_dp(4))),
                ));
            }
        }
        WhaleCurve {
            total_profit: Money::new(total, currency),
            peak_profit: Money::new(if n == 0 { Decimal::ZERO } else { peak }, currency),
            peak_rank,
            peak_customer_share: if n == 0 {
                0.0
            } else {
                peak_rank as f64 / n as f64
            },
            peak_share: ratio_if(defined, peak, total),
            top_20_share: ratio_if(defined && n > 0, top_profit, total),
            points,
        }
    }

    /// The concentration as it was computed before the integer path.
    fn concentration_by_decimals(revenues: Vec<Decimal>, top: usize) -> Concentration {
        let revenues = sorted_descending(revenues);
        let total: Decimal = revenues
            .iter()
            .try_fold(Decimal::ZERO, |a, r| a.checked_add(*r))
            .unwrap_or(Decimal::MAX);
        let defined = total > Decimal::ZERO;
        let top_sum = revenues
            .iter()
            .take(top)
            .try_fold(Decimal::ZERO, |a, r| a.checked_add(*r))
            .unwrap_or(Decimal::MAX);
        let total_f = decimal_to_f64(total);
        let hhi = defined.then(|| {
            revenues
                .iter()
                .map(|r| {
                    let s = decimal_to_f64(*r) / total_f;
                    s * s
                })
                .sum::<f64>()
        });
        Concentration {
            top,
            top_share: ratio_if(defined, top_sum, total),
            herfindahl: hhi,
        }
    }

    proptest! {
        /// Concentration summed in integers is the one summed in decimals, the index to the
        /// bit.
        #[test]
        fn the_integer_concentration_is_the_decimal_one(
            values in prop_oneof![
                prop::collection::vec((0i64..10i64.pow(9), 2u32..=2), 0..80),
                prop::collection::vec((any::<i64>(), 0u32..=2), 0..80),
                prop::collection::vec((any::<i64>(), 0u32..=0), 0..80),
            ],
            huge in proptest::option::of(prop_oneof![Just(Decimal::MAX), Just(Decimal::MIN)]),
            top in 0usize..15,
        ) {
            let mut revenues: Vec<Decimal> = values.into_iter().map(|(m, s)| d(m, s)).collect();
            revenues.extend(huge);
            let got = concentration_of(revenues.clone(), top);
            let expected = concentration_by_decimals(revenues, top);
            prop_assert_eq!(format!("{got:?}"), format!("{expected:?}"));
            prop_assert_eq!(got.herfindahl.map(f64::to_bits), expected.herfindahl.map(f64::to_bits));
        }

        /// The whale curve summed in integers is the one summed in decimals, to the scale of
        /// every figure: one scale or mixed, near the 96-bit edge or not, any number of points.
        #[test]
        fn the_integer_whale_curve_is_the_decimal_one(
            values in prop_oneof![
                prop::collection::vec((-10i64.pow(9)..10i64.pow(9), 2u32..=2), 0..80),
                prop::collection::vec((any::<i64>(), 0u32..=2), 0..80),
                prop::collection::vec((-5i64..5, 0u32..=1), 0..80),
                prop::collection::vec((any::<i64>(), 0u32..=0), 0..80),
            ],
            huge in proptest::option::of(prop_oneof![Just(Decimal::MAX), Just(Decimal::MIN)]),
            max_points in 0usize..30,
        ) {
            let mut profits: Vec<Decimal> = values.into_iter().map(|(m, s)| d(m, s)).collect();
            profits.extend(huge);
            let got = whale_curve_of(profits.clone(), max_points, crate::money::Currency::EUR);
            let expected = whale_curve_by_decimals(profits, max_points);
            let exact = |w: &WhaleCurve| format!("{w:?}");
            prop_assert_eq!(exact(&got), exact(&expected));
        }

        /// Largest first and stable, for keys of any width and sign, the extremes included.
        #[test]
        fn radix_sort_is_a_stable_descending_sort(
            keys in prop_oneof![
                prop::collection::vec(any::<i64>(), 0..200),
                prop::collection::vec(-300i64..300, 0..200),
                prop::collection::vec(prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0i64)], 0..20),
            ]
        ) {
            let items: Vec<(i64, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|x| std::cmp::Reverse(x.0));
            prop_assert_eq!(radix_sorted_descending(items, |x| x.0), expected);
        }

        #[test]
        fn same_as_a_stable_decimal_sort(
            // One scale and money-like scales take the integer paths; any scale may need the
            // fallback.
            values in prop_oneof![
                prop::collection::vec((any::<i64>(), 2u32..=2), 0..60),
                prop::collection::vec((any::<i64>(), 0u32..=4), 0..60),
                // Amounts of mixed scales that fit 64 bits at the largest: the keyed radix sort.
                prop::collection::vec((-10i64.pow(12)..10i64.pow(12), 0u32..=4), 0..60),
                prop::collection::vec((-30i64..30, 0u32..=2), 0..60),
                prop::collection::vec((any::<i64>(), 0u32..=28), 0..60),
            ]
        ) {
            let values: Vec<Decimal> = values.into_iter().map(|(m, s)| d(m, s)).collect();
            let mut expected = values.clone();
            expected.sort_by(|a, b| b.cmp(a));
            let got = sorted_descending(values);
            let text = |v: &[Decimal]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
            prop_assert_eq!(text(&got), text(&expected));
        }

        /// Mantissas beyond 64 bits at one scale take the 128-bit integer path.
        #[test]
        fn wide_mantissas_sort_as_decimals(
            values in prop::collection::vec((any::<i64>(), 0i128..(1 << 30), any::<bool>()), 0..60)
        ) {
            let values: Vec<Decimal> = values
                .into_iter()
                .map(|(hi, lo, wide)| {
                    let m = if wide { i128::from(hi) * (1 << 30) + lo } else { i128::from(hi) };
                    Decimal::from_i128_with_scale(m, 2)
                })
                .collect();
            let mut expected = values.clone();
            expected.sort_by(|a, b| b.cmp(a));
            let got = sorted_descending(values);
            let text = |v: &[Decimal]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
            prop_assert_eq!(text(&got), text(&expected));
        }
    }
}
