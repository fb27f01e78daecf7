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
        self.analytics_of(self.whale_curve(20), self.revenue_concentration(10))
    }

    /// The headline analytics with the whale curve and concentration given.
    pub(super) fn analytics_of(
        &self,
        whale_curve: WhaleCurve,
        concentration: Concentration,
    ) -> Analytics {
        let losses = self
            .rows
            .iter()
            .filter(|r| r.profit.is_negative())
            .try_fold(Money::zero(self.currency), |acc, r| {
                acc.checked_add(r.profit)
            })
            .unwrap_or(Money::zero(self.currency));
        Analytics {
            margin_before: self.margin_before(),
            margin_after: self.margin_after(),
            whale_curve,
            concentration,
            loss_makers: self.rows.iter().filter(|r| r.profit.is_negative()).count() as u64,
            losses,
        }
    }

    /// The whale curve: customers ranked by profit, cumulative profit as a share of the total.
    pub fn whale_curve(&self, max_points: usize) -> WhaleCurve {
        let profits = sorted_descending(self.rows.iter().map(|r| r.profit.amount()).collect());
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
        let currency = self.currency;
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

    /// Revenue concentration: share of the top customers and the Herfindahl index.
    pub fn revenue_concentration(&self, top: usize) -> Concentration {
        let revenues = sorted_descending(self.rows.iter().map(|r| r.revenue.amount()).collect());
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

    #[test]
    fn values_beyond_i128_fall_back_to_decimal_order() {
        let sorted = sorted_descending(vec![d(1, 28), Decimal::MAX, Decimal::MIN, d(-1, 28)]);
        assert_eq!(sorted, [Decimal::MAX, d(1, 28), d(-1, 28), Decimal::MIN]);
    }

    proptest! {
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
