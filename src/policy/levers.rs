//! Restructure levers (seed 001 "Turning Poor Fits into Value-Add Relationships"), each
//! quantified from the customer's cost lines: reprice at renewal, consolidate or remove custom
//! features, move to the current product version, change the SLA, and the expectation resets.
//!
//! Savings of direct cost carry their overhead. The effects of expectation resets are estimates
//! from configured shares (for example "clear support boundaries save 25 % of support cost"):
//! set them from your own experience.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cost::{CostItem, CostModel, CostToServe, Role, RoleHours};
use crate::customer::contract::SlaTier;
use crate::customer::Customer;
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::units::Ratio;

/// Settings for the levers; plain serde data with example defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    /// Share of amortised implementation cost saved by realistic timelines (default 0.05).
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

/// A price change at renewal: as money over the assessment period and as a share of recurring
/// revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceChange {
    /// The change in revenue over the period.
    pub amount: Money,
    /// The change as a share of recurring revenue (`None` without recurring revenue).
    pub ratio: Option<Ratio>,
}

impl fmt::Display for PriceChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ratio {
            Some(r) => write!(f, "{} ({:+})", self.amount, r),
            None => write!(f, "{}", self.amount),
        }
    }
}

/// What a lever does.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "lever")]
pub enum LeverKind {
    /// Reprice at renewal.
    Reprice {
        /// The change that breaks even (after the other levers), if reachable by price.
        break_even: Option<PriceChange>,
        /// The change that reaches the target margin, if reachable by price.
        target: Option<PriceChange>,
        /// The change proposed: the target's, capped at the configured maximum.
        proposed: PriceChange,
    },
    /// Consolidate or remove the custom features kept alive for this customer.
    RemoveCustomFeatures {
        /// Features.
        features: Vec<String>,
    },
    /// Move to the current product version.
    MoveToCurrentVersion {
        /// The version the customer runs.
        from: String,
        /// The current version.
        to: String,
    },
    /// Move to the standard SLA, releasing the reserved standby hours.
    ChangeSla {
        /// The tier the customer has.
        from: SlaTier,
    },
    /// Expectation reset: clear support boundaries and escalation paths.
    SupportBoundaries,
    /// Expectation reset: realistic implementation timelines.
    ImplementationTimelines,
    /// Expectation reset: limits on roadmap influence.
    RoadmapInfluenceLimits,
    /// Expectation reset: a communication cadence that works for both sides.
    CommunicationCadence,
}

impl LeverKind {
    /// Whether the lever is an expectation reset rather than a change of price or scope.
    pub fn is_expectation_reset(&self) -> bool {
        matches!(
            self,
            LeverKind::SupportBoundaries
                | LeverKind::ImplementationTimelines
                | LeverKind::RoadmapInfluenceLimits
                | LeverKind::CommunicationCadence
        )
    }
}

impl fmt::Display for LeverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeverKind::Reprice {
                break_even,
                target,
                proposed,
            } => {
                write!(f, "reprice at renewal by {proposed}")?;
                if let Some(b) = break_even {
                    write!(f, "; break-even {b}")?;
                }
                match target {
                    Some(t) => write!(f, "; target margin {t}"),
                    None => f.write_str("; target margin not reachable by price"),
                }
            }
            LeverKind::RemoveCustomFeatures { features } => {
                write!(
                    f,
                    "consolidate or remove custom features: {}",
                    features.join(", ")
                )
            }
            LeverKind::MoveToCurrentVersion { from, to } => {
                write!(f, "move from product version {from} to {to}")
            }
            LeverKind::ChangeSla { from } => write!(f, "move from the {from} SLA to standard"),
            LeverKind::SupportBoundaries => {
                f.write_str("reset expectations: support boundaries and escalation paths")
            }
            LeverKind::ImplementationTimelines => {
                f.write_str("reset expectations: realistic implementation timelines")
            }
            LeverKind::RoadmapInfluenceLimits => {
                f.write_str("reset expectations: limits on roadmap influence")
            }
            LeverKind::CommunicationCadence => {
                f.write_str("reset expectations: a communication cadence for both sides")
            }
        }
    }
}

/// One lever with its effect over the assessment period.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lever {
    /// What it does.
    pub kind: LeverKind,
    /// Margin gained: cost saved (with overhead) plus revenue gained less its COGS.
    pub margin_gain: Money,
    /// Hours freed per role.
    pub hours_freed: RoleHours,
}

impl fmt::Display for Lever {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (+{} margin", self.kind, self.margin_gain)?;
        let h = self.hours_freed.total().unwrap_or_default();
        if !h.is_zero() {
            write!(f, ", {} h freed", h.round_dp(1))?;
        }
        f.write_str(")")
    }
}

/// The levers of one customer, ranked by effect, and whether together they fix the margin.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverPlan {
    /// Levers with an effect, largest margin gain first.
    pub levers: Vec<Lever>,
    /// Gross margin over the period with every lever pulled.
    pub margin_after: Money,
    /// Margin ratio with every lever pulled (`None` without revenue).
    pub margin_ratio_after: Option<Ratio>,
    /// Whether the levers together at least break even.
    pub reaches_break_even: bool,
    /// Whether the levers together reach the target margin.
    pub reaches_target: bool,
}

impl LeverPlan {
    /// Quantify every lever for `customer` from its cost to serve.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer on overflow.
    pub fn new(
        customer: &Customer,
        cost: &CostToServe,
        model: &CostModel,
        config: &LeverConfig,
    ) -> Result<LeverPlan> {
        let id = customer.id();
        let currency = cost.total.currency();
        let overflow =
            |field: &str| Error::arithmetic(Some(id), format!("levers.{field}"), Problem::Overflow);
        let mul =
            |a: Decimal, b: Decimal, field: &str| a.checked_mul(b).ok_or_else(|| overflow(field));
        let with_overhead = Decimal::ONE + model.config().overhead_share.get();
        // Lines are non-negative and summed to the total without overflow, so their subsets
        // cannot overflow either; quantities are summed checked all the same.
        let line_sum = |pred: &dyn Fn(&CostItem) -> bool| -> Decimal {
            cost.lines
                .iter()
                .filter(|l| pred(&l.item))
                .try_fold(Decimal::ZERO, |a, l| a.checked_add(l.amount.amount()))
                .unwrap_or(Decimal::MAX)
        };
        let line_quantity = |pred: &dyn Fn(&CostItem) -> bool| -> Decimal {
            cost.lines
                .iter()
                .filter(|l| pred(&l.item))
                .try_fold(Decimal::ZERO, |a, l| a.checked_add(l.quantity))
                .unwrap_or(Decimal::MAX)
        };
        let mut levers: Vec<Lever> = Vec::new();
        let mut push = |kind: LeverKind, direct: Decimal, hours: RoleHours| -> Result<()> {
            if direct > Decimal::ZERO {
                let saved = mul(direct, with_overhead, "saving")?;
                levers.push(Lever {
                    kind,
                    margin_gain: Money::new(saved, currency).round(),
                    hours_freed: hours.map(|_, h| h.round_dp(2).normalize()),
                });
            }
            Ok(())
        };
        let hours = |role: Role, h: Decimal| {
            let mut r = RoleHours::default();
            *r.get_mut(role) = h;
            r
        };

        let features = &customer.activity().custom_features;
        let upkeep = line_sum(&|i| *i == CostItem::CustomFeatureUpkeep);
        let eng_rate = model.hourly_rate(Role::Engineering).amount();
        let upkeep_hours = if eng_rate.is_zero() {
            Decimal::ZERO
        } else {
            upkeep.checked_div(eng_rate).unwrap_or_default()
        };
        push(
            LeverKind::RemoveCustomFeatures {
                features: features.clone(),
            },
            upkeep,
            hours(Role::Engineering, upkeep_hours),
        )?;

        if let Some(sla) = customer.contract().map(|c| c.sla()) {
            if sla.tier != SlaTier::Standard {
                let standby = |i: &CostItem| *i == CostItem::SlaStandby;
                push(
                    LeverKind::ChangeSla { from: sla.tier },
                    line_sum(&standby),
                    hours(Role::Support, line_quantity(&standby)),
                )?;
            }
        }

        let is_support = |i: &CostItem| {
            matches!(
                i,
                CostItem::SupportHours { .. } | CostItem::SupportTickets { .. }
            )
        };
        let is_support_hours = |i: &CostItem| matches!(i, CostItem::SupportHours { .. });
        let (support, support_hours) = (line_sum(&is_support), line_quantity(&is_support_hours));
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
                )?;
                remaining -= r;
            }
        }
        let r = mul(config.support_boundaries_saving, remaining, "boundaries")?;
        push(
            LeverKind::SupportBoundaries,
            mul(support, r, "boundaries")?,
            hours(Role::Support, mul(support_hours, r, "boundaries")?),
        )?;
        let engineering = |i: &CostItem| *i == CostItem::Engineering;
        push(
            LeverKind::RoadmapInfluenceLimits,
            mul(
                line_sum(&engineering),
                config.roadmap_limits_saving,
                "roadmap",
            )?,
            hours(
                Role::Engineering,
                mul(
                    line_quantity(&engineering),
                    config.roadmap_limits_saving,
                    "roadmap",
                )?,
            ),
        )?;
        let cadence_lines = |i: &CostItem| {
            matches!(
                i,
                CostItem::CustomerSuccess | CostItem::Executive | CostItem::Escalations
            )
        };
        let cadence_hours = RoleHours {
            success: mul(cost.hours.success, config.cadence_saving, "cadence")?,
            executive: mul(cost.hours.executive, config.cadence_saving, "cadence")?,
            ..RoleHours::default()
        };
        push(
            LeverKind::CommunicationCadence,
            mul(line_sum(&cadence_lines), config.cadence_saving, "cadence")?,
            cadence_hours,
        )?;
        let implementation = |i: &CostItem| *i == CostItem::Implementation;
        push(
            LeverKind::ImplementationTimelines,
            mul(
                line_sum(&implementation),
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
        )?;

        // Reprice on what the other levers leave: cost = fixed + k × revenue, with k the COGS
        // share with its overhead; revenue R' for margin t is fixed / (1 - k - t).
        let sum_gains = |levers: &[Lever]| {
            levers
                .iter()
                .try_fold(Decimal::ZERO, |acc, l| {
                    acc.checked_add(l.margin_gain.amount())
                })
                .ok_or_else(|| overflow("margin_gain"))
        };
        let saved = sum_gains(&levers)?;
        let revenue = cost.revenue.amount();
        let k = mul(
            model.config().cogs_share_of_revenue.get(),
            with_overhead,
            "cogs",
        )?;
        let fixed = cost
            .total
            .amount()
            .checked_sub(saved)
            .and_then(|c| c.checked_sub(k.checked_mul(revenue)?))
            .ok_or_else(|| overflow("cogs"))?;
        let recurring = customer.recurring_revenue().amount();
        let change = |margin: Decimal| -> Option<Decimal> {
            let room = Decimal::ONE - k - margin;
            (room > Decimal::ZERO)
                .then(|| fixed.checked_div(room))
                .flatten()
                .and_then(|needed| needed.checked_sub(revenue))
        };
        let price = |amount: Decimal| PriceChange {
            amount: Money::new(amount, currency).round(),
            ratio: (!recurring.is_zero())
                .then(|| amount.checked_div(recurring))
                .flatten()
                .map(|r| Ratio::new(r.round_dp(4).normalize())),
        };
        let break_even = change(Decimal::ZERO);
        let target = change(config.target_margin);
        let cap = mul(recurring, config.max_price_increase, "reprice")?;
        let wanted = target
            .unwrap_or(cap)
            .max(break_even.unwrap_or(Decimal::ZERO));
        let proposed = wanted.min(cap).max(Decimal::ZERO);
        let mut revenue_gain = Decimal::ZERO;
        if proposed > Decimal::ZERO {
            revenue_gain = proposed;
            let gain = mul(proposed, Decimal::ONE - k, "reprice")?;
            levers.push(Lever {
                kind: LeverKind::Reprice {
                    break_even: break_even.filter(|b| *b > Decimal::ZERO).map(price),
                    target: target.map(price),
                    proposed: price(proposed),
                },
                margin_gain: Money::new(gain, currency).round(),
                hours_freed: RoleHours::default(),
            });
        }
        levers.sort_by_key(|l| std::cmp::Reverse(l.margin_gain.amount()));

        let total_gain = sum_gains(&levers)?;
        let margin_after = cost
            .gross_margin
            .amount()
            .checked_add(total_gain)
            .ok_or_else(|| overflow("margin_after"))?;
        let revenue_after = revenue
            .checked_add(revenue_gain)
            .ok_or_else(|| overflow("revenue_after"))?;
        let margin_ratio_after = if revenue_after.is_zero() {
            None
        } else {
            margin_after
                .checked_div(revenue_after)
                .map(|r| Ratio::new(r.round_dp(6).normalize()))
        };
        Ok(LeverPlan {
            levers,
            margin_after: Money::new(margin_after, currency),
            margin_ratio_after,
            reaches_break_even: margin_after >= Decimal::ZERO,
            reaches_target: margin_ratio_after.is_some_and(|r| r.get() >= config.target_margin),
        })
    }

    /// Hours freed by every lever together.
    pub fn hours_freed(&self) -> RoleHours {
        self.levers.iter().fold(RoleHours::default(), |acc, l| {
            acc.checked_add(&l.hours_freed).unwrap_or(acc)
        })
    }
}
