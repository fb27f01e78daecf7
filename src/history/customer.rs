//! One customer over consecutive periods: trends of its scores and the early warnings of the
//! articles' logic.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::{Dimension, FitAssessment, PerDimension, Quadrant};
use crate::customer::activity::AssessmentPeriod;
use crate::customer::{Customer, CustomerId};
use crate::error::{Error, Problem, Result};
use crate::history::wire::{read_strictly, strict_serde};
use crate::policy::Recommendation;
use crate::units::decimal_to_f64;

/// One period of a customer's history: the period, its assessment and its recommendation.
///
/// Read back from storage strictly: a field of no struct in it (a misspelt one) is refused,
/// as is a struct given as a list. Its values are checked when it joins a
/// [`CustomerHistory`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct PeriodAssessment {
    /// The assessment period of the customer's activity.
    pub period: AssessmentPeriod,
    /// The customer's last expectation reset, as its record stated it then.
    pub last_expectation_reset: Option<NaiveDate>,
    /// The assessment.
    pub assessment: FitAssessment,
    /// The recommendation.
    pub recommendation: Recommendation,
}

impl PeriodAssessment {
    /// The period of `customer`'s record, with its assessment and recommendation.
    pub fn new(
        customer: &Customer,
        assessment: FitAssessment,
        recommendation: Recommendation,
    ) -> Self {
        PeriodAssessment {
            period: customer.period(),
            last_expectation_reset: customer.last_expectation_reset(),
            assessment,
            recommendation,
        }
    }

    /// The checks of a built period, for one read back: the customer's own cost, overrides
    /// and recommendation; scores within 0-100 and weights within 0-1, as the assessor
    /// ensures (so that trends stay finite); cost lines that are not negative, as the cost
    /// model prices them (so that the change of a line fits a decimal). Fields are named
    /// from the period.
    fn check(&self) -> Result<()> {
        let a = &self.assessment;
        let customer = &a.customer;
        let other = |field: String, found: &CustomerId| -> Result<()> {
            if found == customer {
                return Ok(());
            }
            Err(Error::invalid(
                Some(customer),
                field,
                Problem::Rule {
                    rule: format!("a period holds one customer, got `{found}` too"),
                },
            ))
        };
        other("assessment.cost.customer".into(), &a.cost.customer)?;
        other(
            "recommendation.customer".into(),
            &self.recommendation.customer,
        )?;
        for (k, o) in a.overrides.iter().enumerate() {
            other(
                format!("assessment.overrides[{k}].applied.customer"),
                o.applied.customer(),
            )?;
        }
        let within = |field: String, value: f64, hi: f64| -> Result<()> {
            if (0.0..=hi).contains(&value) {
                return Ok(());
            }
            Err(Error::invalid(
                Some(customer),
                field,
                Problem::OutOfRange {
                    value: value.to_string(),
                    allowed: format!("0..={hi}"),
                },
            ))
        };
        within(
            "assessment.scorecard.overall".into(),
            a.scorecard.overall,
            100.0,
        )?;
        for (d, s) in a.scorecard.dimensions.iter() {
            let field =
                |name: &str| format!("assessment.scorecard.dimensions.{}.{name}", d.as_str());
            for (name, score) in [("score", s.score), ("used", s.used)] {
                if let Some(score) = score {
                    within(field(name), score, 100.0)?;
                }
            }
            within(field("weight"), s.weight, 1.0)?;
            within(field("contribution"), s.contribution, 100.0)?;
        }
        for (k, o) in a.overrides.iter().enumerate() {
            if let Some(computed) = o.computed {
                within(
                    format!("assessment.overrides[{k}].computed"),
                    computed,
                    100.0,
                )?;
            }
        }
        for (j, line) in a.cost.lines.iter().enumerate() {
            let values = [
                ("amount", line.amount.amount()),
                ("quantity", line.quantity),
                ("rate", line.rate),
            ];
            if let Some((name, value)) = values
                .into_iter()
                .find(|(_, v)| v.is_sign_negative() && !v.is_zero())
            {
                return Err(Error::invalid(
                    Some(customer),
                    format!("assessment.cost.lines[{j}].{name}"),
                    Problem::Negative { value },
                ));
            }
        }
        Ok(())
    }
}

strict_serde!(PeriodAssessment, Trend, Trends, Gap, HistoryConfig, Warning);

/// Which way a score moves.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Up by more than the flat band per period.
    Rising,
    /// Within the flat band.
    Flat,
    /// Down by more than the flat band per period.
    Falling,
}

display_names!(Direction { Rising => "rising", Flat => "flat", Falling => "falling" });

/// The trend of one score over the last periods of a window (see [`HistoryConfig::window`]),
/// fitted on those of them where the score was known.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Trend {
    /// Which way it moves.
    pub direction: Direction,
    /// The least-squares slope, in points per period (periods counted in order, gaps not
    /// counted: see [`CustomerHistory::gaps`]).
    pub slope: f64,
    /// Periods the trend is fitted on.
    pub periods: usize,
    /// The score in the first of them.
    pub first: f64,
    /// The score in the last.
    pub last: f64,
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({:+.1} points per period over {} periods: {:.1} to {:.1})",
            self.direction, self.slope, self.periods, self.first, self.last
        )
    }
}

/// Trends of the overall score and of each dimension.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Trends {
    /// The overall score's, `None` with fewer than two periods.
    pub overall: Option<Trend>,
    /// Each dimension's, over the periods where it was known (`None` with fewer than two).
    pub dimensions: PerDimension<Option<Trend>>,
}

/// Days between two periods that no assessment covers.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Gap {
    /// The last day of the period before.
    pub after: NaiveDate,
    /// The first day of the period after.
    pub before: NaiveDate,
    /// Days in between.
    pub days: i64,
}

/// Settings of trends and warnings; plain serde data with documented defaults (read strictly:
/// no unknown field, not a list), checked by [`HistoryConfig::validate`]. Used as they are, a
/// window below 2 counts as 2, fewer than one eroding period as one, and a flat band that is
/// negative or not a number as 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct HistoryConfig {
    /// Periods a trend is fitted on: the last ones (default 4, at least 2).
    pub window: usize,
    /// A slope within ± this many points per period is flat (default 1.0).
    pub flat_band: f64,
    /// Consecutive periods of falling margin that make a star's margin erode (default 2).
    pub eroding_periods: usize,
}

impl HistoryConfig {
    /// Check the settings.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the field: a window below 2, no eroding periods, or a
    /// flat band that is negative or not finite.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &str, value: String, allowed: &str| {
            Err(Error::config(
                format!("history.{field}"),
                Problem::OutOfRange {
                    value,
                    allowed: allowed.into(),
                },
            ))
        };
        if self.window < 2 {
            return bad("window", self.window.to_string(), "2..");
        }
        if self.eroding_periods < 1 {
            return bad("eroding_periods", self.eroding_periods.to_string(), "1..");
        }
        if !(self.flat_band.is_finite() && self.flat_band >= 0.0) {
            return bad("flat_band", self.flat_band.to_string(), "0.. (finite)");
        }
        Ok(())
    }

    fn band(&self) -> f64 {
        if self.flat_band.is_finite() && self.flat_band > 0.0 {
            self.flat_band
        } else {
            0.0
        }
    }
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            window: 4,
            flat_band: 1.0,
            eroding_periods: 2,
        }
    }
}

/// An early warning, from the articles' logic, with the figures it rests on.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "snake_case",
    tag = "warning",
    deny_unknown_fields
)]
pub enum Warning {
    /// A star whose margin has fallen period after period (seed 002: today's star is
    /// tomorrow's question mark).
    StarMarginEroding {
        /// Periods of falling margin.
        periods: usize,
        /// The margin % at their start.
        from: f64,
        /// The margin % now.
        to: f64,
    },
    /// Growth potential is falling (seed 002: the odds of seizing it are judged from
    /// behavior).
    GrowthFalling {
        /// Its trend.
        trend: Trend,
    },
    /// Behavior and success slipped after an expectation reset (seed 001: a reset is the
    /// last try before a breakup).
    BehaviorSlippingAfterReset {
        /// The reset.
        reset_on: NaiveDate,
        /// The score in the first period after it.
        after_reset: f64,
        /// The score now.
        now: f64,
    },
    /// The cost to serve grew, and faster than revenue, over the window (seed 001: the true
    /// cost of serving hides behind revenue). Both per day of the periods.
    CostRisingFasterThanRevenue {
        /// Growth of the cost to serve per day, as a ratio (0.3 is +30 %).
        cost_growth: f64,
        /// Growth of revenue per day.
        revenue_growth: f64,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::StarMarginEroding { periods, from, to } => write!(
                f,
                "a star whose margin eroded over {periods} periods: {:.1}% to {:.1}%",
                from * 100.0,
                to * 100.0
            ),
            Warning::GrowthFalling { trend } => write!(f, "growth potential {trend}"),
            Warning::BehaviorSlippingAfterReset {
                reset_on,
                after_reset,
                now,
            } => write!(
                f,
                "behavior and success slipped after the expectation reset of {reset_on}: \
                 score {after_reset:.1} then, {now:.1} now"
            ),
            Warning::CostRisingFasterThanRevenue {
                cost_growth,
                revenue_growth,
            } => write!(
                f,
                "cost to serve grew {:+.1}% against revenue {:+.1}%",
                cost_growth * 100.0,
                revenue_growth * 100.0
            ),
        }
    }
}

/// A customer's assessments over consecutive periods (any length; gaps allowed and shown).
///
/// On the wire it is the list of its periods, read strictly (see [`PeriodAssessment`]) and
/// checked like [`CustomerHistory::new`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "Vec<PeriodAssessment>")]
pub struct CustomerHistory {
    customer: CustomerId,
    periods: Vec<PeriodAssessment>,
}

impl TryFrom<Vec<PeriodAssessment>> for CustomerHistory {
    type Error = Error;
    fn try_from(periods: Vec<PeriodAssessment>) -> Result<Self> {
        CustomerHistory::new(periods)
    }
}

impl<'de> Deserialize<'de> for CustomerHistory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let periods = read_strictly!(d, "history", |de| Vec::<PeriodAssessment>::deserialize(de))?;
        CustomerHistory::new(periods).map_err(serde::de::Error::custom)
    }
}

impl From<CustomerHistory> for Vec<PeriodAssessment> {
    fn from(h: CustomerHistory) -> Self {
        h.periods
    }
}

impl CustomerHistory {
    /// A history of one customer, its periods put in order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] naming the customer and the field (`history[1].…`): no
    /// periods, periods of another customer, a period holding another customer's cost,
    /// overrides or recommendation, a score outside 0-100 or not a number, a dimension's
    /// weight outside 0-1, a negative cost line, or periods that overlap. The checks are those
    /// a built assessment passes, so a history read back from storage is as sound as one
    /// built.
    pub fn new(periods: Vec<PeriodAssessment>) -> Result<Self> {
        let Some(first) = periods.first() else {
            return Err(Error::invalid(None, "history", Problem::Empty));
        };
        let customer = first.assessment.customer.clone();
        if let Some((i, other)) = periods
            .iter()
            .enumerate()
            .find(|(_, p)| p.assessment.customer != customer)
        {
            return Err(Error::invalid(
                Some(&customer),
                format!("history[{i}].customer"),
                Problem::Rule {
                    rule: format!(
                        "a history holds one customer, got `{}` too",
                        other.assessment.customer
                    ),
                },
            ));
        }
        for (i, p) in periods.iter().enumerate() {
            p.check().map_err(|e| e.within(&format!("history[{i}]")))?;
        }
        // Sorted with their places as given, so that an error names the caller's index.
        let mut order: Vec<usize> = (0..periods.len()).collect();
        order.sort_by_key(|&i| (periods[i].period.start(), periods[i].period.end()));
        for w in order.windows(2) {
            let (a, b) = (&periods[w[0]], &periods[w[1]]);
            if b.period.start() <= a.period.end() {
                return Err(Error::invalid(
                    Some(&customer),
                    format!("history[{}].period.start", w[1]),
                    Problem::Before {
                        date: b.period.start(),
                        other_field: format!("history[{}].period.end", w[0]),
                        other: a.period.end(),
                    },
                ));
            }
        }
        let mut slots: Vec<Option<PeriodAssessment>> = periods.into_iter().map(Some).collect();
        let periods = order.iter().filter_map(|&i| slots[i].take()).collect();
        Ok(CustomerHistory { customer, periods })
    }

    /// The customer.
    pub fn customer(&self) -> &CustomerId {
        &self.customer
    }

    /// The periods, oldest first.
    pub fn periods(&self) -> &[PeriodAssessment] {
        &self.periods
    }

    /// The stretches between periods that no assessment covers.
    pub fn gaps(&self) -> Vec<Gap> {
        self.periods
            .windows(2)
            .filter_map(|w| {
                let (after, before) = (w[0].period.end(), w[1].period.start());
                let days = (before - after).num_days() - 1;
                (days > 0).then_some(Gap {
                    after,
                    before,
                    days,
                })
            })
            .collect()
    }

    /// What changed from each period to the next, oldest first: one change fewer than
    /// periods.
    pub fn changes(&self) -> Vec<crate::history::PeriodDiff> {
        self.periods
            .windows(2)
            // One customer throughout, cost lines not negative (checked by `new`): the
            // comparison cannot fail.
            .filter_map(|w| crate::history::PeriodDiff::between(&w[0], &w[1]).ok())
            .collect()
    }

    /// Trends over the last `config.window` periods.
    pub fn trends(&self, config: &HistoryConfig) -> Trends {
        let recent = self.recent(config);
        Trends {
            overall: trend(
                recent
                    .iter()
                    .map(|p| Some(p.assessment.effective_overall())),
                config,
            ),
            dimensions: PerDimension::from_fn(|d| {
                trend(
                    recent.iter().map(|p| p.assessment.effective_score(d)),
                    config,
                )
            }),
        }
    }

    /// The early warnings of the last periods, most recent facts first considered.
    pub fn warnings(&self, config: &HistoryConfig) -> Vec<Warning> {
        let mut out = Vec::new();
        if let Some(w) = self.star_margin_eroding(config) {
            out.push(w);
        }
        let trends = self.trends(config);
        if let Some(t) = trends
            .dimensions
            .get(Dimension::GrowthPotential)
            .filter(|t| t.direction == Direction::Falling)
        {
            out.push(Warning::GrowthFalling { trend: t });
        }
        if let Some(w) = self.behavior_after_reset(config) {
            out.push(w);
        }
        if let Some(w) = self.cost_outgrowing_revenue(config) {
            out.push(w);
        }
        out
    }

    fn recent(&self, config: &HistoryConfig) -> &[PeriodAssessment] {
        let n = config.window.max(2).min(self.periods.len());
        &self.periods[self.periods.len() - n..]
    }

    fn star_margin_eroding(&self, config: &HistoryConfig) -> Option<Warning> {
        let last = self.periods.last()?;
        if last.assessment.quadrant != Quadrant::Star {
            return None;
        }
        let margins: Vec<f64> = self
            .periods
            .iter()
            .rev()
            .map_while(|p| p.assessment.cost.margin.map(|m| m.to_f64()))
            .collect();
        // Consecutive falls, counted back from now.
        let falls = margins.windows(2).take_while(|w| w[0] < w[1]).count();
        (falls >= config.eroding_periods.max(1)).then(|| Warning::StarMarginEroding {
            periods: falls,
            from: margins[falls],
            to: margins[0],
        })
    }

    fn behavior_after_reset(&self, config: &HistoryConfig) -> Option<Warning> {
        let (last, before_last) = self.periods.split_last()?;
        let reset_on = last.last_expectation_reset?;
        let score = |p: &PeriodAssessment| p.assessment.effective_score(Dimension::BehaviorSuccess);
        // The first period after the reset whose score is known, before the last one.
        let after_reset = before_last
            .iter()
            .filter(|p| p.period.start() > reset_on)
            .find_map(score)?;
        let now = score(last)?;
        (now < after_reset - config.band()).then_some(Warning::BehaviorSlippingAfterReset {
            reset_on,
            after_reset,
            now,
        })
    }

    fn cost_outgrowing_revenue(&self, config: &HistoryConfig) -> Option<Warning> {
        let recent = self.recent(config);
        let (first, last) = (recent.first()?, recent.last()?);
        if recent.len() < 2 {
            return None;
        }
        // Per day, so that periods of different lengths compare.
        let per_day = |p: &PeriodAssessment, amount: rust_decimal::Decimal| {
            decimal_to_f64(amount) / p.period.days() as f64
        };
        let growth = |of: fn(&PeriodAssessment) -> rust_decimal::Decimal| {
            let (a, b) = (per_day(first, of(first)), per_day(last, of(last)));
            (a > 0.0).then(|| b / a - 1.0)
        };
        let cost_growth = growth(|p| p.assessment.cost.total.amount())?;
        let revenue_growth = growth(|p| p.assessment.cost.revenue.amount())?;
        (cost_growth > 0.0 && cost_growth > revenue_growth).then_some(
            Warning::CostRisingFasterThanRevenue {
                cost_growth,
                revenue_growth,
            },
        )
    }
}

/// The least-squares trend of the known scores, in period order.
fn trend(scores: impl Iterator<Item = Option<f64>>, config: &HistoryConfig) -> Option<Trend> {
    let points: Vec<(f64, f64)> = scores
        .enumerate()
        .filter_map(|(i, s)| Some((i as f64, s?)))
        .collect();
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    // The periods centred suffice: their deviations sum to zero, so centring the scores too
    // would change nothing but rounding.
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * p.1).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let slope = sxy / sxx;
    let direction = if slope > config.band() {
        Direction::Rising
    } else if slope < -config.band() {
        Direction::Falling
    } else {
        Direction::Flat
    };
    Some(Trend {
        direction,
        slope,
        periods: points.len(),
        first: points[0].1,
        last: points[points.len() - 1].1,
    })
}
