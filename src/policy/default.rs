//! The default policy: the articles' rules in a fixed precedence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::Dimension;
use crate::assessment::{FitAssessment, FitClass, Guardrail, Quadrant};
use crate::cost::CostModel;
use crate::customer::{Customer, LifecycleStage};
use crate::error::{check_range, Error, Problem, Result};
use crate::money::Money;
use crate::policy::exit::{ExitConfig, ExitPlan};
use crate::policy::levers::{LeverConfig, LeverPlan};
use rust_decimal::Decimal;

use crate::assessment::inputs::InputSet;
use crate::policy::recommendation::{
    Action, Because, Effect, GroupImpact, LetGoSignal, LookBack, PolicyContext, Recommendation,
    RecommendationPolicy, Rule,
};

/// Months until the next review, by action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ReviewMonths {
    /// After invest (default 6).
    pub invest: u32,
    /// After retain (default 12).
    pub retain: u32,
    /// After restructure (default 3).
    pub restructure: u32,
    /// After decline: the prospect may come back (default 6).
    pub decline: u32,
    /// For a new customer given time (default 3).
    pub new_customer: u32,
    /// After the look back on a churned customer (default 12).
    pub churned: u32,
}

impl Default for ReviewMonths {
    fn default() -> Self {
        ReviewMonths {
            invest: 6,
            retain: 12,
            restructure: 3,
            decline: 6,
            new_customer: 3,
            churned: 12,
        }
    }
}

/// Thresholds of the [`DefaultPolicy`]; plain serde data with documented defaults.
///
/// The growth line, the product-shaper threshold and what "likes the product" means are set
/// once, in [`SegmentationConfig`](crate::assessment::SegmentationConfig): the policy reads the quadrant
/// and the guardrails of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Independent signals from known facts needed to let a customer go or decline a
    /// prospect (default 2; never fewer).
    pub min_offboard_signals: u8,
    /// Strategic-alignment score below which a customer is outside the profile (default 50).
    pub min_alignment: f64,
    /// Mutual-value score below which value does not flow both ways (default 35).
    pub min_mutual_value: f64,
    /// Product-influence score below which one-off demands dominate (default 35).
    pub min_product_influence: f64,
    /// Review intervals.
    pub review_months: ReviewMonths,
    /// Levers.
    pub levers: LeverConfig,
    /// Exit plans.
    pub exit: ExitConfig,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            min_offboard_signals: 2,
            min_alignment: 50.0,
            min_mutual_value: 35.0,
            min_product_influence: 35.0,
            review_months: ReviewMonths::default(),
            levers: LeverConfig::default(),
            exit: ExitConfig::default(),
        }
    }
}

/// The policy of the articles, in this precedence:
///
/// 1. a churned customer gets a look back (was it a fit, worth winning back), no action;
/// 2. a prospect is declined on at least two known disqualifying signals, invested in when it
///    fits and can grow, else proceeded with and reviewed;
/// 3. a new or onboarding customer with growth potential, or whose growth is unknown, is given
///    time (seed 002);
/// 4. a bad customer gets one expectation reset, and is let go if its behavior persists in a
///    period after that reset (seed 001);
/// 5. a bad fit is restructured when the confirmed levers fix its margin, else let go with help;
/// 6. logo value justifies a low margin (seed 001 §4);
/// 7. otherwise the quadrant: star invest, cash cow retain, question mark restructure, dog
///    offboard; profitable with unknown growth retain, unprofitable with unknown growth
///    restructure.
///
/// Then caps, which only ever make the action milder: a product shaper (known or possible) is
/// never let go (seed 000); a subsidiary is not let go without its group's figures; a member
/// of a systemic problem is not let go for it (seed 002); letting go needs at least
/// `min_offboard_signals` independent signals from known facts; and a customer is not let go
/// while an unknown fact could make the decision milder ([`Rule::PendingFacts`]).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Action, Assessor, CostModel, Customer};
/// use custfit::assessment::AssessmentConfig;
/// use custfit::cost::CostModelConfig;
/// use custfit::{DefaultPolicy, PolicyContext, RecommendationPolicy};
/// use custfit::policy::{PolicyConfig, Rule};
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let model = CostModel::new(CostModelConfig::default())?;
/// let assessor = Assessor::new(model.clone(), AssessmentConfig::default())?;
/// let policy = DefaultPolicy::new(PolicyConfig::default(), model)?;
/// // A loss-maker without any growth fact: not a dog by default, and not let go for it.
/// let c = Customer::builder("c", "C").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2022, 1, 1))
///     .recurring_revenue(Decimal::from(20_000)).engineering_hours(Decimal::from(400))
///     .build()?;
/// let a = assessor.assess(&c, d(2026, 1, 15))?;
/// let r = policy.recommend(&c, &a, &PolicyContext::default())?;
/// assert_eq!(r.action, Action::Restructure);
/// assert_eq!(r.rule(), Some(Rule::UnprofitableGrowthUnknown));
/// # Ok::<(), custfit::Error>(())
/// ```
///
/// From the one [`Config`](crate::Config), whose `policy` section is a [`PolicyConfig`]; a
/// policy that would let a customer go on one signal alone is refused:
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Action, Config, Customer, Error, PolicyContext, RecommendationPolicy};
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let mut config = Config::default();
/// config.policy.review_months.restructure = 1; // default 3
/// let (assessor, policy) = (config.assessor()?, config.policy()?);
/// let c = Customer::builder("c", "C").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2022, 1, 1))
///     .recurring_revenue(Decimal::from(20_000)).engineering_hours(Decimal::from(400))
///     .build()?;
/// let a = assessor.assess(&c, d(2026, 1, 15))?;
/// let r = policy.recommend(&c, &a, &PolicyContext::default())?;
/// assert_eq!((r.action, r.review_on), (Action::Restructure, d(2026, 2, 15)));
///
/// config.policy.min_offboard_signals = 1;
/// assert!(matches!(config.policy(), Err(Error::InvalidConfig { .. })));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultPolicy {
    config: PolicyConfig,
    cost_model: CostModel,
}

impl DefaultPolicy {
    /// A policy with `config`, pricing levers with `cost_model`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for fewer than two offboarding signals, scores outside 0..=100
    /// or lever shares outside 0..=1.
    pub fn new(config: PolicyConfig, cost_model: CostModel) -> Result<Self> {
        if config.min_offboard_signals < 2 {
            return Err(Error::config(
                "min_offboard_signals",
                Problem::Rule {
                    rule: "a decision is never made on one signal alone: at least 2".into(),
                },
            ));
        }
        for (field, v) in [
            ("min_alignment", config.min_alignment),
            ("min_mutual_value", config.min_mutual_value),
            ("min_product_influence", config.min_product_influence),
        ] {
            check_range(field, v, 0.0, 100.0)?;
        }
        config.levers.validate()?;
        Ok(DefaultPolicy { config, cost_model })
    }

    /// The configuration.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The score of `d` when it is known to be below `line` (even with every unknown fact at
    /// its best): an unknown fact is never a signal.
    fn below(a: &FitAssessment, d: Dimension, line: f64) -> Option<f64> {
        a.known_below(d, line)
    }

    /// Independent signals from known facts that support letting the customer go.
    fn offboard_signals(&self, a: &FitAssessment) -> Vec<LetGoSignal> {
        let cfg = &self.config;
        let mut signals = Vec::with_capacity(5);
        if !a.quadrant.is_profitable() {
            signals.push(LetGoSignal::Unprofitable {
                margin: a.inputs.get(crate::assessment::Input::Margin),
                line: a.margin_line,
            });
        }
        if a.quadrant.has_growth() == Some(false) {
            if let Some(score) = a.known_below(Dimension::GrowthPotential, a.growth_line) {
                signals.push(LetGoSignal::LowGrowth {
                    score,
                    line: a.growth_line,
                });
            }
        }
        if matches!(a.classification.class, FitClass::Bad | FitClass::BadFit) {
            signals.push(LetGoSignal::Misfit {
                class: a.classification.class,
            });
        }
        if let Some(score) = Self::below(a, Dimension::MutualValue, cfg.min_mutual_value) {
            signals.push(LetGoSignal::OneWayValue {
                score,
                line: cfg.min_mutual_value,
            });
        }
        if let Some(score) = Self::below(a, Dimension::StrategicAlignment, cfg.min_alignment) {
            signals.push(LetGoSignal::OutsideProfile {
                score,
                line: cfg.min_alignment,
            });
        }
        signals
    }

    /// Known disqualifying signals of a prospect (seed 003).
    fn prospect_signals(&self, a: &FitAssessment) -> Vec<LetGoSignal> {
        let cfg = &self.config;
        let mut signals = Vec::with_capacity(4);
        if let Some(score) = Self::below(a, Dimension::StrategicAlignment, cfg.min_alignment) {
            signals.push(LetGoSignal::OutsideProfile {
                score,
                line: cfg.min_alignment,
            });
        }
        if let Some(score) = Self::below(a, Dimension::MutualValue, cfg.min_mutual_value) {
            signals.push(LetGoSignal::OneWayValue {
                score,
                line: cfg.min_mutual_value,
            });
        }
        if let Some(score) = Self::below(a, Dimension::ProductInfluence, cfg.min_product_influence)
        {
            signals.push(LetGoSignal::OneOffDemands {
                score,
                line: cfg.min_product_influence,
            });
        }
        if a.quadrant.has_growth() == Some(false) {
            if let Some(score) = a.known_below(Dimension::GrowthPotential, a.growth_line) {
                signals.push(LetGoSignal::LowGrowth {
                    score,
                    line: a.growth_line,
                });
            }
        }
        signals
    }

    /// The look back on a churned customer.
    fn look_back(&self, customer: &Customer, a: &FitAssessment) -> Result<Recommendation> {
        let class = &a.classification;
        let misfit = matches!(class.class, FitClass::Bad | FitClass::BadFit);
        let growth = a.quadrant.has_growth();
        let worth = if misfit {
            Some(false)
        } else if a.quadrant.is_profitable() || growth == Some(true) {
            Some(true)
        } else if growth == Some(false) {
            Some(false)
        } else {
            None
        };
        let rule = match worth {
            Some(true) => Rule::WinBack,
            Some(false) => Rule::NoWinBack,
            None => Rule::WinBackUnclear,
        };
        let mut reasons = Vec::with_capacity(5);
        reasons.push(Because::Rule(rule));
        reasons.extend(a.reasons(4).map(Because::Assessment));
        Ok(Recommendation {
            customer: customer.id().clone(),
            action: Action::LookBack,
            reasons,
            review_on: review_date(customer, a.as_of, self.config.review_months.churned)?,
            effect: Effect::none(a.cost.total.currency()),
            levers: None,
            exit_plan: None,
            group_impact: None,
            look_back: Some(LookBack {
                class: class.class,
                class_certain: class.is_certain(),
                quadrant: a.quadrant,
                worth_winning_back: worth,
            }),
            to_collect: Vec::new(),
        })
    }

    /// Unknown facts that could make letting go milder: a possible bad customer without an
    /// earlier reset (it would get a reset first), a possible bad fit the levers can fix (it
    /// would be restructured), possible logo value (it would be kept). Empty when none.
    fn pending_facts(
        &self,
        customer: &Customer,
        a: &FitAssessment,
        rule: Rule,
        plan: &mut Option<LeverPlan>,
    ) -> Result<InputSet> {
        let mut missing = InputSet::default();
        let class = &a.classification;
        let reset_before = customer
            .last_expectation_reset()
            .is_some_and(|r| r < customer.period().start());
        let could_be = |c: FitClass| class.could_be.contains(&c);
        let mut softer = could_be(FitClass::Bad) && !reset_before;
        if !softer && could_be(FitClass::BadFit) {
            let levers = match plan.take() {
                Some(p) => p,
                None => self.levers(customer, a)?,
            };
            softer = levers.reaches_break_even;
            *plan = Some(levers);
        }
        if softer {
            for input in &class.missing {
                missing.insert(*input);
            }
        }
        // Logo value comes after the classes in precedence: it can soften a quadrant decision.
        if matches!(rule, Rule::Dog) {
            for g in &a.guardrails {
                if let Guardrail::LogoMayOffsetMargin { missing: m, .. } = g {
                    for input in m.iter() {
                        missing.insert(input);
                    }
                }
            }
        }
        Ok(missing)
    }

    fn levers(&self, customer: &Customer, a: &FitAssessment) -> Result<LeverPlan> {
        // The lever configuration was validated with the policy's.
        LeverPlan::with_valid_config(customer, &a.cost, &self.cost_model, &self.config.levers)
    }
}

/// `as_of` plus `months`, as a review date.
fn review_date(customer: &Customer, as_of: NaiveDate, months: u32) -> Result<NaiveDate> {
    crate::calendar::add_months(as_of, months).ok_or_else(|| {
        Error::invalid(
            Some(customer.id()),
            "review_on",
            Problem::OutOfRange {
                value: format!("{as_of} + {months} months"),
                allowed: "a date chrono can represent".into(),
            },
        )
    })
}

impl RecommendationPolicy for DefaultPolicy {
    fn recommend(
        &self,
        customer: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation> {
        if customer.stage() == LifecycleStage::Churned {
            return self.look_back(customer, a);
        }
        let cfg = &self.config;
        let growth = a.quadrant.has_growth();
        let guard = |p: fn(&Guardrail) -> bool| a.guardrails.iter().any(p);
        let grace = guard(Guardrail::is_grace);
        let prospect = customer.stage() == LifecycleStage::Prospect;
        let mut lever_plan: Option<LeverPlan> = None;

        let mut let_go = Vec::new();
        let (mut action, mut rule) = if prospect {
            let_go = self.prospect_signals(a);
            let signals = let_go.len() as u8;
            if signals >= cfg.min_offboard_signals {
                (Action::Decline, Rule::ProspectDeclined { signals })
            } else if growth == Some(true) && signals == 0 {
                (Action::Invest, Rule::ProspectFits)
            } else {
                (Action::Retain, Rule::ProspectUncertain)
            }
        } else if grace && growth == Some(true) {
            match a.quadrant {
                Quadrant::Star => (Action::Invest, Rule::NewCustomerWithGrowth),
                _ => (Action::Retain, Rule::NewCustomerWithGrowth),
            }
        } else if grace && growth.is_none() {
            (Action::Retain, Rule::NewCustomerGrowthUnknown)
        } else if a.classification.class == FitClass::Bad {
            let period_start = customer.period().start();
            match customer.last_expectation_reset() {
                Some(reset_on) if reset_on < period_start => {
                    (Action::Offboard, Rule::BadCustomerAfterReset { reset_on })
                }
                _ => (Action::Restructure, Rule::BadCustomerFirstReset),
            }
        } else if a.classification.class == FitClass::BadFit {
            let plan = self.levers(customer, a)?;
            let fixable = plan.reaches_break_even;
            lever_plan = Some(plan);
            if fixable {
                (Action::Restructure, Rule::BadFitFixable)
            } else {
                (Action::Offboard, Rule::BadFitNotFixable)
            }
        } else if guard(|g| matches!(g, Guardrail::LogoOffsetsMargin { .. })) {
            (Action::Retain, Rule::LogoJustifiesMargin)
        } else {
            match a.quadrant {
                Quadrant::Star => (Action::Invest, Rule::Star),
                Quadrant::CashCow => (Action::Retain, Rule::CashCow),
                Quadrant::QuestionMark => (Action::Restructure, Rule::QuestionMark),
                Quadrant::Dog => (Action::Offboard, Rule::Dog),
                Quadrant::ProfitableGrowthUnknown => {
                    (Action::Retain, Rule::ProfitableGrowthUnknown)
                }
                _ => (Action::Restructure, Rule::UnprofitableGrowthUnknown),
            }
        };
        let mut reasons = Vec::with_capacity(8);
        let cap = |reasons: &mut Vec<Because>, to: Action, why: Rule, from: (Action, Rule)| {
            reasons.push(Because::Overridden(from.1));
            (to, why)
        };
        // Seed 000: a customer whose requests benefit others is kept "at all costs": never let
        // go, and restructured only while it loses money. The guardrail (known or possible) is
        // the one definition; applied as a cap, so that lowering its cost can never make the
        // recommendation harsher.
        let shapes_product = guard(|g| matches!(g, Guardrail::ProductShaper { .. }));
        if shapes_product && !prospect {
            let kept = if a.cost.gross_margin.is_negative() {
                Action::Restructure
            } else {
                Action::Retain
            };
            if kept.harshness() < action.harshness() {
                (action, rule) = cap(&mut reasons, kept, Rule::ProductShaper, (action, rule));
            }
        }
        // Never let a subsidiary go without saying what it means for its group: without the
        // group's figures, restructure instead.
        if action == Action::Offboard && customer.parent().is_some() && ctx.group.is_none() {
            (action, rule) = cap(
                &mut reasons,
                Action::Restructure,
                Rule::GroupImpactUnknown,
                (action, rule),
            );
        }
        if action == Action::Offboard {
            if ctx.systemic && matches!(rule, Rule::Dog | Rule::BadFitNotFixable) {
                (action, rule) = cap(
                    &mut reasons,
                    Action::Restructure,
                    Rule::SystemicProblem,
                    (action, rule),
                );
            } else {
                let_go = self.offboard_signals(a);
                let signals = let_go.len() as u8;
                if signals < cfg.min_offboard_signals {
                    let why = Rule::TooFewSignals {
                        signals,
                        required: cfg.min_offboard_signals,
                    };
                    (action, rule) = cap(&mut reasons, Action::Restructure, why, (action, rule));
                }
            }
        }
        if action == Action::Offboard {
            let missing = self.pending_facts(customer, a, rule, &mut lever_plan)?;
            if !missing.is_empty() {
                let why = Rule::PendingFacts { missing };
                (action, rule) = cap(&mut reasons, Action::Restructure, why, (action, rule));
            }
        }
        reasons.insert(0, Because::Rule(rule));
        if matches!(action, Action::Offboard | Action::Decline) {
            reasons.extend(let_go.into_iter().map(Because::LetGo));
        }
        reasons.extend(a.reasons(4).map(Because::Assessment));

        let currency = a.cost.total.currency();
        let as_of = a.as_of;
        let months = &cfg.review_months;
        let (effect, levers, exit_plan, review_on) = match action {
            Action::Restructure => {
                // A plan priced to decide is reused.
                let plan = match lever_plan.take() {
                    Some(plan) => plan,
                    None => self.levers(customer, a)?,
                };
                let effect = plan.effect(customer.id(), currency)?;
                let review_on = review_date(customer, as_of, months.restructure)?;
                (effect, Some(plan), None, review_on)
            }
            Action::Offboard | Action::Decline => {
                let effect = Effect {
                    revenue_lost: a.cost.revenue,
                    revenue_gained: Money::zero(currency),
                    margin_gained: a.cost.gross_margin.negate(),
                    hours_freed: a.cost.hours,
                };
                if action == Action::Decline {
                    let review_on = review_date(customer, as_of, months.decline)?;
                    (effect, None, None, review_on)
                } else {
                    let per_day = a
                        .cost
                        .gross_margin
                        .checked_div(Decimal::from(customer.period().days()))
                        .map_err(|e| {
                            Error::arithmetic(Some(customer.id()), "exit_plan.margin_per_day", e)
                        })?;
                    let plan = ExitPlan::new(customer, per_day, as_of, &cfg.exit)?;
                    // Review by the notice deadline; when it is today or has passed, as after
                    // a restructure: a review date is always after the assessment date.
                    let review_on = if plan.chosen.notice_deadline > as_of {
                        plan.chosen.notice_deadline
                    } else {
                        review_date(customer, as_of, months.restructure)?
                    };
                    (effect, None, Some(plan), review_on)
                }
            }
            Action::Invest => (
                Effect::none(currency),
                None,
                None,
                review_date(customer, as_of, months.invest)?,
            ),
            _ => {
                let m = if matches!(
                    rule,
                    Rule::NewCustomerWithGrowth | Rule::NewCustomerGrowthUnknown
                ) {
                    months.new_customer
                } else {
                    months.retain
                };
                (
                    Effect::none(currency),
                    None,
                    None,
                    review_date(customer, as_of, m)?,
                )
            }
        };
        // Never let a subsidiary go without saying what it means for the group.
        let group_impact = match (&ctx.group, action) {
            (Some(group), Action::Offboard) => {
                let arithmetic = |e| Error::arithmetic(Some(customer.id()), "group_impact", e);
                Some(GroupImpact {
                    group: group.clone(),
                    revenue_share: a
                        .cost
                        .revenue
                        .ratio_to(group.revenue)
                        .map_err(arithmetic)?
                        .map(|r| {
                            crate::units::Ratio::new(
                                crate::money::round_half_even(r, 6).normalize(),
                            )
                        }),
                    margin_without: group
                        .margin
                        .checked_sub(a.cost.gross_margin)
                        .map_err(arithmetic)?,
                })
            }
            _ => None,
        };
        Ok(Recommendation {
            customer: customer.id().clone(),
            action,
            reasons,
            review_on,
            effect,
            levers,
            exit_plan,
            group_impact,
            look_back: None,
            to_collect: Vec::new(),
        })
    }
}
