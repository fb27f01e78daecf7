//! Plausible values of the facts that have no natural bound (DESIGN "Decide on the facts at
//! hand"): growth whitespace relative to revenue and last year's revenue growth.
//!
//! An unknown share, probability or NPS has a range (0..=1, -100..=100), and its best case is
//! the end of it. Whitespace and revenue growth have none: "at best" they are any number, so a
//! customer whose whitespace is unrecorded could never be known to have little growth
//! potential. Their *plausible* range is the one the portfolio shows where the fact is known —
//! a low and a high quantile of the known values, found between the phases from every
//! customer's value (so the same in any sharding) — or, with too few known values and for a
//! customer assessed alone, the configured range.
//!
//! A signal that holds only under the plausible range (and would not under the full range) is
//! an estimate: it can make a let-go provisional, never confirmed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{check_range, Error, Problem, Result};

/// A closed range of plausible values, `low..=high`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlausibleRange {
    /// The lowest plausible value.
    pub low: f64,
    /// The highest plausible value.
    pub high: f64,
}

impl PlausibleRange {
    fn validate(&self, field: &str) -> Result<()> {
        if !(self.low.is_finite() && self.high.is_finite() && self.low <= self.high) {
            return Err(Error::config(
                field,
                Problem::OutOfRange {
                    value: format!("{}..={}", self.low, self.high),
                    allowed: "finite, low at most high".into(),
                },
            ));
        }
        Ok(())
    }
}

impl fmt::Display for PlausibleRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}% to {:.1}%", self.low * 100.0, self.high * 100.0)
    }
}

/// How plausible ranges are found; plain serde data with documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct PlausibleConfig {
    /// Growth whitespace as a share of annual revenue, when the portfolio cannot tell
    /// (default 0 to 1: none, or as much again as the customer pays).
    pub whitespace_ratio: PlausibleRange,
    /// Revenue growth over the last year, when the portfolio cannot tell (default -0.5 to
    /// 0.5).
    pub historical_growth: PlausibleRange,
    /// The quantile of the known values taken as the high end; one minus it is the low end
    /// (default 0.9: the 10th to the 90th percentile).
    pub quantile: f64,
    /// Known values needed before the portfolio's range replaces the configured one
    /// (default 30).
    pub min_known: u64,
}

impl Default for PlausibleConfig {
    fn default() -> Self {
        PlausibleConfig {
            whitespace_ratio: PlausibleRange {
                low: 0.0,
                high: 1.0,
            },
            historical_growth: PlausibleRange {
                low: -0.5,
                high: 0.5,
            },
            quantile: 0.9,
            min_known: 30,
        }
    }
}

impl PlausibleConfig {
    pub(crate) fn validate(&self) -> Result<()> {
        self.whitespace_ratio
            .validate("plausible.whitespace_ratio")?;
        if self.whitespace_ratio.low < 0.0 {
            return Err(Error::config(
                "plausible.whitespace_ratio",
                Problem::OutOfRange {
                    value: self.whitespace_ratio.low.to_string(),
                    allowed: "a low end of at least 0".into(),
                },
            ));
        }
        self.historical_growth
            .validate("plausible.historical_growth")?;
        check_range("plausible.quantile", self.quantile, 0.5, 1.0)
    }

    /// The configured ranges, for a customer assessed alone.
    pub fn configured(&self) -> PlausibleRanges {
        PlausibleRanges {
            whitespace_ratio: self.whitespace_ratio,
            historical_growth: self.historical_growth,
            known_whitespace: 0,
            known_historical_growth: 0,
        }
    }

    /// The ranges the known values show: for each fact with at least `min_known` finite
    /// values, from the `1 - quantile` to the `quantile` quantile (nearest rank); otherwise
    /// the configured range. The values may come in any order (they are selected, not
    /// sorted, and equal values have equal bits), so shards that merge their values get the
    /// same ranges as one run.
    pub fn from_known(
        &self,
        whitespace_ratios: &[f64],
        historical_growth: &[f64],
    ) -> PlausibleRanges {
        let (ws, ws_n) = self.range_of(whitespace_ratios, self.whitespace_ratio);
        let (hg, hg_n) = self.range_of(historical_growth, self.historical_growth);
        PlausibleRanges {
            // Whitespace is never negative, whatever the data says.
            whitespace_ratio: PlausibleRange {
                low: ws.low.max(0.0),
                high: ws.high.max(0.0),
            },
            historical_growth: hg,
            known_whitespace: ws_n,
            known_historical_growth: hg_n,
        }
    }

    fn range_of(&self, values: &[f64], configured: PlausibleRange) -> (PlausibleRange, u64) {
        let mut known: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = known.len() as u64;
        if n == 0 || n < self.min_known {
            return (configured, n);
        }
        let high = nearest_rank(&mut known, self.quantile);
        let low = nearest_rank(&mut known, 1.0 - self.quantile);
        (PlausibleRange { low, high }, n)
    }
}

/// The value at quantile `q` of `values` (not empty) by the nearest-rank method: the
/// `ceil(q·n)`-th smallest, at least the first.
fn nearest_rank(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    let (_, v, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    *v
}

/// The plausible ranges an assessment uses: from the portfolio, or configured.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlausibleRanges {
    /// Growth whitespace as a share of annual revenue (of the configured yearly base without
    /// revenue).
    pub whitespace_ratio: PlausibleRange,
    /// Revenue growth over the last year.
    pub historical_growth: PlausibleRange,
    /// How many known whitespace values the range was found from (0: configured).
    pub known_whitespace: u64,
    /// How many known growth values the range was found from (0: configured).
    pub known_historical_growth: u64,
}

impl Default for PlausibleRanges {
    fn default() -> Self {
        PlausibleConfig::default().configured()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_takes_the_ceiling_rank() {
        let mut v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&mut v, 0.9), 9.0);
        assert_eq!(nearest_rank(&mut v, 0.1), 1.0);
        assert_eq!(nearest_rank(&mut v, 0.95), 10.0);
        assert_eq!(nearest_rank(&mut v, 0.0), 1.0);
        let mut one = vec![3.5];
        assert_eq!(nearest_rank(&mut one, 0.9), 3.5);
    }

    #[test]
    fn too_few_known_values_keep_the_configured_range() {
        let config = PlausibleConfig {
            min_known: 5,
            ..PlausibleConfig::default()
        };
        let four = [0.1, 0.2, 0.3, 0.4];
        let r = config.from_known(&four, &[]);
        assert_eq!(r.whitespace_ratio, config.whitespace_ratio);
        assert_eq!((r.known_whitespace, r.known_historical_growth), (4, 0));
        let five = [0.1, 0.2, 0.3, 0.4, f64::NAN, 0.5];
        let r = config.from_known(&five, &[]);
        assert_eq!(
            r.whitespace_ratio,
            PlausibleRange {
                low: 0.1,
                high: 0.5
            }
        );
        assert_eq!(r.known_whitespace, 5);
    }

    #[test]
    fn the_order_of_the_values_does_not_matter() {
        let config = PlausibleConfig {
            min_known: 1,
            ..PlausibleConfig::default()
        };
        let values: Vec<f64> = (0..97).map(|i| f64::from((i * 37) % 97) / 10.0).collect();
        let mut reversed = values.clone();
        reversed.reverse();
        assert_eq!(
            config.from_known(&[], &values),
            config.from_known(&[], &reversed)
        );
        let r = config.from_known(&[], &values);
        assert_eq!(r.historical_growth.high, 8.7);
        assert_eq!(r.historical_growth.low, 0.9);
    }

    #[test]
    fn invalid_configurations_are_refused() {
        let quantile = PlausibleConfig {
            quantile: 0.4,
            ..PlausibleConfig::default()
        };
        assert!(quantile.validate().is_err());
        let mut negative = PlausibleConfig::default();
        negative.whitespace_ratio.low = -0.1;
        assert!(negative.validate().is_err());
        let reversed = PlausibleConfig {
            historical_growth: PlausibleRange {
                low: 1.0,
                high: 0.0,
            },
            ..PlausibleConfig::default()
        };
        assert!(reversed.validate().is_err());
        let infinite = PlausibleConfig {
            whitespace_ratio: PlausibleRange {
                low: 0.0,
                high: f64::INFINITY,
            },
            ..PlausibleConfig::default()
        };
        assert!(infinite.validate().is_err());
        assert!(PlausibleConfig::default().validate().is_ok());
    }

    #[test]
    fn a_range_prints_as_percentages() {
        let defaults = PlausibleConfig::default();
        assert_eq!(defaults.whitespace_ratio.to_string(), "0.0% to 100.0%");
        assert_eq!(defaults.historical_growth.to_string(), "-50.0% to 50.0%");
    }
}
