//! Segmentation: the profitability × growth quadrant, the fit class with its signals, and the
//! guardrails the articles insist on.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::{Input, InputSet, Inputs};
use crate::error::{check_range, Error, Problem, Result};

/// The profitability × growth-potential quadrant (seed 002's BCG matrix).
///
/// Profitability is always known (revenue and costs are money on the record). Growth
/// potential may be unknown (no whitespace, growth history or lifetime value): such a customer
/// is placed on the known axis only, as [`Quadrant::ProfitableGrowthUnknown`] or
/// [`Quadrant::UnprofitableGrowthUnknown`], never as a cash cow or a dog by default.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// Profitable, with growth potential.
    Star,
    /// Profitable, little growth potential.
    CashCow,
    /// Not profitable (yet), with growth potential.
    QuestionMark,
    /// Not profitable, little growth potential: the "poor dog".
    Dog,
    /// Profitable; growth potential unknown.
    ProfitableGrowthUnknown,
    /// Not profitable; growth potential unknown.
    UnprofitableGrowthUnknown,
}

impl Quadrant {
    /// Every quadrant, the four of the matrix first.
    pub const ALL: [Quadrant; 6] = [
        Quadrant::Star,
        Quadrant::CashCow,
        Quadrant::QuestionMark,
        Quadrant::Dog,
        Quadrant::ProfitableGrowthUnknown,
        Quadrant::UnprofitableGrowthUnknown,
    ];

    /// Place a customer from what is known: profitability, and growth when known.
    ///
    /// ```
    /// use custfit::assessment::Quadrant;
    /// assert_eq!(Quadrant::place(false, Some(false)), Quadrant::Dog);
    /// assert_eq!(Quadrant::place(false, None), Quadrant::UnprofitableGrowthUnknown);
    /// ```
    pub fn place(profitable: bool, growing: Option<bool>) -> Quadrant {
        match (profitable, growing) {
            (true, Some(true)) => Quadrant::Star,
            (true, Some(false)) => Quadrant::CashCow,
            (false, Some(true)) => Quadrant::QuestionMark,
            (false, Some(false)) => Quadrant::Dog,
            (true, None) => Quadrant::ProfitableGrowthUnknown,
            (false, None) => Quadrant::UnprofitableGrowthUnknown,
        }
    }

    /// Whether the margin is at or above the profitability line.
    pub fn is_profitable(self) -> bool {
        matches!(
            self,
            Quadrant::Star | Quadrant::CashCow | Quadrant::ProfitableGrowthUnknown
        )
    }

    /// Whether growth potential is at or above the growth line; `None` when it is unknown.
    pub fn has_growth(self) -> Option<bool> {
        match self {
            Quadrant::Star | Quadrant::QuestionMark => Some(true),
            Quadrant::CashCow | Quadrant::Dog => Some(false),
            Quadrant::ProfitableGrowthUnknown | Quadrant::UnprofitableGrowthUnknown => None,
        }
    }
}

impl fmt::Display for Quadrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Quadrant::Star => "star",
            Quadrant::CashCow => "cash cow",
            Quadrant::QuestionMark => "question mark",
            Quadrant::Dog => "dog",
            Quadrant::ProfitableGrowthUnknown => "profitable, growth unknown",
            Quadrant::UnprofitableGrowthUnknown => "unprofitable, growth unknown",
        })
    }
}

/// The fit class, exclusive, in precedence order (seeds 000 and 002).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitClass {
    /// Capable, but disqualifies itself through behavior: changing goals, missed meetings,
    /// not sticking to the plan (seed 002).
    Bad,
    /// Engaged, follows recommendations, consumes the recommended content, and still not
    /// successful (seed 002).
    BadFit,
    /// Demanding, but its requests benefit other customers (seed 000).
    ChallengingButWorthIt,
    /// None of the above.
    GoodFit,
}

impl FitClass {
    /// Every class, in precedence order.
    pub const ALL: [FitClass; 4] = [
        FitClass::Bad,
        FitClass::BadFit,
        FitClass::ChallengingButWorthIt,
        FitClass::GoodFit,
    ];
}

impl fmt::Display for FitClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            FitClass::Bad => "bad",
            FitClass::BadFit => "bad fit",
            FitClass::ChallengingButWorthIt => "challenging but worth it",
            FitClass::GoodFit => "good fit",
        })
    }
}

/// How a measured value compares with a threshold.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The value is at least the threshold.
    AtLeast,
    /// The value is at most the threshold.
    AtMost,
}

/// One observed signal: an input, its value, and the threshold it crossed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// The input.
    pub input: Input,
    /// Its value.
    pub value: f64,
    /// How it compares.
    pub comparison: Comparison,
    /// The threshold.
    pub threshold: f64,
}

impl Signal {
    pub(crate) fn check(
        inputs: &Inputs,
        input: Input,
        comparison: Comparison,
        threshold: f64,
    ) -> Option<Signal> {
        let value = inputs.get(input)?;
        let holds = match comparison {
            Comparison::AtLeast => value >= threshold,
            Comparison::AtMost => value <= threshold,
        };
        holds.then_some(Signal {
            input,
            value,
            comparison,
            threshold,
        })
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cmp = match self.comparison {
            Comparison::AtLeast => "at least",
            Comparison::AtMost => "at most",
        };
        write!(
            f,
            "{} {} is {cmp} {}",
            self.input,
            self.input.show(self.value),
            self.input.show(self.threshold)
        )
    }
}

/// The class, the signals that put the customer in it, and what is not known.
///
/// A class is decided on known facts only. When unknown facts could still give a class of
/// higher precedence (a harsher one: bad before bad fit before challenging before good fit),
/// the classification names them in `missing`, names those classes in `could_be`, and its
/// `confidence` is below 1: it never falls silently to the friendliest class.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// The class, on known facts.
    pub class: FitClass,
    /// The signals behind it (empty for a good fit).
    pub signals: Vec<Signal>,
    /// Classes of higher precedence that the unknown facts could still give.
    pub could_be: Vec<FitClass>,
    /// The unknown facts that could change the class, in [`Input::ALL`] order.
    pub missing: Vec<Input>,
    /// 1 when no unknown fact could change the class; otherwise the share of the facts the
    /// class tests read (up to the deciding one) that are known.
    pub confidence: f64,
}

impl Classification {
    /// Whether unknown facts could change the class.
    pub fn is_certain(&self) -> bool {
        self.missing.is_empty()
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.class.fmt(f)?;
        if !self.missing.is_empty() {
            write!(f, " (confidence {:.0}%; could be ", self.confidence * 100.0)?;
            for (i, c) in self.could_be.iter().enumerate() {
                if i > 0 {
                    f.write_str(" or ")?;
                }
                write!(f, "{c}")?;
            }
            f.write_str(" if ")?;
            for (i, input) in self.missing.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{input}")?;
            }
            f.write_str(" were known)")?;
        }
        Ok(())
    }
}

/// A guardrail the articles insist on, evaluated for this customer.
///
/// Guardrails protect: they make a recommendation milder, never harsher. A guardrail whose
/// deciding facts are partly unknown is reported as possible (`likes` unknown, or
/// [`Guardrail::LogoMayOffsetMargin`]): it does not soften a decision the way a known one
/// does, but it keeps the customer from being let go until the facts are known.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "guardrail")]
pub enum Guardrail {
    /// New customer: judge it on growth potential, not early negative margin (seed 002).
    NewCustomer {
        /// Tenure in whole months.
        tenure_months: u32,
        /// The configured threshold.
        threshold_months: u32,
    },
    /// Onboarding (the lifecycle stage), whatever its tenure: it gets the new-customer grace.
    Onboarding,
    /// Logo value high enough to offset a low margin (seed 001 §4).
    LogoOffsetsMargin {
        /// The logo-value score.
        logo_score: f64,
        /// The configured threshold.
        threshold: f64,
        /// The margin it offsets, if known.
        margin: Option<f64>,
    },
    /// Logo value could offset the low margin if the unknown logo facts were high: the known
    /// ones do not reach the threshold, the unknown ones could.
    LogoMayOffsetMargin {
        /// The logo-value score on the known facts, if any is known.
        logo_score: Option<f64>,
        /// The score with every unknown logo fact at its best.
        best_case: f64,
        /// The configured threshold.
        threshold: f64,
        /// The unknown logo facts.
        missing: InputSet,
    },
    /// Product shaper (seed 000: "hold on to that customer at all costs"): it fundamentally
    /// likes the product and pushes for features that benefit others — broad requests at least
    /// as many as one-off demands, product influence at least the configured score.
    ProductShaper {
        /// The product-influence score.
        influence_score: f64,
        /// Broad requests.
        broad_requests: u32,
        /// The evidence that it likes the product; `None` when that is unknown (then it is a
        /// possible product shaper).
        likes: Option<Signal>,
    },
}

impl Guardrail {
    /// Whether the guardrail rests on known facts only (not a possible one).
    pub fn is_known(&self) -> bool {
        !matches!(
            self,
            Guardrail::LogoMayOffsetMargin { .. } | Guardrail::ProductShaper { likes: None, .. }
        )
    }

    /// Whether the guardrail gives the new-customer grace (new or onboarding).
    pub fn is_grace(&self) -> bool {
        matches!(self, Guardrail::NewCustomer { .. } | Guardrail::Onboarding)
    }
}

impl fmt::Display for Guardrail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Guardrail::NewCustomer {
                tenure_months,
                threshold_months,
            } => write!(
                f,
                "new customer: {tenure_months} {} of tenure, under {threshold_months}; judged on growth potential, not early margin",
                plural(u64::from(*tenure_months), "month", "months")
            ),
            Guardrail::Onboarding => f.write_str(
                "onboarding: judged on growth potential, not early margin",
            ),
            Guardrail::LogoOffsetsMargin {
                logo_score,
                threshold,
                margin,
            } => {
                write!(f, "logo value score {logo_score:.0} (at least {threshold:.0}) offsets a low margin")?;
                if let Some(m) = margin {
                    write!(f, " of {:.1}%", m * 100.0)?;
                }
                Ok(())
            }
            Guardrail::LogoMayOffsetMargin {
                logo_score,
                best_case,
                threshold,
                missing,
            } => {
                match logo_score {
                    Some(s) => write!(f, "logo value score {s:.0} on known facts")?,
                    None => f.write_str("logo value unknown")?,
                }
                write!(
                    f,
                    "; up to {best_case:.0} (threshold {threshold:.0}) if known: "
                )?;
                for (i, input) in missing.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{input}")?;
                }
                Ok(())
            }
            Guardrail::ProductShaper {
                influence_score,
                broad_requests,
                likes,
            } => {
                write!(
                    f,
                    "product shaper: {broad_requests} broad {}, product influence score {influence_score:.0}",
                    plural(u64::from(*broad_requests), "request", "requests")
                )?;
                match likes {
                    Some(signal) => write!(f, "; likes the product ({signal}); keep"),
                    None => f.write_str("; whether it likes the product is unknown"),
                }
            }
        }
    }
}

/// The singular or plural noun for `n`.
pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Dividing lines, class thresholds and guardrail thresholds; plain serde data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct SegmentationConfig {
    /// Margin ratio at or above which a customer counts as profitable (default 0.10).
    pub margin_line: f64,
    /// Growth-potential score at or above which a customer counts as growing (default 50).
    pub growth_line: f64,
    /// Tenure in months below which a customer is new (default 6).
    pub new_customer_months: u32,
    /// Logo-value score from which logo value offsets a low margin (default 70).
    pub logo_offset_min_score: f64,
    /// Lowest margin logo value can offset (default -0.15).
    pub logo_offset_margin_floor: f64,
    /// Product-influence score from which a customer shapes the product (default 70).
    pub product_shaper_min_score: f64,
    /// Engagement signals (attendance, plan adherence, content consumed) at or above which a
    /// customer counts as engaged (default 0.7).
    pub engaged_min: f64,
    /// Outcomes achieved at or below which an engaged customer is not successful (0.4).
    pub unsuccessful_max: f64,
    /// Attendance, adherence and responsiveness at or below which behavior disqualifies
    /// (default 0.5).
    pub disengaged_max: f64,
    /// Goal changes in the period from which goals count as churning (default 3).
    pub goal_churn_min: f64,
    /// Behavioral red flags needed to call a customer bad; never one alone (default 2).
    pub bad_min_signals: usize,
    /// Relative resource intensity from which a customer is demanding (default 1.5).
    pub demanding_min_intensity: f64,
    /// NPS from which a customer says it likes the product (default 0).
    pub likes_min_nps: f64,
    /// Renewal intent from which a customer says it likes the product (default 0.6).
    pub likes_min_renewal_intent: f64,
    /// Outcomes achieved from which a customer shows it likes the product when it has not
    /// said so (default 0.6).
    pub likes_min_outcomes: f64,
    /// Typical customer's service cost (cost lines of people's time) as a share of revenue,
    /// the benchmark resource intensity is measured against (default 0.25); a portfolio run
    /// replaces it with the portfolio median.
    pub typical_service_cost_ratio: f64,
    /// Yearly revenue to measure a prospect's whitespace against when it has no revenue yet
    /// (default 50,000 in the cost model's currency).
    pub growth_base_without_revenue: Decimal,
}

impl Default for SegmentationConfig {
    fn default() -> Self {
        SegmentationConfig {
            margin_line: 0.10,
            growth_line: 50.0,
            new_customer_months: 6,
            logo_offset_min_score: 70.0,
            logo_offset_margin_floor: -0.15,
            product_shaper_min_score: 70.0,
            engaged_min: 0.7,
            unsuccessful_max: 0.4,
            disengaged_max: 0.5,
            goal_churn_min: 3.0,
            bad_min_signals: 2,
            demanding_min_intensity: 1.5,
            likes_min_nps: 0.0,
            likes_min_renewal_intent: 0.6,
            likes_min_outcomes: 0.6,
            typical_service_cost_ratio: 0.25,
            growth_base_without_revenue: Decimal::from(50_000),
        }
    }
}

impl SegmentationConfig {
    pub(crate) fn validate(&self) -> Result<()> {
        let finite = [
            ("margin_line", self.margin_line),
            ("logo_offset_margin_floor", self.logo_offset_margin_floor),
            ("goal_churn_min", self.goal_churn_min),
            ("demanding_min_intensity", self.demanding_min_intensity),
        ];
        for (field, v) in finite {
            if !v.is_finite() {
                return Err(Error::config(field, out_of_range(v, "a finite number")));
            }
        }
        for (field, v) in [
            ("growth_line", self.growth_line),
            ("logo_offset_min_score", self.logo_offset_min_score),
            ("product_shaper_min_score", self.product_shaper_min_score),
        ] {
            check_range(field, v, 0.0, 100.0)?;
        }
        check_range("likes_min_nps", self.likes_min_nps, -100.0, 100.0)?;
        for (field, v) in [
            ("engaged_min", self.engaged_min),
            ("unsuccessful_max", self.unsuccessful_max),
            ("disengaged_max", self.disengaged_max),
            ("likes_min_renewal_intent", self.likes_min_renewal_intent),
            ("likes_min_outcomes", self.likes_min_outcomes),
        ] {
            check_range(field, v, 0.0, 1.0)?;
        }
        if !(self.typical_service_cost_ratio.is_finite() && self.typical_service_cost_ratio > 0.0) {
            return Err(Error::config(
                "typical_service_cost_ratio",
                out_of_range(self.typical_service_cost_ratio, "more than 0"),
            ));
        }
        if self.bad_min_signals < 2 {
            return Err(Error::config(
                "bad_min_signals",
                Problem::Rule {
                    rule: "a decision is never made on one signal alone: at least 2".into(),
                },
            ));
        }
        if self.growth_base_without_revenue <= Decimal::ZERO {
            return Err(Error::config(
                "growth_base_without_revenue",
                out_of_range(self.growth_base_without_revenue, "more than 0"),
            ));
        }
        Ok(())
    }
}

pub(crate) fn out_of_range(v: impl fmt::Display, allowed: &str) -> Problem {
    Problem::OutOfRange {
        value: v.to_string(),
        allowed: allowed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classification_reads_as_its_class_and_what_could_change_it() {
        let mut c = Classification {
            class: FitClass::GoodFit,
            signals: Vec::new(),
            could_be: vec![FitClass::Bad, FitClass::BadFit],
            missing: vec![Input::PlanAdherence, Input::GoalChanges],
            confidence: 0.5,
        };
        assert!(!c.is_certain());
        assert_eq!(
            c.to_string(),
            "good fit (confidence 50%; could be bad or bad fit if plan adherence, goal changes \
             were known)"
        );
        c.could_be.truncate(1);
        c.missing.truncate(1);
        assert_eq!(
            c.to_string(),
            "good fit (confidence 50%; could be bad if plan adherence were known)"
        );
        c.missing.clear();
        assert!(c.is_certain());
        assert_eq!(c.to_string(), "good fit");
    }
}
