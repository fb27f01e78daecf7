//! Segmentation: the profitability × growth quadrant, the fit class with its signals, and the
//! guardrails the articles insist on.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::{Input, Inputs};
use crate::error::{check_range, Error, Problem, Result};

/// The profitability × growth-potential quadrant (seed 002's BCG matrix).
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
}

impl Quadrant {
    /// Every quadrant.
    pub const ALL: [Quadrant; 4] = [
        Quadrant::Star,
        Quadrant::CashCow,
        Quadrant::QuestionMark,
        Quadrant::Dog,
    ];
}

impl fmt::Display for Quadrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Quadrant::Star => "star",
            Quadrant::CashCow => "cash cow",
            Quadrant::QuestionMark => "question mark",
            Quadrant::Dog => "dog",
        })
    }
}

/// The fit class, exclusive, in precedence order (seeds 000 and 002).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitClass {
    /// Capable, but disqualifies itself through behaviour: changing goals, missed meetings,
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
    fn check(
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

/// Format a value of `input` for people: shares as percentages, counts as whole numbers.
fn show(input: Input, v: f64) -> String {
    match input {
        Input::GoalChanges | Input::BroadRequests | Input::CustomDemands | Input::Nps => {
            format!("{v:.0}")
        }
        Input::RelativeIntensity => format!("{v:.2}x"),
        _ => format!("{:.0}%", v * 100.0),
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
            show(self.input, self.value),
            show(self.input, self.threshold)
        )
    }
}

/// The class and the signals that put the customer in it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// The class.
    pub class: FitClass,
    /// The signals behind it (empty for a good fit).
    pub signals: Vec<Signal>,
}

/// A guardrail the articles insist on, evaluated for this customer.
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
    /// Logo value high enough to offset a low margin (seed 001 §4).
    LogoOffsetsMargin {
        /// The logo-value score.
        logo_score: f64,
        /// The configured threshold.
        threshold: f64,
        /// The margin it offsets, if known.
        margin: Option<f64>,
    },
    /// Product shaper: demanding (resource intensity at least the demanding threshold), but its
    /// requests make the product better for others (seed 000: "hold on to that customer at all
    /// costs").
    ProductShaper {
        /// The product-influence score.
        influence_score: f64,
        /// Broad requests.
        broad_requests: u32,
    },
}

impl fmt::Display for Guardrail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Guardrail::NewCustomer {
                tenure_months,
                threshold_months,
            } => write!(
                f,
                "new customer: {tenure_months} months of tenure, under {threshold_months}; judged on growth potential, not early margin"
            ),
            Guardrail::LogoOffsetsMargin {
                logo_score,
                threshold,
                margin,
            } => {
                write!(f, "logo value {logo_score:.0} (at least {threshold:.0}) offsets a low margin")?;
                if let Some(m) = margin {
                    write!(f, " of {:.1}%", m * 100.0)?;
                }
                Ok(())
            }
            Guardrail::ProductShaper {
                influence_score,
                broad_requests,
            } => write!(
                f,
                "product shaper: {broad_requests} broad requests, influence {influence_score:.0}; keep"
            ),
        }
    }
}

/// Dividing lines, class thresholds and guardrail thresholds; plain serde data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    /// Attendance, adherence and responsiveness at or below which behaviour disqualifies
    /// (default 0.5).
    pub disengaged_max: f64,
    /// Goal changes in the period from which goals count as churning (default 3).
    pub goal_churn_min: f64,
    /// Behavioural red flags needed to call a customer bad; never one alone (default 2).
    pub bad_min_signals: usize,
    /// Relative resource intensity from which a customer is demanding (default 1.5).
    pub demanding_min_intensity: f64,
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
        for (field, v) in [
            ("engaged_min", self.engaged_min),
            ("unsuccessful_max", self.unsuccessful_max),
            ("disengaged_max", self.disengaged_max),
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

/// The class, in precedence: bad, bad fit, challenging but worth it, good fit.
pub(super) fn classify(inputs: &Inputs, seg: &SegmentationConfig) -> Classification {
    use Comparison::{AtLeast, AtMost};
    let red_flags: Vec<Signal> = [
        Signal::check(inputs, Input::MeetingAttendance, AtMost, seg.disengaged_max),
        Signal::check(inputs, Input::PlanAdherence, AtMost, seg.disengaged_max),
        Signal::check(inputs, Input::GoalChanges, AtLeast, seg.goal_churn_min),
        Signal::check(inputs, Input::Responsiveness, AtMost, seg.disengaged_max),
    ]
    .into_iter()
    .flatten()
    .collect();
    if red_flags.len() >= seg.bad_min_signals {
        return Classification {
            class: FitClass::Bad,
            signals: red_flags,
        };
    }

    let bad_fit = [
        Signal::check(inputs, Input::MeetingAttendance, AtLeast, seg.engaged_min),
        Signal::check(inputs, Input::PlanAdherence, AtLeast, seg.engaged_min),
        Signal::check(inputs, Input::ContentConsumed, AtLeast, seg.engaged_min),
        Signal::check(
            inputs,
            Input::OutcomesAchieved,
            AtMost,
            seg.unsuccessful_max,
        ),
    ];
    if bad_fit.iter().all(Option::is_some) {
        return Classification {
            class: FitClass::BadFit,
            signals: bad_fit.into_iter().flatten().collect(),
        };
    }

    let demanding = Signal::check(
        inputs,
        Input::RelativeIntensity,
        AtLeast,
        seg.demanding_min_intensity,
    );
    let broad = inputs.get(Input::BroadRequests).unwrap_or(0.0);
    let custom = inputs.get(Input::CustomDemands).unwrap_or(0.0);
    let likes = Signal::check(inputs, Input::Nps, AtLeast, 0.0)
        .or_else(|| Signal::check(inputs, Input::RenewalIntent, AtLeast, 0.6));
    if let (Some(demanding), Some(likes)) = (demanding, likes) {
        if broad >= 1.0 && broad >= custom {
            return Classification {
                class: FitClass::ChallengingButWorthIt,
                signals: vec![
                    demanding,
                    Signal {
                        input: Input::BroadRequests,
                        value: broad,
                        comparison: AtLeast,
                        threshold: custom.max(1.0),
                    },
                    likes,
                ],
            };
        }
    }
    Classification {
        class: FitClass::GoodFit,
        signals: Vec::new(),
    }
}
