//! The default policy: the articles' rules in a fixed precedence.

use chrono::{Months, NaiveDate};
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

use crate::policy::recommendation::{
    Action, Because, Effect, GroupImpact, PolicyContext, Recommendation, RecommendationPolicy, Rule,
};

/// Months until the next review, by action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewMonths {
    /// After invest.
    pub invest: u32,
    /// After retain.
    pub retain: u32,
    /// After restructure.
    pub restructure: u32,
    /// After decline (the prospect may come back).
    pub decline: u32,
    /// For a new customer given time.
    pub new_customer: u32,
}

/// Thresholds of the [`DefaultPolicy`]; plain serde data with documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyConfig {
    /// Independent signals needed to let a customer go (default 2; never fewer).
    pub min_offboard_signals: u8,
    /// Strategic-alignment score below which a customer is outside the profile (default 50).
    pub min_alignment: f64,
    /// Mutual-value score below which value does not flow both ways (default 35).
    pub min_mutual_value: f64,
    /// Product-influence score below which one-off demands dominate (default 35).
    pub min_product_influence: f64,
    /// Growth score at or above which a customer has growth potential (default 50).
    pub growth_line: f64,
    /// Product-influence score from which a customer with broad requests shapes the product
    /// and is kept (default 70).
    pub min_shaper_influence: f64,
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
            growth_line: 50.0,
            min_shaper_influence: 70.0,
            review_months: ReviewMonths {
                invest: 6,
                retain: 12,
                restructure: 3,
                decline: 6,
                new_customer: 3,
            },
            levers: LeverConfig::default(),
            exit: ExitConfig::default(),
        }
    }
}

/// The policy of the articles: never on one signal alone; time for new customers with growth;
/// one expectation reset for bad customers; bad fits restructured when the levers fix the
/// margin, else let go with help; logo value justifying a low margin; quadrant otherwise (star
/// invest, cash cow retain, question mark restructure, dog offboard); product shapers kept and
/// systemic problems not held against a customer.
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
            ("growth_line", config.growth_line),
            ("min_shaper_influence", config.min_shaper_influence),
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

    fn below(a: &FitAssessment, d: Dimension, line: f64) -> bool {
        a.effective_score(d).is_some_and(|s| s < line)
    }

    /// Independent signals that support letting the customer go.
    fn offboard_signals(&self, a: &FitAssessment) -> u8 {
        let unprofitable = matches!(a.quadrant, Quadrant::QuestionMark | Quadrant::Dog);
        let low_growth = matches!(a.quadrant, Quadrant::CashCow | Quadrant::Dog);
        let misfit = matches!(a.classification.class, FitClass::Bad | FitClass::BadFit);
        let one_way = Self::below(a, Dimension::MutualValue, self.config.min_mutual_value);
        let outside = Self::below(a, Dimension::StrategicAlignment, self.config.min_alignment);
        [unprofitable, low_growth, misfit, one_way, outside]
            .into_iter()
            .filter(|s| *s)
            .count() as u8
    }
}

fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

impl RecommendationPolicy for DefaultPolicy {
    fn recommend(
        &self,
        customer: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation> {
        let cfg = &self.config;
        let growth = a.effective_score(Dimension::GrowthPotential);
        let has_growth = growth.is_some_and(|g| g >= cfg.growth_line);
        let guard = |p: fn(&Guardrail) -> bool| a.guardrails.iter().any(p);
        let levers = || LeverPlan::new(customer, &a.cost, &self.cost_model, &cfg.levers);
        let mut lever_plan: Option<LeverPlan> = None;

        let (mut action, mut rule) = if customer.stage() == LifecycleStage::Prospect {
            let signals = [
                Self::below(a, Dimension::StrategicAlignment, cfg.min_alignment),
                Self::below(a, Dimension::MutualValue, cfg.min_mutual_value),
                Self::below(a, Dimension::ProductInfluence, cfg.min_product_influence),
                !has_growth,
            ]
            .into_iter()
            .filter(|s| *s)
            .count() as u8;
            if signals >= cfg.min_offboard_signals {
                (Action::Decline, Rule::ProspectDeclined { signals })
            } else if has_growth && signals == 0 {
                (Action::Invest, Rule::ProspectFits)
            } else {
                (Action::Retain, Rule::ProspectUncertain)
            }
        } else if has_growth && guard(|g| matches!(g, Guardrail::NewCustomer { .. })) {
            match a.quadrant {
                Quadrant::Star => (Action::Invest, Rule::NewCustomerWithGrowth),
                _ => (Action::Retain, Rule::NewCustomerWithGrowth),
            }
        } else if a.classification.class == FitClass::Bad {
            let period_start = customer.period().start();
            match customer.last_expectation_reset() {
                Some(reset_on) if reset_on < period_start => {
                    (Action::Offboard, Rule::BadCustomerAfterReset { reset_on })
                }
                _ => (Action::Restructure, Rule::BadCustomerFirstReset),
            }
        } else if a.classification.class == FitClass::BadFit {
            let plan = levers()?;
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
            }
        };
        let mut reasons = Vec::with_capacity(6);
        // Seed 000: a customer whose requests benefit others is kept "at all costs": never let
        // go, and restructured only while it loses money. Applied as a cap, so that lowering
        // its cost can never make the recommendation harsher.
        let shapes_product = a
            .effective_score(Dimension::ProductInfluence)
            .is_some_and(|s| s >= cfg.min_shaper_influence)
            && a.inputs.get(crate::Input::BroadRequests).unwrap_or(0.0) >= 1.0;
        if shapes_product && customer.stage() != LifecycleStage::Prospect {
            let kept = if a.cost.gross_margin.is_negative() {
                Action::Restructure
            } else {
                Action::Retain
            };
            if kept.harshness() < action.harshness() {
                reasons.push(Because::Rule(rule));
                (action, rule) = (kept, Rule::ProductShaper);
            }
        }
        // Never let a subsidiary go without saying what it means for its group: without the
        // group's figures, restructure instead.
        if action == Action::Offboard && customer.parent().is_some() && ctx.group.is_none() {
            reasons.push(Because::Rule(rule));
            (action, rule) = (Action::Restructure, Rule::GroupImpactUnknown);
        }
        if action == Action::Offboard {
            if ctx.systemic && matches!(rule, Rule::Dog | Rule::BadFitNotFixable) {
                reasons.push(Because::Rule(rule));
                (action, rule) = (Action::Restructure, Rule::SystemicProblem);
            } else {
                let signals = self.offboard_signals(a);
                if signals < cfg.min_offboard_signals {
                    reasons.push(Because::Rule(rule));
                    (action, rule) = (
                        Action::Restructure,
                        Rule::TooFewSignals {
                            signals,
                            required: cfg.min_offboard_signals,
                        },
                    );
                }
            }
        }
        reasons.insert(0, Because::Rule(rule));
        reasons.extend(a.top_reasons(4).into_iter().map(Because::Assessment));

        let currency = a.cost.total.currency();
        let as_of = a.as_of;
        let months = &cfg.review_months;
        let (effect, levers, exit_plan, review_on) = match action {
            Action::Restructure => {
                // A bad fit's plan was priced to decide; reuse it.
                let plan = match lever_plan.take() {
                    Some(plan) => plan,
                    None => levers()?,
                };
                let gained = plan
                    .levers
                    .iter()
                    .try_fold(Money::zero(currency), |acc, l| {
                        acc.checked_add(l.margin_gain)
                    });
                let revenue_gained = plan
                    .levers
                    .iter()
                    .find_map(|l| match &l.kind {
                        crate::LeverKind::Reprice { proposed, .. } => Some(proposed.amount),
                        _ => None,
                    })
                    .unwrap_or(Money::zero(currency));
                let effect = Effect {
                    revenue_lost: Money::zero(currency),
                    revenue_gained,
                    margin_gained: gained.map_err(|e| {
                        Error::arithmetic(Some(customer.id()), "effect.margin_gained", e)
                    })?,
                    hours_freed: plan.hours_freed(),
                };
                (
                    effect,
                    Some(plan),
                    None,
                    add_months(as_of, months.restructure),
                )
            }
            Action::Offboard | Action::Decline => {
                let effect = Effect {
                    revenue_lost: a.cost.revenue,
                    revenue_gained: Money::zero(currency),
                    margin_gained: a.cost.gross_margin.negate(),
                    hours_freed: a.cost.hours,
                };
                if action == Action::Decline {
                    (effect, None, None, add_months(as_of, months.decline))
                } else {
                    let per_day = a
                        .cost
                        .gross_margin
                        .checked_div(Decimal::from(customer.period().days()))
                        .map_err(|e| {
                            Error::arithmetic(Some(customer.id()), "exit_plan.margin_per_day", e)
                        })?;
                    let plan = ExitPlan::new(customer, per_day, as_of, &cfg.exit)?;
                    let review_on = plan.chosen.notice_deadline;
                    (effect, None, Some(plan), review_on)
                }
            }
            Action::Invest => (
                Effect::none(currency),
                None,
                None,
                add_months(as_of, months.invest),
            ),
            _ => {
                let m = if rule == Rule::NewCustomerWithGrowth {
                    months.new_customer
                } else {
                    months.retain
                };
                (Effect::none(currency), None, None, add_months(as_of, m))
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
                        .map(|r| crate::Ratio::new(r.round_dp(6).normalize())),
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
        })
    }
}
