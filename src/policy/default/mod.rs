//! The default policy: the articles' rules in a fixed precedence.

use chrono::NaiveDate;

use crate::assessment::inputs::Dimension;
use crate::assessment::{FitAssessment, FitClass, Guardrail};
use crate::cost::CostModel;
use crate::customer::{Customer, LifecycleStage};
use crate::error::{check_range, Error, Problem, Result};
use crate::money::Money;
use crate::policy::config::PolicyConfig;
use crate::policy::exit::ExitPlan;
use crate::policy::levers::LeverPlan;
use rust_decimal::Decimal;

use crate::assessment::inputs::InputSet;
use crate::policy::provisional::Provisional;
use crate::policy::recommendation::{
    Action, Because, Effect, GroupImpact, LetGoSignal, LookBack, PolicyContext, Recommendation,
    RecommendationPolicy, Rule,
};
use crate::policy::rule::NoGrace;

mod let_go;

use let_go::unknown_growth_facts;

/// The policy of the articles: it decides on the facts at hand (DESIGN "Decide on the facts at
/// hand"), in this precedence:
///
/// 1. a churned customer gets a look back (was it a fit, worth winning back), no action;
/// 2. a prospect is declined on at least two known disqualifying signals, invested in when it
///    fits and can grow, else proceeded with and reviewed;
/// 3. a new or onboarding customer is judged on its growth potential, not its early margin
///    (seed 002): given time while its growth can plausibly reach the line — unless it is a
///    known bad fit whose stated likelihood of growth is below `grace_min_likelihood`, or its
///    growth is low (known, or at best plausibly): then it is judged like any other
///    ([`NoGrace`](crate::policy::NoGrace));
/// 4. a bad customer gets one expectation reset, and is a let-go candidate if its behavior
///    persists in a period after that reset (seed 001);
/// 5. a bad fit is a let-go candidate;
/// 6. logo value justifies a low margin (seed 001 §4);
/// 7. otherwise the quadrant: star invest, cash cow retain, question mark restructure, dog a
///    let-go candidate; with growth unknown, a profitable customer is retained and an
///    unprofitable one restructured while its growth can plausibly reach the line, and a dog
///    (provisionally) when even its best plausible growth is below it.
///
/// A let-go candidate is let go only when **salvage fails** (seed 001): when no lever plan
/// brings it to break-even. The confirmed levers decide first ([`Rule::BadFitFixable`],
/// [`Rule::Salvageable`]); then the estimated expectation resets count too — if only they
/// could reach break-even, expectations are reset first ([`Rule::ResetFirst`]; not for a bad
/// customer after its reset, whose figures already show it). Then caps, which only ever make
/// the action milder: a customer known to shape the product is kept (seed 000); a subsidiary is
/// not let go without its group's figures; a member of a systemic problem is not let go for it
/// (seed 002); letting go needs at least `min_offboard_signals` independent signals.
///
/// Unknown facts never hold up a let-go: where they could still plausibly change it — growth
/// that is low only under the plausible ranges, logo value that could offset the margin, a
/// possible product shaper, behavior that could make it a bad customer owed a first reset —
/// the offboard is **provisional** ([`Recommendation::provisional`]): it carries its exit plan,
/// the facts to confirm, the date to confirm them by (the notice deadline less
/// `confirm_lead_days`, never before `as_of`; urgent when that is today or past) and what
/// missing it costs. An unknown fact never supplies a signal for a *confirmed* let-go. With
/// `provisional` set to
/// [`ProvisionalLetGo::Restructure`](crate::policy::ProvisionalLetGo::Restructure) such a let-go
/// waits instead ([`Rule::PendingFacts`]), unless only behavior facts are unknown.
///
/// Every recommendation of a customer in an account group states what it means for the group
/// ([`Recommendation::group_impact`]).
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
/// // A loss-maker without any growth fact: its growth could plausibly reach the line, so it
/// // is not a dog, and not let go for the missing facts.
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
        check_range(
            "grace_min_likelihood",
            config.grace_min_likelihood,
            0.0,
            1.0,
        )?;
        config.levers.validate()?;
        Ok(DefaultPolicy { config, cost_model })
    }

    /// The configuration.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// Known disqualifying signals of a prospect (seed 003).
    fn prospect_signals(&self, a: &FitAssessment) -> Vec<LetGoSignal> {
        let cfg = &self.config;
        let mut signals = Vec::with_capacity(4);
        if let Some(score) = a.known_below(Dimension::StrategicAlignment, cfg.min_alignment) {
            signals.push(LetGoSignal::OutsideProfile {
                score,
                line: cfg.min_alignment,
            });
        }
        if let Some(score) = a.known_below(Dimension::MutualValue, cfg.min_mutual_value) {
            signals.push(LetGoSignal::OneWayValue {
                score,
                line: cfg.min_mutual_value,
            });
        }
        if let Some(score) = a.known_below(Dimension::ProductInfluence, cfg.min_product_influence) {
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
                    plausible: false,
                });
            }
        }
        signals
    }

    /// A prospect (seed 003 fired one before signing): declined on enough known signals,
    /// invested in when it fits and can grow, else proceeded with and reviewed.
    fn prospect(&self, a: &FitAssessment) -> Verdict {
        let signals = self.prospect_signals(a);
        let n = signals.len() as u8;
        let growth = a.quadrant.has_growth();
        let mut v = if n >= self.config.min_offboard_signals {
            Verdict::new(Action::Decline, Rule::ProspectDeclined { signals: n })
        } else if growth == Some(true) && n == 0 {
            Verdict::new(Action::Invest, Rule::ProspectFits)
        } else {
            Verdict::new(Action::Retain, Rule::ProspectUncertain)
        };
        v.signals = signals;
        v
    }

    /// The look back on a churned customer.
    fn look_back(
        &self,
        customer: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation> {
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
            provisional: None,
            group_impact: group_impact(customer, a, ctx)?,
            look_back: Some(LookBack {
                class: class.class,
                class_certain: class.is_certain(),
                quadrant: a.quadrant,
                worth_winning_back: worth,
            }),
            to_collect: Vec::new(),
        })
    }

    /// The rules for a customer that is neither a prospect nor churned, in precedence: the
    /// new-customer grace, a bad customer, a bad fit, logo value, the quadrant.
    fn judge(
        &self,
        c: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
        growth: Growth,
        plan: &mut Option<LeverPlan>,
    ) -> Result<Verdict> {
        if !a.guardrails.iter().any(Guardrail::is_grace) {
            return self.judge_rules(c, a, ctx, growth, plan);
        }
        let no_grace = self.no_grace(c, a, growth);
        let Some(why) = no_grace else {
            // Seed 002: a new customer is judged on its growth potential, not its early margin.
            if growth == Growth::High {
                let action = if a.quadrant.is_profitable() {
                    Action::Invest
                } else {
                    Action::Retain
                };
                return Ok(Verdict::new(action, Rule::NewCustomerWithGrowth));
            }
            // Growth could plausibly reach the line: give it time and collect it — unless
            // knowing it low would keep the customer all the same (logo value, say).
            if !a.quadrant.is_profitable() {
                let low = self.judge_rules(c, a, ctx, Growth::ASSUMED_LOW, plan)?;
                if kept_as_shaper(a, low.clone()).action == Action::Retain {
                    return Ok(low);
                }
            }
            return Ok(Verdict::new(Action::Retain, Rule::NewCustomerGrowthUnknown));
        };
        let mut v = self.judge_rules(c, a, ctx, growth, plan)?;
        // Withheld because growth is only plausibly low: were it high, the grace would hold.
        if matches!(
            why,
            NoGrace::LowGrowth {
                plausible: true,
                ..
            }
        ) && v.action == Action::Offboard
        {
            v.to_confirm = v.to_confirm | unknown_growth_facts(c);
            self.wait_or_let_go(&mut v);
        }
        v.no_grace = Some(why);
        Ok(v)
    }

    /// Why a new customer gets no grace: a known bad fit unlikely to grow (seed 002), or
    /// growth potential that is low (known, or at best plausibly).
    fn no_grace(&self, c: &Customer, a: &FitAssessment, growth: Growth) -> Option<NoGrace> {
        let line = self.config.grace_min_likelihood;
        if a.classification.class == FitClass::BadFit {
            if let Some(p) = c.growth().likelihood.map(|p| p.get()).filter(|p| *p < line) {
                return Some(NoGrace::UnlikelyBadFit {
                    likelihood: p,
                    line,
                });
            }
        }
        match growth {
            Growth::Low { score, plausible } => Some(NoGrace::LowGrowth {
                score,
                line: a.growth_line,
                plausible,
            }),
            _ => None,
        }
    }

    /// The rules after the grace: bad, bad fit, logo value, the quadrant.
    fn judge_rules(
        &self,
        c: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
        growth: Growth,
        plan: &mut Option<LeverPlan>,
    ) -> Result<Verdict> {
        let class = a.classification.class;
        if class == FitClass::Bad {
            return match c.last_expectation_reset() {
                Some(reset_on) if reset_on < c.period().start() => self.let_go(
                    c,
                    a,
                    ctx,
                    Rule::BadCustomerAfterReset { reset_on },
                    growth,
                    plan,
                ),
                _ => Ok(Verdict::new(
                    Action::Restructure,
                    Rule::BadCustomerFirstReset,
                )),
            };
        }
        if class == FitClass::BadFit {
            return self.let_go(c, a, ctx, Rule::BadFitNotFixable, growth, plan);
        }
        if a.has_guardrail(|g| matches!(g, Guardrail::LogoOffsetsMargin { .. })) {
            return Ok(Verdict::new(Action::Retain, Rule::LogoJustifiesMargin));
        }
        Ok(match (a.quadrant.is_profitable(), growth) {
            (true, Growth::High) => Verdict::new(Action::Invest, Rule::Star),
            (true, Growth::Low { .. }) => Verdict::new(Action::Retain, Rule::CashCow),
            (true, Growth::Unknown) => Verdict::new(Action::Retain, Rule::ProfitableGrowthUnknown),
            (false, Growth::High) => Verdict::new(Action::Restructure, Rule::QuestionMark),
            (false, Growth::Low { .. }) => self.let_go(c, a, ctx, Rule::Dog, growth, plan)?,
            (false, Growth::Unknown) => {
                // Growth could plausibly reach the line (a question mark): restructure and
                // collect it — when knowing it low would let the customer go. Otherwise the
                // levers or a protection decide, whatever its growth.
                let low = self.let_go(c, a, ctx, Rule::Dog, Growth::ASSUMED_LOW, plan)?;
                if low.action == Action::Offboard {
                    Verdict::new(Action::Restructure, Rule::UnprofitableGrowthUnknown)
                } else {
                    low
                }
            }
        })
    }

    fn levers(&self, customer: &Customer, a: &FitAssessment) -> Result<LeverPlan> {
        // The lever configuration was validated with the policy's.
        LeverPlan::with_valid_config(customer, a, &self.cost_model, &self.config.levers)
    }
}

/// Growth potential as the rules read it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Growth {
    /// At or above the growth line, on known facts.
    High,
    /// Below the line: known to be (even at the best of the full ranges), or plausibly (at
    /// the best of the plausible ranges).
    Low { score: f64, plausible: bool },
    /// Could plausibly reach the line.
    Unknown,
}

impl Growth {
    /// Growth taken as known to be low, to see what knowing it would decide.
    const ASSUMED_LOW: Growth = Growth::Low {
        score: 0.0,
        plausible: false,
    };

    fn of(a: &FitAssessment) -> Growth {
        let line = a.growth_line;
        match a.quadrant.has_growth() {
            Some(true) => Growth::High,
            Some(false) => Growth::Low {
                score: a
                    .known_below(Dimension::GrowthPotential, line)
                    .unwrap_or_default(),
                plausible: false,
            },
            None => match a.plausible_best.growth_potential.filter(|b| *b < line) {
                Some(score) => Growth::Low {
                    score,
                    plausible: true,
                },
                None => Growth::Unknown,
            },
        }
    }
}

/// What the rules decided, before the recommendation is priced.
#[derive(Debug, Clone)]
struct Verdict {
    action: Action,
    rule: Rule,
    /// Rules replaced by a milder one (caps), in the order applied.
    overridden: Vec<Rule>,
    no_grace: Option<NoGrace>,
    /// Signals for letting go or declining.
    signals: Vec<LetGoSignal>,
    /// For an offboarding: the unknown facts that could still change it.
    to_confirm: InputSet,
}

impl Verdict {
    fn new(action: Action, rule: Rule) -> Verdict {
        Verdict {
            action,
            rule,
            overridden: Vec::new(),
            no_grace: None,
            signals: Vec::new(),
            to_confirm: InputSet::default(),
        }
    }

    /// The verdict made milder: `to` by `why`, the rule replaced kept as a reason.
    fn capped(mut self, to: Action, why: Rule) -> Verdict {
        self.overridden.push(self.rule);
        self.action = to;
        self.rule = why;
        self.to_confirm = InputSet::default();
        self
    }
}

/// Seed 000: a customer whose requests benefit others (known or possible) is restructured only
/// while it loses money; a let-go applied this already. As a cap, so that lowering its cost
/// can never make the recommendation harsher.
fn kept_as_shaper(a: &FitAssessment, v: Verdict) -> Verdict {
    if v.action == Action::Offboard
        || !a.has_guardrail(|g| matches!(g, Guardrail::ProductShaper { .. }))
    {
        return v;
    }
    let kept = if a.cost.gross_margin.is_negative() {
        Action::Restructure
    } else {
        Action::Retain
    };
    if kept.harshness() < v.action.harshness() {
        v.capped(kept, Rule::ProductShaper)
    } else {
        v
    }
}

/// What letting go of a member means for its account group, whatever the action; `None` when
/// the customer is in no group (or its group's figures were not given).
fn group_impact(
    customer: &Customer,
    a: &FitAssessment,
    ctx: &PolicyContext,
) -> Result<Option<GroupImpact>> {
    let Some(group) = &ctx.group else {
        return Ok(None);
    };
    let arithmetic = |e| Error::arithmetic(Some(customer.id()), "group_impact", e);
    Ok(Some(GroupImpact {
        group: group.clone(),
        revenue_share: a
            .cost
            .revenue
            .ratio_to(group.revenue)
            .map_err(arithmetic)?
            .map(|r| crate::units::Ratio::new(crate::money::round_half_even(r, 6).normalize())),
        margin_without: group
            .margin
            .checked_sub(a.cost.gross_margin)
            .map_err(arithmetic)?,
    }))
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
            return self.look_back(customer, a, ctx);
        }
        let cfg = &self.config;
        let prospect = customer.stage() == LifecycleStage::Prospect;
        let mut lever_plan: Option<LeverPlan> = None;
        let v = if prospect {
            self.prospect(a)
        } else {
            let v = self.judge(customer, a, ctx, Growth::of(a), &mut lever_plan)?;
            kept_as_shaper(a, v)
        };
        let mut reasons = Vec::with_capacity(8);
        reasons.push(Because::Rule(v.rule));
        reasons.extend(v.overridden.iter().map(|r| Because::Overridden(*r)));
        reasons.extend(v.no_grace.map(Because::NoGrace));
        if matches!(v.action, Action::Offboard | Action::Decline) {
            reasons.extend(v.signals.iter().map(|s| Because::LetGo(*s)));
        }
        if !v.to_confirm.is_empty() {
            reasons.push(Because::Provisional {
                to_confirm: v.to_confirm,
            });
        }
        reasons.extend(a.reasons(4).map(Because::Assessment));

        let action = v.action;
        let currency = a.cost.total.currency();
        let as_of = a.as_of;
        let months = &cfg.review_months;
        let mut provisional = None;
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
                    if !v.to_confirm.is_empty() {
                        provisional = Some(Provisional::new(
                            customer,
                            per_day,
                            &plan,
                            v.to_confirm,
                            cfg.confirm_lead_days,
                            &cfg.exit,
                        )?);
                    }
                    // Review by the confirm-by date of a provisional let-go, else by the
                    // notice deadline; when that is today or has passed, as after a
                    // restructure: a review date is always after the assessment date.
                    let due = provisional
                        .as_ref()
                        .map_or(plan.chosen.notice_deadline, |p| p.confirm_by);
                    let review_on = if due > as_of {
                        due
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
                    v.rule,
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
        Ok(Recommendation {
            customer: customer.id().clone(),
            action,
            reasons,
            review_on,
            effect,
            levers,
            exit_plan,
            provisional,
            group_impact: group_impact(customer, a, ctx)?,
            look_back: None,
            to_collect: Vec::new(),
        })
    }
}
