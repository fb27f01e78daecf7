//! Restructure levers (seed 001 "Turning Poor Fits into Value-Add Relationships"), each
//! quantified from the customer's cost lines: reprice at renewal, consolidate or remove custom
//! features, move to the current product version, change the SLA, and the expectation resets.
//!
//! Savings of direct cost carry their overhead. The effects of expectation resets and of the
//! version move are estimates from configured shares (for example "clear support boundaries
//! save 15 % of support cost"): set them from your own experience. They are marked
//! ([`Lever::estimate`]) and never count towards [`LeverPlan::reaches_break_even`] or
//! [`LeverPlan::reaches_target`]: those rest on the confirmed levers (price, custom features,
//! SLA), whose effects follow from the contract and the cost lines.
//!
//! # The reprice lever
//!
//! Costs that grow with revenue (the COGS share of revenue, with the overhead share on top)
//! are a share `k = cogs_share × (1 + overhead_share)` of revenue; the rest of the cost `F`
//! does not move with price. With revenue `R` and total cost `C = F + k·R`, the revenue that
//! gives margin ratio `m` is `R' = F / (1 − k − m)`, so the price change is
//!
//! ```text
//! ΔR(m) = (C − k·R) / (1 − k − m) − R
//! ```
//!
//! The lever always states the stand-alone changes — break-even `ΔR(0)` and target `ΔR(t)`,
//! with no other lever pulled, "the price rise that alone closes the gap" — and proposes the
//! change that, with the confirmed levers, reaches the target (at least break-even), capped at
//! `max_price_increase` of recurring revenue. A change that is not needed is zero; one that
//! price cannot reach (`1 − k − m ≤ 0`) is absent.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::{FitAssessment, Input};
use crate::cost::{CostItem, CostModel, CostToServe, Role, RoleHours};
use crate::customer::contract::SlaTier;
use crate::customer::{Customer, RequestScope};
use crate::error::{Error, Problem, Result};
use crate::money::{round_half_even, Money};
use crate::units::{normalized, Ratio};

mod lever;

pub use lever::{Lever, LeverKind, LeverTrigger, PriceChange};

/// Settings for the levers; plain serde data with example defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct LeverConfig {
    /// The margin ratio restructuring aims for (default 0.20).
    pub target_margin: Decimal,
    /// The largest price increase proposed at renewal, as a share of recurring revenue
    /// (default 0.15).
    pub max_price_increase: Decimal,
    /// The current product version; customers on another version can move (default none).
    pub current_product_version: Option<String>,
    /// Share of support cost saved by moving to the current version (default 0.20).
    pub version_support_saving: Decimal,
    /// Share of support cost saved by clear support boundaries and escalation paths
    /// (default 0.15).
    pub support_boundaries_saving: Decimal,
    /// Share of customer-specific engineering saved by limits on roadmap influence
    /// (default 0.25).
    pub roadmap_limits_saving: Decimal,
    /// Share of success, executive and escalation cost saved by an agreed communication
    /// cadence (default 0.20).
    pub cadence_saving: Decimal,
    /// Share of amortized implementation cost saved by realistic timelines (default 0.05).
    pub timeline_saving: Decimal,
}

impl Default for LeverConfig {
    fn default() -> Self {
        let r = |v: i64| Decimal::new(v, 2);
        LeverConfig {
            target_margin: r(20),
            max_price_increase: r(15),
            current_product_version: None,
            version_support_saving: r(20),
            support_boundaries_saving: r(15),
            roadmap_limits_saving: r(25),
            cadence_saving: r(20),
            timeline_saving: r(5),
        }
    }
}

impl LeverConfig {
    pub(crate) fn validate(&self) -> Result<()> {
        let shares = [
            ("max_price_increase", self.max_price_increase),
            ("version_support_saving", self.version_support_saving),
            ("support_boundaries_saving", self.support_boundaries_saving),
            ("roadmap_limits_saving", self.roadmap_limits_saving),
            ("cadence_saving", self.cadence_saving),
            ("timeline_saving", self.timeline_saving),
        ];
        for (field, v) in shares {
            if v < Decimal::ZERO || v > Decimal::ONE {
                return Err(Error::config(
                    format!("levers.{field}"),
                    Problem::OutOfRange {
                        value: v.to_string(),
                        allowed: "0..=1".into(),
                    },
                ));
            }
        }
        if self.target_margin >= Decimal::ONE || self.target_margin <= Decimal::NEGATIVE_ONE {
            return Err(Error::config(
                "levers.target_margin",
                Problem::OutOfRange {
                    value: self.target_margin.to_string(),
                    allowed: "-1..1 (exclusive)".into(),
                },
            ));
        }
        Ok(())
    }
}

/// The levers of one customer, ranked by effect, and whether together they fix the margin.
///
/// The [`DefaultPolicy`](crate::DefaultPolicy) attaches one to every restructure
/// ([`Recommendation::levers`](crate::Recommendation::levers)); [`LeverPlan::new`] makes one
/// directly from a cost to serve.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Config, Customer, LeverPlan};
/// use custfit::policy::{LeverConfig, LeverKind, LeverTrigger};
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let config = Config::default();
/// let (assessor, model) = (config.assessor()?, config.cost_model()?);
/// let customer = Customer::builder("C-021", "Ferro Tooling").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2022, 1, 1))
///     .recurring_revenue(Decimal::from(40_000))
///     .engineering_hours(Decimal::from(200))
///     .custom_feature("EDI bridge")
///     .feature_request("EDI field mapping", custfit::customer::RequestScope::Custom)
///     .build()?;
/// let assessment = assessor.assess(&customer, d(2026, 1, 15))?;
/// assert_eq!(assessment.cost.gross_margin.to_string(), "1720.00 USD"); // 4.3 %
/// let plan = LeverPlan::new(&customer, &assessment, &model, &LeverConfig::default())?;
/// // Removing the custom feature is the largest confirmed lever.
/// let first = &plan.levers[0];
/// assert!(matches!(first.kind, LeverKind::RemoveCustomFeatures { .. }) && !first.estimate);
/// assert_eq!(first.margin_gain.to_string(), "6600.00 USD");
/// assert_eq!(plan.margin_after_confirmed.to_string(), "8320.00 USD");
/// assert!(plan.reaches_break_even && plan.reaches_target);
/// // An expectation reset is offered where the customer shows what it resets: here a one-off
/// // feature request, which limits on roadmap influence address.
/// let roadmap = plan.levers.iter().find(|l| l.kind == LeverKind::RoadmapInfluenceLimits).unwrap();
/// assert!(roadmap.estimate);
/// assert_eq!(roadmap.trigger, Some(LeverTrigger::CustomRequests { count: 1 }));
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverPlan {
    /// Levers with an effect, largest margin gain first (the reprice lever is listed whenever
    /// the customer is below the target margin, to state its stand-alone changes).
    pub levers: Vec<Lever>,
    /// Gross margin over the period with the confirmed levers pulled (no estimates).
    pub margin_after_confirmed: Money,
    /// Gross margin over the period with every lever pulled, estimates included.
    pub margin_after: Money,
    /// Margin ratio with every lever pulled (`None` without revenue).
    pub margin_ratio_after: Option<Ratio>,
    /// Whether the confirmed levers together at least break even (estimates never count).
    pub reaches_break_even: bool,
    /// Whether the confirmed levers together reach the target margin.
    pub reaches_target: bool,
}

/// Hours a lever frees, to the hundredth and normalized: `round_half_even(h, 2).normalize()`.
/// Most roles' hours are zero, which normalizes to 0 (of scale 0, not negative) whatever its
/// scale and sign: no rounding to do (and no call: without this test a restructure takes
/// 1.3 % more instructions).
fn freed_hours(h: Decimal) -> Decimal {
    if h.is_zero() {
        Decimal::ZERO
    } else {
        normalized(round_half_even(h, 2))
    }
}

/// A sum of cost lines, `None` once it overflowed.
#[derive(Clone, Copy)]
struct LineSum(Option<Decimal>);

impl Default for LineSum {
    fn default() -> Self {
        LineSum(Some(Decimal::ZERO))
    }
}

impl LineSum {
    fn add(&mut self, x: Decimal) {
        self.0 = self.0.and_then(|a| a.checked_add(x));
    }

    /// The sum; `Decimal::MAX` if it overflowed. Amounts cannot: lines are non-negative and
    /// summed to the total without overflow, so their subsets cannot overflow either.
    /// Quantities were not summed before, so both are summed checked.
    fn get(self) -> Decimal {
        self.0.unwrap_or(Decimal::MAX)
    }
}

/// The amounts (and quantities) of the lines each lever acts on, in one pass over the lines.
/// Each sum adds its lines in their order, as a fold over the lines of one kind would.
#[derive(Default)]
struct LineSums {
    upkeep: LineSum,
    standby: LineSum,
    standby_hours: LineSum,
    /// Every support line: hours, tickets and time.
    support: LineSum,
    /// The quantities of the support lines measured in hours (not tickets).
    support_hours: LineSum,
    engineering: LineSum,
    engineering_hours: LineSum,
    /// Customer success, executive and escalation lines: what a cadence change saves on.
    cadence: LineSum,
    implementation: LineSum,
}

impl LineSums {
    fn of(cost: &CostToServe) -> LineSums {
        let mut s = LineSums::default();
        for l in &cost.lines {
            let amount = l.amount.amount();
            match l.item {
                CostItem::CustomFeatureUpkeep => s.upkeep.add(amount),
                CostItem::SlaStandby => {
                    s.standby.add(amount);
                    s.standby_hours.add(l.quantity);
                }
                CostItem::SupportHours { .. } | CostItem::SupportTime => {
                    s.support.add(amount);
                    s.support_hours.add(l.quantity);
                }
                CostItem::SupportTickets { .. } => s.support.add(amount),
                CostItem::Engineering => {
                    s.engineering.add(amount);
                    s.engineering_hours.add(l.quantity);
                }
                CostItem::CustomerSuccess | CostItem::Executive | CostItem::Escalations => {
                    s.cadence.add(amount)
                }
                CostItem::Implementation => s.implementation.add(amount),
                CostItem::CogsShareOfRevenue | CostItem::CogsUsage | CostItem::Overhead => {}
            }
        }
        s
    }
}

/// The facts of a customer that can make an expectation reset apply, found once.
struct Triggers {
    escalations: Option<LeverTrigger>,
    service: Option<LeverTrigger>,
    custom_requests: Option<LeverTrigger>,
    executive: Option<LeverTrigger>,
}

impl Triggers {
    fn of(customer: &Customer, assessment: &FitAssessment) -> Triggers {
        let activity = customer.activity();
        let escalations = activity.escalations;
        let custom = customer.feature_request_count(RequestScope::Custom);
        let executive = activity.executive_hours.get();
        Triggers {
            escalations: (escalations > 0)
                .then_some(LeverTrigger::Escalations { count: escalations }),
            service: assessment
                .inputs
                .get(Input::RelativeIntensity)
                .filter(|r| *r > 1.0)
                .and_then(Decimal::from_f64_retain)
                .map(|r| LeverTrigger::ServiceAboveTypical {
                    relative_intensity: normalized(round_half_even(r, 2)),
                }),
            custom_requests: (custom > 0).then_some(LeverTrigger::CustomRequests { count: custom }),
            executive: (!executive.is_zero()).then(|| LeverTrigger::ExecutiveAttention {
                hours: normalized(executive),
            }),
        }
    }
}

impl LeverPlan {
    /// Quantify every lever for `customer` from its assessment: the cost lines priced, and
    /// the facts that make an expectation reset apply ([`LeverTrigger`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for an invalid `config` (shares outside 0..=1, a target margin
    /// outside -1..1); [`Error::Arithmetic`] naming the customer on overflow.
    pub fn new(
        customer: &Customer,
        assessment: &FitAssessment,
        model: &CostModel,
        config: &LeverConfig,
    ) -> Result<LeverPlan> {
        config.validate()?;
        LeverPlan::with_valid_config(customer, assessment, model, config)
    }

    /// [`LeverPlan::new`] with a configuration already validated (a policy validates its own
    /// once, when it is made).
    pub(crate) fn with_valid_config(
        customer: &Customer,
        assessment: &FitAssessment,
        model: &CostModel,
        config: &LeverConfig,
    ) -> Result<LeverPlan> {
        let cost = &assessment.cost;
        let id = customer.id();
        let currency = cost.total.currency();
        let overflow =
            |field: &str| Error::arithmetic(Some(id), format!("levers.{field}"), Problem::Overflow);
        let mul =
            |a: Decimal, b: Decimal, field: &str| a.checked_mul(b).ok_or_else(|| overflow(field));
        let with_overhead = Decimal::ONE + model.config().overhead_share.get();
        let sums = LineSums::of(cost);
        let mut levers: Vec<Lever> = Vec::new();
        let mut push = |kind: LeverKind,
                        direct: Decimal,
                        hours: RoleHours,
                        trigger: Option<LeverTrigger>|
         -> Result<()> {
            // A reset is offered only where the customer shows what it resets.
            if kind.is_expectation_reset() && trigger.is_none() {
                return Ok(());
            }
            if direct > Decimal::ZERO {
                let saved = mul(direct, with_overhead, "saving")?;
                let estimate = kind.is_expectation_reset()
                    || matches!(kind, LeverKind::MoveToCurrentVersion { .. });
                levers.push(Lever {
                    kind,
                    margin_gain: Money::new(saved, currency).round(),
                    hours_freed: hours.map(|_, &h| freed_hours(h)),
                    estimate,
                    trigger,
                });
            }
            Ok(())
        };
        let hours = |role: Role, h: Decimal| {
            let mut r = RoleHours::default();
            *r.get_mut(role) = h;
            r
        };
        let triggers = Triggers::of(customer, assessment);

        let activity = customer.activity();
        let upkeep = sums.upkeep.get();
        let eng_rate = model.hourly_rate(Role::Engineering).amount();
        let upkeep_hours = if eng_rate.is_zero() {
            Decimal::ZERO
        } else {
            upkeep.checked_div(eng_rate).unwrap_or_default()
        };
        push(
            LeverKind::RemoveCustomFeatures {
                features: activity.custom_features.clone(),
                unnamed: activity.unnamed_custom_features,
            },
            upkeep,
            hours(Role::Engineering, upkeep_hours),
            None,
        )?;

        if let Some(sla) = customer.contract().map(|c| c.sla()) {
            if sla.tier != SlaTier::Standard {
                push(
                    LeverKind::ChangeSla { from: sla.tier },
                    sums.standby.get(),
                    hours(Role::Support, sums.standby_hours.get()),
                    None,
                )?;
            }
        }

        let (support, support_hours) = (sums.support.get(), sums.support_hours.get());
        // Version and boundaries both cut support: boundaries apply to what the move leaves.
        let mut remaining = Decimal::ONE;
        if let (Some(to), Some(from)) =
            (&config.current_product_version, customer.product_version())
        {
            if from != to {
                let r = config.version_support_saving;
                push(
                    LeverKind::MoveToCurrentVersion {
                        from: from.to_owned(),
                        to: to.clone(),
                    },
                    mul(support, r, "version")?,
                    hours(Role::Support, mul(support_hours, r, "version")?),
                    None,
                )?;
                remaining -= r;
            }
        }
        let r = mul(config.support_boundaries_saving, remaining, "boundaries")?;
        push(
            LeverKind::SupportBoundaries,
            mul(support, r, "boundaries")?,
            hours(Role::Support, mul(support_hours, r, "boundaries")?),
            triggers.escalations.or(triggers.service),
        )?;
        push(
            LeverKind::RoadmapInfluenceLimits,
            mul(
                sums.engineering.get(),
                config.roadmap_limits_saving,
                "roadmap",
            )?,
            hours(
                Role::Engineering,
                mul(
                    sums.engineering_hours.get(),
                    config.roadmap_limits_saving,
                    "roadmap",
                )?,
            ),
            triggers.custom_requests,
        )?;
        let cadence_hours = RoleHours {
            success: mul(cost.hours.success, config.cadence_saving, "cadence")?,
            executive: mul(cost.hours.executive, config.cadence_saving, "cadence")?,
            ..RoleHours::default()
        };
        push(
            LeverKind::CommunicationCadence,
            mul(sums.cadence.get(), config.cadence_saving, "cadence")?,
            cadence_hours,
            triggers
                .escalations
                .or(triggers.executive)
                .or(triggers.service),
        )?;
        push(
            LeverKind::ImplementationTimelines,
            mul(
                sums.implementation.get(),
                config.timeline_saving,
                "timelines",
            )?,
            hours(
                Role::Implementation,
                mul(
                    cost.hours.implementation,
                    config.timeline_saving,
                    "timelines",
                )?,
            ),
            (!cost.hours.implementation.is_zero()).then_some(LeverTrigger::Implementation {
                hours: normalized(cost.hours.implementation),
            }),
        )?;

        // Reprice (see the module docs): cost = fixed + k × revenue, with k the COGS share with
        // its overhead; the revenue R' for margin m is fixed / (1 - k - m).
        let sum_gains = |levers: &[Lever], confirmed_only: bool| {
            levers
                .iter()
                .filter(|l| !(confirmed_only && l.estimate))
                .try_fold(Decimal::ZERO, |acc, l| {
                    acc.checked_add(l.margin_gain.amount())
                })
                .ok_or_else(|| overflow("margin_gain"))
        };
        let confirmed = sum_gains(&levers, true)?;
        let revenue = cost.revenue.amount();
        let k = mul(
            model.config().cogs_share_of_revenue.get(),
            with_overhead,
            "cogs",
        )?;
        let fixed_before = cost
            .total
            .amount()
            .checked_sub(mul(k, revenue, "cogs")?)
            .ok_or_else(|| overflow("cogs"))?;
        let fixed_after = fixed_before
            .checked_sub(confirmed)
            .ok_or_else(|| overflow("cogs"))?;
        let recurring = customer.recurring_revenue().amount();
        let change = |fixed: Decimal, margin: Decimal| -> Result<Option<Decimal>> {
            let room = Decimal::ONE
                .checked_sub(k)
                .and_then(|r| r.checked_sub(margin))
                .ok_or_else(|| overflow("reprice"))?;
            if room <= Decimal::ZERO {
                return Ok(None);
            }
            let needed = fixed.checked_div(room).ok_or_else(|| overflow("reprice"))?;
            let delta = needed
                .checked_sub(revenue)
                .ok_or_else(|| overflow("reprice"))?;
            Ok(Some(delta.max(Decimal::ZERO)))
        };
        let price = |amount: Decimal| PriceChange {
            amount: Money::new(amount, currency).round(),
            ratio: (!recurring.is_zero())
                .then(|| amount.checked_div(recurring))
                .flatten()
                .map(|r| Ratio::new(normalized(round_half_even(r, 4)))),
        };
        let target_margin = config.target_margin;
        let break_even = change(fixed_before, Decimal::ZERO)?;
        let target = change(fixed_before, target_margin)?;
        let combined_break_even = change(fixed_after, Decimal::ZERO)?;
        let combined_target = change(fixed_after, target_margin)?;
        let cap = mul(recurring, config.max_price_increase, "reprice")?;
        let wanted = combined_target
            .unwrap_or(cap)
            .max(combined_break_even.unwrap_or(Decimal::ZERO));
        let proposed = wanted.min(cap).max(Decimal::ZERO);
        let below_target = target.is_none_or(|t| t > Decimal::ZERO);
        let mut revenue_gain = Decimal::ZERO;
        if proposed > Decimal::ZERO || below_target {
            revenue_gain = proposed;
            let one_minus_k = Decimal::ONE
                .checked_sub(k)
                .ok_or_else(|| overflow("reprice"))?;
            let gain = mul(proposed, one_minus_k, "reprice")?;
            levers.push(Lever {
                kind: LeverKind::Reprice {
                    break_even: break_even.map(price),
                    target: target.map(price),
                    proposed: price(proposed),
                },
                margin_gain: Money::new(gain, currency).round(),
                hours_freed: RoleHours::default(),
                estimate: false,
                trigger: None,
            });
        }
        levers.sort_by_key(|l| std::cmp::Reverse(l.margin_gain.amount()));

        let margin = cost.gross_margin.amount();
        let add = |gain: Decimal| {
            margin
                .checked_add(gain)
                .ok_or_else(|| overflow("margin_after"))
        };
        let margin_after_confirmed = add(sum_gains(&levers, true)?)?;
        let margin_after = add(sum_gains(&levers, false)?)?;
        let revenue_after = revenue
            .checked_add(revenue_gain)
            .ok_or_else(|| overflow("revenue_after"))?;
        let ratio = |m: Decimal| {
            if revenue_after.is_zero() {
                None
            } else {
                m.checked_div(revenue_after)
                    .map(|r| Ratio::new(normalized(round_half_even(r, 6))))
            }
        };
        Ok(LeverPlan {
            levers,
            margin_after_confirmed: Money::new(margin_after_confirmed, currency),
            margin_after: Money::new(margin_after, currency),
            margin_ratio_after: ratio(margin_after),
            reaches_break_even: margin_after_confirmed >= Decimal::ZERO,
            reaches_target: ratio(margin_after_confirmed).is_some_and(|r| r.get() >= target_margin),
        })
    }

    /// The expected effect of the plan: revenue gained by repricing, margin gained by every
    /// lever (estimates included), hours freed.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer on overflow.
    pub fn effect(
        &self,
        customer: &crate::CustomerId,
        currency: crate::units::Currency,
    ) -> Result<crate::policy::Effect> {
        let margin_gained = self
            .levers
            .iter()
            .try_fold(Money::zero(currency), |acc, l| {
                acc.checked_add(l.margin_gain)
            })
            .map_err(|e| Error::arithmetic(Some(customer), "effect.margin_gained", e))?;
        let revenue_gained = self
            .levers
            .iter()
            .find_map(|l| match &l.kind {
                LeverKind::Reprice { proposed, .. } => Some(proposed.amount),
                _ => None,
            })
            .unwrap_or(Money::zero(currency));
        Ok(crate::policy::Effect {
            revenue_lost: Money::zero(currency),
            revenue_gained,
            margin_gained,
            hours_freed: self.hours_freed(),
        })
    }

    /// Gross margin over the period with the confirmed levers and the estimated expectation
    /// resets pulled: what the salvage test before a let-go counts (seed 001: a reset is a
    /// salvage attempt). The version move, an estimate but no reset, is left out.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer on overflow.
    pub fn margin_with_resets(&self, customer: &crate::CustomerId) -> Result<Money> {
        self.levers
            .iter()
            .filter(|l| l.kind.is_expectation_reset())
            .try_fold(self.margin_after_confirmed, |acc, l| {
                acc.checked_add(l.margin_gain)
            })
            .map_err(|e| Error::arithmetic(Some(customer), "levers.margin_with_resets", e))
    }

    /// Hours freed by every lever together.
    pub fn hours_freed(&self) -> RoleHours {
        self.levers.iter().fold(RoleHours::default(), |acc, l| {
            acc.checked_add(&l.hours_freed).unwrap_or(acc)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::CostLine;
    use crate::customer::Severity;
    use crate::money::Currency;

    fn line(item: CostItem, quantity: i64, amount: i64) -> CostLine {
        CostLine {
            item,
            quantity: Decimal::from(quantity),
            rate: Decimal::ONE,
            amount: Money::new(Decimal::new(amount, 2), Currency::USD),
        }
    }

    /// Each lever's sums take exactly its lines: every item once, with a quantity and an
    /// amount of its own (powers of two, so that any other mix of lines gives another sum).
    #[test]
    fn each_lever_sums_exactly_its_lines() {
        let items = [
            CostItem::CogsShareOfRevenue,
            CostItem::CogsUsage,
            CostItem::SupportHours {
                severity: Severity::High,
            },
            CostItem::SupportTickets {
                severity: Severity::Normal,
            },
            CostItem::SupportTime,
            CostItem::SlaStandby,
            CostItem::Engineering,
            CostItem::CustomerSuccess,
            CostItem::Executive,
            CostItem::Escalations,
            CostItem::Implementation,
            CostItem::CustomFeatureUpkeep,
            CostItem::Overhead,
        ];
        let lines: Vec<CostLine> = items
            .iter()
            .enumerate()
            .map(|(i, &item)| line(item, 1 << i, 1 << (i + 13)))
            .collect();
        let amount = |i: u32| Decimal::new(1 << (i + 13), 2);
        let quantity = |i: u32| Decimal::from(1 << i);
        let cost = CostToServe {
            customer: crate::CustomerId::new("c").unwrap(),
            lines,
            total: Money::zero(Currency::USD),
            revenue: Money::zero(Currency::USD),
            deferred_revenue: None,
            gross_margin: Money::zero(Currency::USD),
            margin: None,
            hours: RoleHours::default(),
        };
        let s = LineSums::of(&cost);
        assert_eq!(s.upkeep.get(), amount(11));
        assert_eq!(s.standby.get(), amount(5));
        assert_eq!(s.standby_hours.get(), quantity(5));
        assert_eq!(s.support.get(), amount(2) + amount(3) + amount(4));
        // Tickets priced per ticket free no hours: their quantity is tickets.
        assert_eq!(s.support_hours.get(), quantity(2) + quantity(4));
        assert_eq!(s.engineering.get(), amount(6));
        assert_eq!(s.engineering_hours.get(), quantity(6));
        assert_eq!(s.cadence.get(), amount(7) + amount(8) + amount(9));
        assert_eq!(s.implementation.get(), amount(10));
    }

    #[test]
    fn a_sum_that_overflows_is_the_largest_decimal() {
        let mut sum = LineSum::default();
        sum.add(Decimal::MAX);
        sum.add(Decimal::ONE);
        sum.add(Decimal::ONE);
        assert_eq!(sum.get(), Decimal::MAX);
        let mut small = LineSum::default();
        small.add(Decimal::new(150, 2));
        assert_eq!(small.get(), Decimal::new(150, 2));
    }

    /// A zero of any scale or sign frees 0 hours (scale 0), as normalizing it would give.
    #[test]
    fn freed_hours_are_normalized_hundredths() {
        for scale in [0, 1, 2, 6] {
            for negative in [false, true] {
                let mut zero = Decimal::new(0, scale);
                zero.set_sign_negative(negative);
                let freed = freed_hours(zero);
                let old = round_half_even(zero, 2).normalize();
                assert_eq!(
                    (freed.mantissa(), freed.scale(), freed.is_sign_negative()),
                    (0, 0, false),
                    "{zero:?}"
                );
                assert_eq!(
                    (old.mantissa(), old.scale(), old.is_sign_negative()),
                    (0, 0, false)
                );
            }
        }
        assert_eq!(freed_hours(Decimal::new(18_750, 4)).to_string(), "1.88");
        assert_eq!(freed_hours(Decimal::new(12_500, 4)).to_string(), "1.25");
        assert_eq!(freed_hours(Decimal::new(30_000, 4)).to_string(), "3");
    }
}
