//! The levers of a restructure: what each is, what set it off, and how it reads.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cost::RoleHours;
use crate::customer::contract::SlaTier;
use crate::money::Money;
use crate::units::Ratio;

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
            Some(r) => {
                let sign = if r.get().is_sign_positive() && !r.get().is_zero() {
                    "+"
                } else {
                    ""
                };
                write!(f, "{} ({sign}{r})", self.amount)
            }
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
        /// The stand-alone change that breaks even (no other lever pulled), if reachable by
        /// price; zero when the customer already breaks even.
        break_even: Option<PriceChange>,
        /// The stand-alone change that reaches the target margin, if reachable by price;
        /// zero when the customer already reaches it.
        target: Option<PriceChange>,
        /// The change proposed: with the confirmed levers, the target's (at least the
        /// break-even's), capped at the configured maximum.
        proposed: PriceChange,
    },
    /// Consolidate or remove the custom features kept alive for this customer.
    RemoveCustomFeatures {
        /// The features known by name.
        features: Vec<String>,
        /// How many more are known only by their number.
        #[serde(default, skip_serializing_if = "crate::units::is_zero_count")]
        unnamed: u32,
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
                match break_even {
                    Some(b) if b.amount.is_zero() => f.write_str("; already breaks even")?,
                    Some(b) => write!(f, "; alone, break-even needs {b}")?,
                    None => f.write_str("; break-even not reachable by price alone")?,
                }
                match target {
                    Some(t) if t.amount.is_zero() => f.write_str("; already at the target margin"),
                    Some(t) => write!(f, "; alone, the target margin needs {t}"),
                    None => f.write_str("; target margin not reachable by price alone"),
                }
            }
            LeverKind::RemoveCustomFeatures { features, unnamed } => {
                match (features.is_empty(), unnamed) {
                    (true, 0) => f.write_str("consolidate or remove custom features"),
                    (true, 1) => f.write_str("consolidate or remove 1 custom feature"),
                    (true, n) => write!(f, "consolidate or remove {n} custom features"),
                    (false, 0) => write!(
                        f,
                        "consolidate or remove custom features: {}",
                        features.join(", ")
                    ),
                    (false, n) => write!(
                        f,
                        "consolidate or remove custom features: {} and {n} more",
                        features.join(", ")
                    ),
                }
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
    /// Whether the effect is an estimate from a configured share (expectation resets, the
    /// version move) rather than confirmed by the contract and the cost lines.
    pub estimate: bool,
    /// For an expectation reset: the fact of the customer's that makes it apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<LeverTrigger>,
}

/// The fact that makes an expectation reset apply to a customer: a reset is offered only where
/// the customer shows what it resets (seed 001 "Expectation Reset").
///
/// | reset | offered when |
/// |---|---|
/// | support boundaries and escalation paths | escalations, or service cost per revenue above the typical customer's |
/// | limits on roadmap influence | one-off (custom) feature requests |
/// | a communication cadence | escalations, executive hours, or service above the typical |
/// | realistic implementation timelines | an implementation project in the period |
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "trigger")]
pub enum LeverTrigger {
    /// Escalations to management in the period.
    Escalations {
        /// How many.
        count: u32,
    },
    /// Service cost per unit of revenue above the typical customer's.
    ServiceAboveTypical {
        /// The customer's service cost per revenue over the typical customer's, to 0.01.
        relative_intensity: Decimal,
    },
    /// One-off feature requests (for this customer alone).
    CustomRequests {
        /// How many.
        count: u64,
    },
    /// Executive hours in the period (calls, visits, firefighting).
    ExecutiveAttention {
        /// The hours.
        hours: Decimal,
    },
    /// An implementation project amortized over the period.
    Implementation {
        /// The implementation hours of the period.
        hours: Decimal,
    },
}

impl fmt::Display for LeverTrigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeverTrigger::Escalations { count } => write!(
                f,
                "{count} {}",
                crate::assessment::plural(u64::from(*count), "escalation", "escalations")
            ),
            LeverTrigger::ServiceAboveTypical { relative_intensity } => write!(
                f,
                "service cost per revenue {relative_intensity}x the typical customer's"
            ),
            LeverTrigger::CustomRequests { count } => write!(
                f,
                "{count} one-off feature {}",
                crate::assessment::plural(*count, "request", "requests")
            ),
            LeverTrigger::ExecutiveAttention { hours } => write!(f, "{hours} executive hours"),
            LeverTrigger::Implementation { hours } => {
                write!(f, "{hours} implementation hours in the period")
            }
        }
    }
}

impl fmt::Display for Lever {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.kind)?;
        if self.estimate {
            f.write_str("estimated ")?;
        }
        write!(f, "+{} margin", self.margin_gain)?;
        let h = self.hours_freed.total().unwrap_or_default();
        if !h.is_zero() {
            write!(f, ", {} h freed", h.round_dp(1))?;
        }
        if let Some(trigger) = &self.trigger {
            write!(f, "; because of {trigger}")?;
        }
        f.write_str(")")
    }
}
