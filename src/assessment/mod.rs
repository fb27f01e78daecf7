//! The fit assessment of one customer at an explicit date: cost to serve, measured inputs,
//! scorecard, quadrant, class, guardrails and overrides, each with its reasons.

mod classify;
pub(crate) mod diff;
pub(crate) mod inputs;
mod lifetime;
mod measure;
pub(crate) mod overrides;
mod plausible;
pub(crate) mod profile;
pub mod scoring;
mod segment;

pub use diff::{AssessmentDiff, DimensionChange, InputChange};
pub use inputs::{Dimension, Input, InputSet, Inputs, PerDimension};
pub use lifetime::{LifetimeValue, LifetimeValueConfig, SegmentKey};
pub use overrides::{Override, OverrideOutcome, OverrideStatus, OverrideTarget};
pub use plausible::{PlausibleConfig, PlausibleRange, PlausibleRanges};
pub use profile::{Criterion, CriterionMatch, IdealCustomerProfile, ProfileMatch};
pub use segment::{
    Classification, Comparison, FitClass, Guardrail, Quadrant, SegmentationConfig, Signal,
};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::scoring::{Scorecard, ScoringContext, ScoringStrategy, WeightedScorecard};
use crate::cost::{CostModel, CostToServe};
use crate::customer::{Customer, CustomerId, LifecycleStage};
use crate::error::{Error, Result};
use crate::retention::MIN_DISCOUNT_RATE;
use crate::units::decimal_to_f64;

use classify::classify;
pub(crate) use classify::{likes_unknown, BAD_TEST_INPUTS};
use lifetime::lifetime_value;
pub(crate) use measure::whitespace_ratio;
use measure::{check_scorecard, growth_base, measure};
use segment::out_of_range;
pub(crate) use segment::plural;

/// Configuration of an assessment: the ideal customer profile, the segmentation lines and,
/// optionally, retention models for lifetime value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct AssessmentConfig {
    /// The ideal customer profile.
    pub profile: IdealCustomerProfile,
    /// Dividing lines and thresholds.
    pub segmentation: SegmentationConfig,
    /// Retention models; when given, each assessment carries a lifetime value and the growth
    /// dimension uses it.
    pub lifetime_value: Option<LifetimeValueConfig>,
    /// Plausible ranges of the facts without a natural bound (whitespace, revenue growth): how
    /// a portfolio finds them, and the ranges a customer assessed alone uses.
    pub plausible: PlausibleConfig,
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
    /// The plausible ranges of whitespace and revenue growth, when a portfolio run found them
    /// (otherwise the configured ranges are used).
    pub plausible: Option<PlausibleRanges>,
}

impl AssessmentContext<'_> {
    /// A context with only the date.
    pub fn new(as_of: NaiveDate) -> AssessmentContext<'static> {
        AssessmentContext {
            as_of,
            typical_service_cost_ratio: None,
            overrides: &[],
            plausible: None,
        }
    }
}

/// The fit assessment of one customer.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Config, Customer};
/// use custfit::assessment::{Dimension, FitClass, Quadrant};
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let assessor = Config::default().assessor()?;
/// let customer = Customer::builder("C-042", "Northwind Freight")
///     .currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31))
///     .customer_since(d(2023, 3, 1))
///     .recurring_revenue(Decimal::from(60_000))
///     .engineering_hours(Decimal::from(150))
///     .meeting_attendance(Decimal::new(9, 1))
///     .build()?;
/// let a = assessor.assess(&customer, d(2026, 1, 15))?;
/// assert_eq!(a.cost.margin.map(|m| m.to_string()).as_deref(), Some("53.8%"));
/// // Profitable, but no growth fact is known: not called a cash cow.
/// assert_eq!(a.quadrant, Quadrant::ProfitableGrowthUnknown);
/// assert_eq!(a.classification.class, FitClass::GoodFit);
/// assert_eq!(a.effective_score(Dimension::Margin), Some(100.0));
/// assert_eq!(format!("{:.1}", a.scorecard.overall), "75.5");
/// assert_eq!(a.tenure_months, Some(34));
/// assert!(a.guardrails.is_empty());
/// # Ok(())
/// # }
/// ```
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
    /// The itemized cost to serve and margin.
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
    /// The margin ratio at or above which the customer counts as profitable.
    pub margin_line: f64,
    /// The growth-potential score at or above which the customer counts as growing.
    pub growth_line: f64,
    /// Each dimension's score with every unknown fact at the best end of its full range
    /// (overrides applied; facts that imply each other kept consistent). A dimension is *known*
    /// to be low only when even this is below the line: an unknown fact never supplies a
    /// signal for a harsher action.
    pub best_case: PerDimension<Option<f64>>,
    /// Each dimension's score with every unknown fact at its best *plausible* value: as
    /// [`best_case`](Self::best_case), but unknown whitespace and revenue growth at the top of
    /// their [plausible ranges](PlausibleRanges) rather than unbounded. A dimension below the
    /// line here but not in `best_case` is *plausibly* low: an estimate, which can make a
    /// let-go provisional, never confirmed.
    pub plausible_best: PerDimension<Option<f64>>,
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
    /// Lifetime value rests on the constant-churn limit of a retention fit without a finite
    /// maximum, not on a fitted sBG model.
    ConstantChurnLimit {
        /// The churn probability per period.
        churn: f64,
    },
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
                "{dimension} score {score:.0} (weight {:.0}%, {effect:+.1} points)",
                weight * 100.0
            ),
            Reason::Signal(s) => s.fmt(f),
            Reason::Guardrail(g) => g.fmt(f),
            Reason::ConstantChurnLimit { churn } => write!(
                f,
                "lifetime value from the constant-churn limit ({:.1}% churn per period): the retention fit has no finite maximum",
                churn * 100.0
            ),
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

    /// The effective score of `dimension` when it is known to be below `line`: even with every
    /// unknown fact at its best it stays below. `None` when it is not below, or not known to be.
    pub fn known_below(&self, dimension: Dimension, line: f64) -> Option<f64> {
        let best = self.best_case.get(dimension).filter(|b| *b < line)?;
        Some(self.effective_score(dimension).unwrap_or(best))
    }

    /// The effective score of `dimension` when it is plausibly below `line`: with every unknown
    /// fact at its best plausible value it stays below (see
    /// [`plausible_best`](Self::plausible_best)). Everything known to be below is plausibly
    /// below too.
    pub fn plausibly_below(&self, dimension: Dimension, line: f64) -> Option<f64> {
        let best = self.plausible_best.get(dimension).filter(|b| *b < line)?;
        Some(self.effective_score(dimension).unwrap_or(best))
    }

    /// Whether a guardrail of the given kind holds.
    pub fn has_guardrail(&self, pred: impl Fn(&Guardrail) -> bool) -> bool {
        self.guardrails.iter().any(pred)
    }

    /// The `n` strongest reasons: guardrails first, then class signals, then the dimensions
    /// that moved the score furthest from neutral (a dimension that moved it by less than 0.05
    /// points is no reason).
    pub fn top_reasons(&self, n: usize) -> Vec<Reason> {
        self.reasons(n).collect()
    }

    /// The reasons of [`top_reasons`](Self::top_reasons), without collecting them (the
    /// policy extends its own list with them, once per customer).
    pub(crate) fn reasons(&self, n: usize) -> impl Iterator<Item = Reason> + '_ {
        // At most one reason per dimension: sorted on the stack, not in a vector.
        let mut dims = [None; Dimension::ALL.len()];
        let weighty = self
            .scorecard
            .dimensions
            .iter()
            .filter_map(|(dimension, s)| {
                let score = s.used?;
                let effect = (score - 50.0) * s.weight;
                (effect.abs() >= 0.05).then_some((
                    effect.abs(),
                    Reason::Dimension {
                        dimension,
                        score,
                        weight: s.weight,
                        effect,
                    },
                ))
            });
        let mut count = 0;
        for (slot, dim) in dims.iter_mut().zip(weighty) {
            *slot = Some(dim);
            count += 1;
        }
        dims[..count].sort_by(|a, b| {
            let size = |d: &Option<(f64, Reason)>| d.map_or(0.0, |(e, _)| e);
            size(b).total_cmp(&size(a))
        });
        let limit = self
            .lifetime_value
            .as_ref()
            .and_then(|l| l.constant_churn)
            .map(|churn| Reason::ConstantChurnLimit { churn });
        self.guardrails
            .iter()
            .map(|g| Reason::Guardrail(*g))
            .chain(limit)
            .chain(
                self.classification
                    .signals
                    .iter()
                    .map(|s| Reason::Signal(*s)),
            )
            .chain(dims.into_iter().flatten().map(|(_, r)| r))
            .take(n)
    }
}

/// Assesses customers: the cost model, the configuration and a scoring strategy.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Assessor, CostModel, Customer};
/// use custfit::assessment::{AssessmentConfig, FitClass};
/// use custfit::cost::CostModelConfig;
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
        config.segmentation.validate().map_err(|e| match e {
            Error::InvalidConfig { field, problem } => Error::InvalidConfig {
                field: format!("segmentation.{field}"),
                problem,
            },
            other => other,
        })?;
        if let Some(ltv) = &config.lifetime_value {
            if !(ltv.discount_rate.is_finite() && ltv.discount_rate >= MIN_DISCOUNT_RATE) {
                return Err(Error::config(
                    "lifetime_value.discount_rate",
                    out_of_range(ltv.discount_rate, "a finite rate of at least 1e-6"),
                ));
            }
        }
        config.plausible.validate()?;
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

    /// Each dimension's score with every unknown fact at its best, overrides applied: over the
    /// full range of each fact, then over its plausible range (see [`PlausibleRanges`]).
    ///
    /// Facts that imply each other stay consistent: a case study implies being referenceable,
    /// so a customer known not to be referenceable has no case study at best; no whitespace
    /// means no expected growth, whatever the likelihood. Expected growth at best is the
    /// whitespace (known, else unbounded over the full range or the top of its plausible
    /// range) times the likelihood (stated, else 1, the top of a probability).
    #[allow(clippy::too_many_arguments)]
    fn best_cases(
        &self,
        customer: &Customer,
        cost: &CostToServe,
        inputs: &Inputs,
        profile: &ProfileMatch,
        ctx: &ScoringContext,
        overrides: &[OverrideOutcome],
        scored: &Scorecard,
        ranges: &PlausibleRanges,
    ) -> Result<BestCases> {
        let mut best = *inputs;
        for input in Input::ALL {
            if inputs.get(input).is_none() && input.applies_to(customer.stage()) {
                best.set(input, best_value(input));
            }
        }
        best.set(Input::ProfileMatch, profile.best_share());
        if inputs.get(Input::Referenceable) == Some(0.0) && inputs.get(Input::CaseStudy).is_none() {
            best.set(Input::CaseStudy, Some(0.0));
        }
        let growth = customer.growth();
        let likelihood = growth.likelihood.map_or(1.0, |p| p.get());
        let base = || growth_base(customer, cost, &self.config.segmentation);
        let whitespace = growth.whitespace().ok().flatten();
        match whitespace {
            // Measured as zero, whatever the likelihood.
            Some(ws) if ws.is_zero() => {}
            Some(ws) => best.set(
                Input::ExpectedGrowth,
                Some(decimal_to_f64(ws.amount()) * likelihood / base()),
            ),
            None => {}
        }
        let mut plausible = best;
        if whitespace.is_none() {
            plausible.set(
                Input::ExpectedGrowth,
                Some(ranges.whitespace_ratio.high * likelihood),
            );
        }
        if inputs.get(Input::HistoricalGrowth).is_none() {
            plausible.set(Input::HistoricalGrowth, Some(ranges.historical_growth.high));
        }
        // A record with nothing unknown is its own best case: no second scoring; a best case
        // that no plausible bound changes is its own plausible best: no third. Of a best case
        // only the dimension scores are read.
        let dimensions_of =
            |card: &Scorecard| PerDimension::from_fn(|d| card.dimensions.get(d).score);
        let full = if best == *inputs {
            dimensions_of(scored)
        } else {
            self.strategy.score_dimensions(&best, ctx)?
        };
        let plausible = if plausible == best {
            full
        } else if plausible == *inputs {
            dimensions_of(scored)
        } else {
            self.strategy.score_dimensions(&plausible, ctx)?
        };
        let effective = |dimensions: &PerDimension<Option<f64>>| {
            PerDimension::from_fn(|d| {
                crate::assessment::overrides::effective_dimension(overrides, d)
                    .or(*dimensions.get(d))
            })
        };
        Ok(BestCases {
            full: effective(&full),
            plausible: effective(&plausible),
        })
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
        let scoring_context = ScoringContext {
            stage: customer.stage(),
            new_customer,
        };
        let scorecard = self.strategy.score(&inputs, &scoring_context)?;
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

        let ranges = ctx
            .plausible
            .unwrap_or_else(|| self.config.plausible.configured());
        let BestCases {
            full: best_case,
            plausible: plausible_best,
        } = self.best_cases(
            customer,
            &cost,
            &inputs,
            &profile,
            &scoring_context,
            &overrides,
            &scorecard,
            &ranges,
        )?;
        let margin = inputs.get(Input::Margin);
        let profitable = margin.is_some_and(|m| m >= seg.margin_line);
        // Growing on the known facts; not growing only if even the best case is below the line.
        let growth = effective(Dimension::GrowthPotential);
        let growing = if growth.is_some_and(|g| g >= seg.growth_line) {
            Some(true)
        } else if best_case
            .growth_potential
            .is_some_and(|g| g < seg.growth_line)
        {
            Some(false)
        } else {
            None
        };
        let quadrant = Quadrant::place(profitable, growing);

        let mut guardrails = Vec::new();
        if let (Some(t), true) = (tenure_months, new_customer) {
            guardrails.push(Guardrail::NewCustomer {
                tenure_months: t,
                threshold_months: seg.new_customer_months,
            });
        } else if customer.stage() == LifecycleStage::Onboarding {
            guardrails.push(Guardrail::Onboarding);
        }
        let low_margin =
            margin.is_some_and(|m| m < seg.margin_line && m >= seg.logo_offset_margin_floor);
        if low_margin {
            let logo = effective(Dimension::LogoValue);
            if let Some(logo) = logo.filter(|l| *l >= seg.logo_offset_min_score) {
                guardrails.push(Guardrail::LogoOffsetsMargin {
                    logo_score: logo,
                    threshold: seg.logo_offset_min_score,
                    margin,
                });
            } else if let Some(best) = best_case
                .logo_value
                .filter(|b| *b >= seg.logo_offset_min_score)
            {
                let mut missing = InputSet::default();
                for input in Dimension::LogoValue.inputs() {
                    if inputs.get(*input).is_none() {
                        missing.insert(*input);
                    }
                }
                guardrails.push(Guardrail::LogoMayOffsetMargin {
                    logo_score: logo,
                    best_case: best,
                    threshold: seg.logo_offset_min_score,
                    missing,
                });
            }
        }
        let influence = effective(Dimension::ProductInfluence);
        if let Some(shaper) = classify::product_shaper(&inputs, influence, seg) {
            guardrails.push(shaper);
        }
        let classification = classify(&inputs, influence, seg, customer.stage());
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
            margin_line: seg.margin_line,
            growth_line: seg.growth_line,
            best_case,
            plausible_best,
            classification,
            guardrails,
            lifetime_value,
        })
    }
}

/// The best cases of one assessment: over the full ranges and over the plausible ranges.
struct BestCases {
    full: PerDimension<Option<f64>>,
    plausible: PerDimension<Option<f64>>,
}

/// The best value of an unknown input for the company (scores are higher-is-better), or
/// `None` for inputs that are never unknown facts of the record.
fn best_value(input: Input) -> Option<f64> {
    match input {
        Input::RelativeIntensity | Input::GoalChanges | Input::CustomDemands => Some(0.0),
        Input::Nps => Some(100.0),
        // Expected growth at a hundred times revenue: the top of any growth scale.
        Input::ExpectedGrowth => Some(100.0),
        Input::Margin | Input::ProfileMatch | Input::LifetimeValue | Input::BroadRequests => None,
        _ => Some(1.0),
    }
}
