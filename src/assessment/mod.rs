//! The fit assessment of one customer at an explicit date: cost to serve, measured inputs,
//! scorecard, quadrant, class, guardrails and overrides, each with its reasons.

pub(crate) mod diff;
pub(crate) mod inputs;
pub(crate) mod overrides;
pub(crate) mod profile;
pub mod scoring;

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::{Dimension, Input, Inputs};
use crate::assessment::overrides::{Override, OverrideOutcome};
use crate::assessment::profile::{IdealCustomerProfile, ProfileMatch};
use crate::assessment::scoring::{Scorecard, ScoringContext, ScoringStrategy, WeightedScorecard};
use crate::cost::{CostModel, CostToServe};
use crate::customer::{BrandTier, Customer, CustomerId, Level, LifecycleStage, RequestScope};
use crate::error::{check_range, Error, Problem, Result};
use crate::money::Money;
use crate::retention::{ltv_to_cac, renewals_from_tenure, RetentionModels, MIN_DISCOUNT_RATE};
use crate::units::decimal_to_f64;

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
    fn validate(&self) -> Result<()> {
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

fn out_of_range(v: impl fmt::Display, allowed: &str) -> Problem {
    Problem::OutOfRange {
        value: v.to_string(),
        allowed: allowed.to_owned(),
    }
}

/// Which customer tag selects the retention model of a customer.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKey {
    /// [`Customer::segment`].
    #[default]
    Segment,
    /// [`Customer::plan`].
    Plan,
}

/// Lifetime value settings: retention models per segment and the discount rate per renewal
/// period (DESIGN: lifetime value = margin per renewal period × DERL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifetimeValueConfig {
    /// Retention models by segment or plan, with a default.
    pub models: RetentionModels,
    /// Discount rate per renewal period (> 0).
    pub discount_rate: f64,
    /// The tag that selects the model.
    #[serde(default)]
    pub segment_key: SegmentKey,
}

/// A customer's lifetime value from the retention model.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifetimeValue {
    /// Renewals so far (from tenure and the renewal term); `None` for a prospect.
    pub renewals: Option<u32>,
    /// Gross margin per renewal period (the period's margin scaled to the renewal term).
    pub margin_per_period: Money,
    /// Margin per period × DERL (for a prospect: × the discounted expected lifetime).
    pub value: Money,
    /// Lifetime value over acquisition cost, when the cost is known and not zero.
    pub ltv_to_cac: Option<Decimal>,
}

/// Configuration of an assessment: the ideal customer profile, the segmentation lines and,
/// optionally, retention models for lifetime value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentConfig {
    /// The ideal customer profile.
    pub profile: IdealCustomerProfile,
    /// Dividing lines and thresholds.
    pub segmentation: SegmentationConfig,
    /// Retention models; when given, each assessment carries a lifetime value and the growth
    /// dimension uses it.
    pub lifetime_value: Option<LifetimeValueConfig>,
}

/// What an assessment needs besides the customer: the date, and facts from the portfolio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AssessmentContext<'a> {
    /// The assessment date.
    pub as_of: NaiveDate,
    /// The typical customer's service-cost ratio, when a portfolio run computed it (otherwise
    /// the configured benchmark is used).
    pub typical_service_cost_ratio: Option<f64>,
    /// Manual overrides for this customer (expired ones are reported, not applied).
    pub overrides: &'a [Override],
}

impl AssessmentContext<'_> {
    /// A context with only the date.
    pub fn new(as_of: NaiveDate) -> AssessmentContext<'static> {
        AssessmentContext {
            as_of,
            typical_service_cost_ratio: None,
            overrides: &[],
        }
    }
}

/// The fit assessment of one customer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitAssessment {
    /// The customer.
    pub customer: CustomerId,
    /// The assessment date.
    pub as_of: NaiveDate,
    /// Lifecycle stage (reported; "new" is decided by tenure).
    pub stage: LifecycleStage,
    /// Tenure in whole months, if the customer has signed.
    pub tenure_months: Option<u32>,
    /// The itemised cost to serve and margin.
    pub cost: CostToServe,
    /// The profile match, criterion by criterion.
    pub profile: ProfileMatch,
    /// Every measured input.
    pub inputs: Inputs,
    /// The scorecard as computed by the strategy (never changed by overrides).
    pub scorecard: Scorecard,
    /// Overrides considered, with what they replaced; expired ones are listed, not applied.
    pub overrides: Vec<OverrideOutcome>,
    /// Profitability × growth quadrant (from the effective growth score).
    pub quadrant: Quadrant,
    /// Fit class with its signals.
    pub classification: Classification,
    /// Guardrails that hold for this customer.
    pub guardrails: Vec<Guardrail>,
    /// Lifetime value, when the configuration has retention models.
    pub lifetime_value: Option<LifetimeValue>,
}

/// One reason behind an assessment, structured; `Display` reads well to a person.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Reason {
    /// A dimension moved the overall score away from neutral.
    Dimension {
        /// The dimension.
        dimension: Dimension,
        /// Its score.
        score: f64,
        /// Its share of the overall.
        weight: f64,
        /// Points above (positive) or below (negative) what a neutral 50 would give.
        effect: f64,
    },
    /// A signal behind the class.
    Signal(Signal),
    /// A guardrail that holds.
    Guardrail(Guardrail),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Dimension {
                dimension,
                score,
                weight,
                effect,
            } => write!(
                f,
                "{dimension} {score:.0} (weight {:.0}%, {effect:+.1} points)",
                weight * 100.0
            ),
            Reason::Signal(s) => s.fmt(f),
            Reason::Guardrail(g) => g.fmt(f),
        }
    }
}

impl FitAssessment {
    /// The effective score of `dimension`: an applied override, else the computed score.
    pub fn effective_score(&self, dimension: Dimension) -> Option<f64> {
        crate::assessment::overrides::effective_dimension(&self.overrides, dimension).or(self
            .scorecard
            .dimensions
            .get(dimension)
            .score)
    }

    /// The effective overall score: an applied overall override, else the weighted sum of the
    /// effective dimension scores. A dimension left out for lack of data carries no weight, so
    /// overriding it does not move the overall: override the overall instead.
    pub fn effective_overall(&self) -> f64 {
        crate::assessment::overrides::effective_overall(&self.overrides, &self.scorecard)
    }

    /// Whether a guardrail of the given kind holds.
    pub fn has_guardrail(&self, pred: impl Fn(&Guardrail) -> bool) -> bool {
        self.guardrails.iter().any(pred)
    }

    /// The `n` strongest reasons: guardrails first, then class signals, then the dimensions
    /// that moved the score furthest from neutral.
    pub fn top_reasons(&self, n: usize) -> Vec<Reason> {
        let mut dims: Vec<Reason> = self
            .scorecard
            .dimensions
            .iter()
            .filter_map(|(dimension, s)| {
                let score = s.used?;
                Some(Reason::Dimension {
                    dimension,
                    score,
                    weight: s.weight,
                    effect: (score - 50.0) * s.weight,
                })
            })
            .collect();
        let effect = |r: &Reason| match r {
            Reason::Dimension { effect, .. } => effect.abs(),
            _ => 0.0,
        };
        dims.sort_by(|a, b| effect(b).total_cmp(&effect(a)));
        self.guardrails
            .iter()
            .map(|g| Reason::Guardrail(*g))
            .chain(
                self.classification
                    .signals
                    .iter()
                    .map(|s| Reason::Signal(*s)),
            )
            .chain(dims)
            .take(n)
            .collect()
    }
}

/// Assesses customers: the cost model, the configuration and a scoring strategy.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{AssessmentConfig, Assessor, CostModel, CostModelConfig, Customer, FitClass};
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let assessor = Assessor::new(CostModel::new(CostModelConfig::default())?, AssessmentConfig::default())?;
/// let c = Customer::builder("c", "C").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 1, 1))
///     .recurring_revenue(Decimal::from(80_000)).success_hours(Decimal::from(40))
///     .build()?;
/// let a = assessor.assess(&c, d(2026, 1, 15))?;
/// assert!(a.scorecard.overall >= 0.0 && a.scorecard.overall <= 100.0);
/// assert_eq!(a.classification.class, FitClass::GoodFit);
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Assessor<S = WeightedScorecard> {
    cost_model: CostModel,
    config: AssessmentConfig,
    strategy: S,
}

impl Assessor<WeightedScorecard> {
    /// An assessor with the default weighted scorecard.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the segmentation configuration is invalid.
    pub fn new(cost_model: CostModel, config: AssessmentConfig) -> Result<Self> {
        config.segmentation.validate()?;
        if let Some(ltv) = &config.lifetime_value {
            if !(ltv.discount_rate.is_finite() && ltv.discount_rate >= MIN_DISCOUNT_RATE) {
                return Err(Error::config(
                    "lifetime_value.discount_rate",
                    out_of_range(ltv.discount_rate, "a finite rate of at least 1e-6"),
                ));
            }
        }
        Ok(Assessor {
            cost_model,
            config,
            strategy: WeightedScorecard::default(),
        })
    }
}

impl<S: ScoringStrategy> Assessor<S> {
    /// The same assessor with another scoring strategy.
    pub fn with_strategy<T: ScoringStrategy>(self, strategy: T) -> Assessor<T> {
        Assessor {
            cost_model: self.cost_model,
            config: self.config,
            strategy,
        }
    }

    /// The cost model.
    pub fn cost_model(&self) -> &CostModel {
        &self.cost_model
    }

    /// The configuration.
    pub fn config(&self) -> &AssessmentConfig {
        &self.config
    }

    /// The scoring strategy.
    pub fn strategy(&self) -> &S {
        &self.strategy
    }

    /// Assess `customer` as of `as_of`, with the configured benchmark and no overrides.
    ///
    /// # Errors
    ///
    /// As [`Assessor::assess_with`].
    pub fn assess(&self, customer: &Customer, as_of: NaiveDate) -> Result<FitAssessment> {
        self.assess_with(customer, &AssessmentContext::new(as_of))
    }

    /// Assess `customer` in `ctx`.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] from the cost model (overflow, another currency); whatever the
    /// strategy reports; [`Error::InvalidField`] for an override of another customer.
    pub fn assess_with(
        &self,
        customer: &Customer,
        ctx: &AssessmentContext<'_>,
    ) -> Result<FitAssessment> {
        let seg = &self.config.segmentation;
        let cost = self.cost_model.cost_to_serve(customer)?;
        let profile = self.config.profile.match_customer(customer);
        let typical = ctx
            .typical_service_cost_ratio
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(seg.typical_service_cost_ratio);
        let mut inputs = measure(customer, &cost, &profile, typical, seg)?;
        let lifetime_value = match &self.config.lifetime_value {
            Some(config) => Some(lifetime_value(customer, &cost, ctx.as_of, config)?),
            None => None,
        };
        if let Some(ltv) = &lifetime_value {
            let base = growth_base(customer, &cost, seg);
            inputs.set(
                Input::LifetimeValue,
                Some(decimal_to_f64(ltv.value.amount()) / base),
            );
        }
        let tenure_months = customer.tenure_months(ctx.as_of);
        let new_customer = tenure_months.is_some_and(|t| t < seg.new_customer_months);
        let scorecard = self.strategy.score(
            &inputs,
            &ScoringContext {
                stage: customer.stage(),
                new_customer,
            },
        )?;
        check_scorecard(customer.id(), &scorecard)?;
        let overrides = crate::assessment::overrides::consider(
            customer.id(),
            ctx.overrides,
            ctx.as_of,
            &scorecard,
        )?;
        let effective = |d: Dimension| {
            crate::assessment::overrides::effective_dimension(&overrides, d)
                .or(scorecard.dimensions.get(d).score)
        };

        let margin = inputs.get(Input::Margin);
        let profitable = margin.is_some_and(|m| m >= seg.margin_line);
        let growing = effective(Dimension::GrowthPotential).is_some_and(|g| g >= seg.growth_line);
        let quadrant = match (profitable, growing) {
            (true, true) => Quadrant::Star,
            (true, false) => Quadrant::CashCow,
            (false, true) => Quadrant::QuestionMark,
            (false, false) => Quadrant::Dog,
        };

        let mut guardrails = Vec::new();
        if let (Some(t), true) = (tenure_months, new_customer) {
            guardrails.push(Guardrail::NewCustomer {
                tenure_months: t,
                threshold_months: seg.new_customer_months,
            });
        }
        if let Some(logo) = effective(Dimension::LogoValue) {
            let low_margin =
                margin.is_some_and(|m| m < seg.margin_line && m >= seg.logo_offset_margin_floor);
            if logo >= seg.logo_offset_min_score && low_margin {
                guardrails.push(Guardrail::LogoOffsetsMargin {
                    logo_score: logo,
                    threshold: seg.logo_offset_min_score,
                    margin,
                });
            }
        }
        let broad = inputs.get(Input::BroadRequests).unwrap_or(0.0);
        // Seed 000: painful to service (demanding), but its requests make the product better.
        let demanding = inputs
            .get(Input::RelativeIntensity)
            .is_some_and(|r| r >= seg.demanding_min_intensity);
        if let Some(influence) = effective(Dimension::ProductInfluence) {
            if influence >= seg.product_shaper_min_score && broad >= 1.0 && demanding {
                guardrails.push(Guardrail::ProductShaper {
                    influence_score: influence,
                    broad_requests: broad as u32,
                });
            }
        }
        let classification = classify(&inputs, seg);
        Ok(FitAssessment {
            customer: customer.id().clone(),
            as_of: ctx.as_of,
            stage: customer.stage(),
            tenure_months,
            cost,
            profile,
            inputs,
            scorecard,
            overrides,
            quadrant,
            classification,
            guardrails,
            lifetime_value,
        })
    }
}

/// Lifetime value = margin per renewal period × DERL, with the model of the customer's segment.
fn lifetime_value(
    customer: &Customer,
    cost: &CostToServe,
    as_of: NaiveDate,
    config: &LifetimeValueConfig,
) -> Result<LifetimeValue> {
    let id = customer.id();
    let tag = match config.segment_key {
        SegmentKey::Segment => customer.segment(),
        SegmentKey::Plan => customer.plan(),
    };
    let model = config.models.get(tag.unwrap_or_default());
    let months = customer.contract().map_or(12, |c| c.renewal_term_months());
    // The period's margin scaled to one renewal term: × (months × 365 / 12) / days.
    let term_days = Decimal::from(months) * Decimal::from(365) / Decimal::from(12);
    let margin_per_period = cost
        .gross_margin
        .checked_mul(term_days)
        .and_then(|m| m.checked_div(Decimal::from(customer.period().days())))
        .map(Money::round)
        .map_err(|e| Error::arithmetic(Some(id), "lifetime_value.margin_per_period", e))?;
    // A prospect has not signed: it is valued from signing, whatever dates it carries.
    let tenure = match customer.stage() {
        LifecycleStage::Prospect => None,
        _ => customer.tenure_days(as_of),
    };
    let (renewals, value) = match tenure {
        Some(tenure) => {
            let whole_term_days = term_days.round().to_i64().unwrap_or(365);
            let renewals = renewals_from_tenure(tenure.max(0), whole_term_days.max(1))?;
            let value = model.lifetime_value(margin_per_period, renewals, config.discount_rate)?;
            (Some(renewals), value)
        }
        None => (
            None,
            model.prospect_lifetime_value(margin_per_period, config.discount_rate)?,
        ),
    };
    let ltv_to_cac = match customer.acquisition_cost() {
        Some(cac) => ltv_to_cac(value, cac)?,
        None => None,
    };
    Ok(LifetimeValue {
        renewals,
        margin_per_period,
        value,
        ltv_to_cac,
    })
}

/// A strategy's scores must be finite and within 0-100: a user strategy is checked, not trusted.
fn check_scorecard(id: &CustomerId, card: &Scorecard) -> Result<()> {
    let bad = |field: String, v: f64| {
        Error::invalid(
            Some(id),
            field,
            Problem::OutOfRange {
                value: v.to_string(),
                allowed: "0..=100 (from the scoring strategy)".into(),
            },
        )
    };
    let ok = |v: f64| (0.0..=100.0).contains(&v);
    if !ok(card.overall) {
        return Err(bad("scorecard.overall".into(), card.overall));
    }
    for (d, s) in card.dimensions.iter() {
        for v in [s.score, s.used].into_iter().flatten() {
            if !ok(v) {
                return Err(bad(format!("scorecard.{}", d.as_str()), v));
            }
        }
    }
    Ok(())
}

/// Yearly revenue that growth and lifetime value are measured against: the annualised revenue,
/// or for a customer without revenue (a prospect) the configured base.
fn growth_base(customer: &Customer, cost: &CostToServe, seg: &SegmentationConfig) -> f64 {
    let annual = decimal_to_f64(cost.revenue.amount())
        * decimal_to_f64(customer.period().annualisation_factor());
    if annual > 0.0 {
        annual
    } else {
        decimal_to_f64(seg.growth_base_without_revenue)
    }
}

/// Measure every input of `customer`.
fn measure(
    customer: &Customer,
    cost: &CostToServe,
    profile: &ProfileMatch,
    typical_ratio: f64,
    seg: &SegmentationConfig,
) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    let id = customer.id();
    inputs.set(Input::ProfileMatch, profile.share());
    inputs.set(Input::Margin, cost.margin.map(|m| m.to_f64()));

    // Resource intensity: cost of people's time per unit of revenue, against the typical.
    let service = cost
        .sum_where(|item| item.role().is_some())
        .map_err(|e| Error::arithmetic(Some(id), "cost.service", e))?;
    if !cost.revenue.is_zero() {
        let ratio = decimal_to_f64(service.amount()) / decimal_to_f64(cost.revenue.amount());
        inputs.set(Input::RelativeIntensity, Some(ratio / typical_ratio));
    }

    let logo = customer.logo();
    let yes_no = |b: Option<bool>| b.map(|b| if b { 1.0 } else { 0.0 });
    let level = |l: Option<Level>| {
        l.map(|l| match l {
            Level::Low => 0.0,
            Level::Medium => 0.5,
            Level::High => 1.0,
        })
    };
    inputs.set(Input::Referenceable, yes_no(logo.referenceable));
    inputs.set(Input::CaseStudy, yes_no(logo.case_study));
    inputs.set(
        Input::BrandTier,
        logo.brand_tier.map(|t| match t {
            BrandTier::Local => 0.0,
            BrandTier::Regional => 1.0 / 3.0,
            BrandTier::National => 2.0 / 3.0,
            BrandTier::Global => 1.0,
        }),
    );
    inputs.set(
        Input::StrategicPositioning,
        level(logo.strategic_positioning),
    );
    inputs.set(Input::FeedbackQuality, level(logo.feedback_quality));

    let b = customer.behaviour();
    let share = |s: Option<crate::units::Share>| s.map(|s| s.to_f64());
    inputs.set(Input::MeetingAttendance, share(b.meeting_attendance));
    inputs.set(Input::PlanAdherence, share(b.plan_adherence));
    inputs.set(Input::GoalChanges, b.goal_changes.map(f64::from));
    inputs.set(Input::Responsiveness, share(b.responsiveness));
    inputs.set(Input::OutcomesAchieved, share(b.outcomes_achieved));
    inputs.set(Input::ContentConsumed, share(b.content_consumed));
    inputs.set(Input::RenewalIntent, b.renewal_intent.map(|p| p.get()));
    inputs.set(Input::Nps, b.nps.map(|n| f64::from(n.get())));

    // Growth (seed 002): whitespace times the likelihood of seizing it; without a stated
    // likelihood, judge it from past behaviour (attendance, adherence, responsiveness).
    let growth = customer.growth();
    let likelihood = growth.likelihood.map(|p| p.get()).or_else(|| {
        let (mut sum, mut n) = (0.0, 0u8);
        for i in [
            Input::MeetingAttendance,
            Input::PlanAdherence,
            Input::Responsiveness,
        ] {
            if let Some(v) = inputs.get(i) {
                sum += v;
                n += 1;
            }
        }
        (n > 0).then(|| sum / f64::from(n))
    });
    inputs.set(Input::Likelihood, likelihood);
    let whitespace = growth
        .whitespace()
        .map_err(|e| Error::arithmetic(Some(id), "growth.whitespace", e))?;
    if let (Some(ws), Some(p)) = (whitespace, likelihood) {
        let base = growth_base(customer, cost, seg);
        inputs.set(
            Input::ExpectedGrowth,
            Some(decimal_to_f64(ws.amount()) * p / base),
        );
    }

    let (mut broad, mut custom) = (0u32, 0u32);
    for r in customer.feature_requests() {
        match r.scope {
            RequestScope::Broad => broad += 1,
            RequestScope::Custom => custom += 1,
        }
    }
    let custom_features =
        u32::try_from(customer.activity().custom_features.len()).unwrap_or(u32::MAX);
    inputs.set(Input::BroadRequests, Some(f64::from(broad)));
    inputs.set(
        Input::CustomDemands,
        Some(f64::from(custom.saturating_add(custom_features))),
    );
    Ok(inputs)
}

/// The class, in precedence: bad, bad fit, challenging but worth it, good fit.
fn classify(inputs: &Inputs, seg: &SegmentationConfig) -> Classification {
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
