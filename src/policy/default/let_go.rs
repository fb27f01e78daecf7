//! Letting a candidate go (seed 001): only when salvage fails, unless a protection or too few
//! independent signals keep it; provisional while unknown facts could still plausibly change
//! it, or waiting for them where the policy is set to.

use super::{DefaultPolicy, Growth, Verdict};
use crate::assessment::inputs::{Dimension, Input, InputSet};
use crate::assessment::{likes_unknown, FitAssessment, FitClass, Guardrail, BAD_TEST_INPUTS};
use crate::customer::Customer;
use crate::error::Result;
use crate::policy::config::ProvisionalLetGo;
use crate::policy::levers::LeverPlan;
use crate::policy::recommendation::{Action, LetGoSignal, PolicyContext, Rule};

impl DefaultPolicy {
    /// Independent signals for letting the customer go, with how many rest on known facts
    /// alone (a growth signal that holds only under plausible ranges does not).
    fn offboard_signals(&self, a: &FitAssessment, growth: Growth) -> (Vec<LetGoSignal>, u8) {
        let cfg = &self.config;
        let mut signals = Vec::with_capacity(5);
        let mut estimates = 0;
        if !a.quadrant.is_profitable() {
            signals.push(LetGoSignal::Unprofitable {
                margin: a.inputs.get(Input::Margin),
                line: a.margin_line,
            });
        }
        if let Growth::Low { score, plausible } = growth {
            estimates += u8::from(plausible);
            signals.push(LetGoSignal::LowGrowth {
                score,
                line: a.growth_line,
                plausible,
            });
        }
        if matches!(a.classification.class, FitClass::Bad | FitClass::BadFit) {
            signals.push(LetGoSignal::Misfit {
                class: a.classification.class,
            });
        }
        if let Some(score) = a.known_below(Dimension::MutualValue, cfg.min_mutual_value) {
            signals.push(LetGoSignal::OneWayValue {
                score,
                line: cfg.min_mutual_value,
            });
        }
        if let Some(score) = a.known_below(Dimension::StrategicAlignment, cfg.min_alignment) {
            signals.push(LetGoSignal::OutsideProfile {
                score,
                line: cfg.min_alignment,
            });
        }
        let confirmed = signals.len() as u8 - estimates;
        (signals, confirmed)
    }

    /// A let-go candidate decided by `rule`: let go only when salvage fails (seed 001), unless
    /// a protection or too few signals keep it; provisional while unknown facts could still
    /// plausibly change it.
    pub(super) fn let_go(
        &self,
        c: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
        rule: Rule,
        growth: Growth,
        plan: &mut Option<LeverPlan>,
    ) -> Result<Verdict> {
        let cfg = &self.config;
        // Salvage is judged by money: the confirmed levers, then with the estimated resets
        // (a reset is a salvage attempt). A bad customer after its reset had it: the period's
        // figures already show what it did, so its estimates are not counted again.
        let levers = match plan {
            Some(p) => p,
            None => plan.insert(self.levers(c, a)?),
        };
        if levers.reaches_break_even {
            let why = if rule == Rule::BadFitNotFixable {
                Rule::BadFitFixable
            } else {
                Rule::Salvageable
            };
            return Ok(Verdict::new(Action::Restructure, why));
        }
        let after_reset = matches!(rule, Rule::BadCustomerAfterReset { .. });
        if !after_reset && !levers.margin_with_resets(c.id())?.is_negative() {
            return Ok(Verdict::new(Action::Restructure, Rule::ResetFirst));
        }
        let mut v = Verdict::new(Action::Offboard, rule);
        // Seed 000: a customer known to shape the product is kept "at all costs"; restructured
        // while it loses money (it does here: salvage failed).
        let shaper = a.guardrails.iter().find_map(|g| match g {
            Guardrail::ProductShaper { likes, .. } => Some(likes.is_some()),
            _ => None,
        });
        if shaper == Some(true) {
            return Ok(v.capped(Action::Restructure, Rule::ProductShaper));
        }
        // Never let a subsidiary go without saying what it means for its group.
        if c.parent().is_some() && ctx.group.is_none() {
            return Ok(v.capped(Action::Restructure, Rule::GroupImpactUnknown));
        }
        if ctx.systemic && matches!(rule, Rule::Dog | Rule::BadFitNotFixable) {
            return Ok(v.capped(Action::Restructure, Rule::SystemicProblem));
        }
        let (signals, confirmed) = self.offboard_signals(a, growth);
        let count = signals.len() as u8;
        v.signals = signals;
        if count < cfg.min_offboard_signals {
            let why = Rule::TooFewSignals {
                signals: count,
                required: cfg.min_offboard_signals,
            };
            return Ok(v.capped(Action::Restructure, why));
        }
        // Unknown facts that could still plausibly change the let-go.
        let mut to_confirm = InputSet::default();
        let plausible_growth = matches!(
            growth,
            Growth::Low {
                plausible: true,
                ..
            }
        );
        if plausible_growth && (rule == Rule::Dog || confirmed < cfg.min_offboard_signals) {
            to_confirm = to_confirm | unknown_growth_facts(c);
        }
        if shaper == Some(false) {
            to_confirm = to_confirm | likes_unknown(&a.inputs);
        }
        let reset_before = c
            .last_expectation_reset()
            .is_some_and(|r| r < c.period().start());
        let class = &a.classification;
        if !reset_before && class.could_be.contains(&FitClass::Bad) {
            for input in &class.missing {
                if BAD_TEST_INPUTS.contains(input) {
                    to_confirm.insert(*input);
                }
            }
        }
        // Logo value comes after the classes in precedence: it can keep a dog, not a misfit.
        if rule == Rule::Dog {
            for g in &a.guardrails {
                if let Guardrail::LogoMayOffsetMargin { missing, .. } = g {
                    to_confirm = to_confirm | *missing;
                }
            }
        }
        v.to_confirm = to_confirm;
        self.wait_or_let_go(&mut v);
        Ok(v)
    }

    /// A provisional let-go restructures instead when the policy is set to wait for facts
    /// other than behavior ([`ProvisionalLetGo::Restructure`]).
    pub(super) fn wait_or_let_go(&self, v: &mut Verdict) {
        let waits = self.config.provisional == ProvisionalLetGo::Restructure
            && v.action == Action::Offboard
            && v.to_confirm.iter().any(|i| !BAD_TEST_INPUTS.contains(&i));
        if waits {
            let missing = std::mem::take(&mut v.to_confirm);
            let capped = std::mem::replace(v, Verdict::new(Action::Offboard, v.rule));
            *v = capped.capped(Action::Restructure, Rule::PendingFacts { missing });
        }
    }
}

/// The growth facts the record lacks that can move its best growth potential: the whitespace
/// and a stated likelihood.
pub(super) fn unknown_growth_facts(c: &Customer) -> InputSet {
    let g = c.growth();
    let mut set = InputSet::default();
    if g.whitespace().ok().flatten().is_none() {
        set.insert(Input::ExpectedGrowth);
    }
    if g.likelihood.is_none() {
        set.insert(Input::Likelihood);
    }
    set
}
