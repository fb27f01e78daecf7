//! Customer-fit decisions for B2B companies, with hard facts rather than gut feeling: which
//! customers to **invest in**, which to **keep**, which to **restructure**, and which to
//! **let go gracefully** — and how.
//!
//! The flow, one module per step:
//!
//! ```text
//! data source ─► Customer ─► CostModel ─► CostToServe, margin
//!                               │
//!      IdealCustomerProfile ─► ScoringStrategy ─► FitAssessment (quadrant, class, guardrails)
//!                                                   │
//!                          RecommendationPolicy ─► Recommendation (+ levers / exit plan)
//!                                                   │
//!                                  portfolio ─► PortfolioReport (mergeable)
//!               cohort survival ─► retention (sBG) ─► lifetime value ─┘
//! ```
//!
//! - [`Customer`] and [`Contract`]: validated records; money is exact ([`Money`]).
//! - [`CostModel`]: activity-based, time-driven cost to serve, every line itemised.
//! - [`Assessor`]: the fit assessment ([`FitAssessment`]) on eight dimensions, with a pluggable
//!   [`scoring`] strategy; decided on known facts, naming what is unknown.
//! - [`RecommendationPolicy`] and [`DefaultPolicy`]: invest, retain, restructure with
//!   quantified [`LeverPlan`]s, offboard with an [`ExitPlan`], decline a prospect, or look back
//!   on a churned customer; [`what_to_collect`] names the facts that would change a decision.
//! - [`portfolio`]: the two-phase, mergeable portfolio analysis; [`retention`]: the
//!   shifted-beta-geometric model and lifetime value; [`source`]: data-source traits.
//! - [`Config`]: the whole configuration as one serde document.
//!
//! It is pure logic: no files, network, clock, environment or printing. The assessment date
//! is always passed in, so the same input gives the same output.
//!
//! # Getting started
//!
//! From a customer to its recommendation, its reasons and what to collect next:
//!
//! ```
//! use chrono::NaiveDate;
//! use custfit::{what_to_collect, AssessmentContext, Config, Customer, PolicyContext};
//! use custfit::RecommendationPolicy;
//! use rust_decimal::Decimal;
//!
//! # fn main() -> custfit::Result<()> {
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let config = Config::default(); // or read it from JSON: every section is optional
//! let (assessor, policy) = (config.assessor()?, config.policy()?);
//!
//! let customer = Customer::builder("C-042", "Northwind Freight")
//!     .currency("USD")
//!     .period(d(2025, 1, 1), d(2025, 12, 31))
//!     .customer_since(d(2023, 3, 1))
//!     .recurring_revenue(Decimal::from(60_000))
//!     .engineering_hours(Decimal::from(150))
//!     .meeting_attendance(Decimal::new(9, 1))
//!     .build()?;
//!
//! let ctx = AssessmentContext::new(d(2026, 1, 15));
//! let assessment = assessor.assess_with(&customer, &ctx)?;
//! let recommendation = policy.recommend(&customer, &assessment, &PolicyContext::default())?;
//! println!("{}: {}", customer.id(), recommendation.action);
//! for reason in &recommendation.reasons {
//!     println!("  - {reason}");
//! }
//! let pctx = PolicyContext::default();
//! for fact in what_to_collect(&assessor, &policy, &customer, &ctx, &pctx, &recommendation)? {
//!     println!("  ? {fact}");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The README has the full tour: cost lines by hand, scoring, recommendations, missing data,
//! the portfolio, lifetime value, performance figures and the dependencies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Bottom layer: units, money, ids, errors.
/// `Display` for unit-only enums: their snake-case serde names.
macro_rules! display_names {
    ($($ty:ty { $($variant:ident => $name:literal),* $(,)? })*) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(match self { $(Self::$variant => $name),* })
            }
        }
    )*};
}

mod calendar;
mod error;
mod id;
mod money;
mod units;

// The flow of DESIGN.md, one folder per step, and the configuration of all of it.
mod assessment;
mod config;
mod cost;
mod customer;
mod policy;
pub mod portfolio;
pub mod retention;
pub mod source;

pub use crate::assessment::scoring;
pub use crate::config::Config;

pub use crate::assessment::diff::{AssessmentDiff, DimensionChange, InputChange};
pub use crate::assessment::inputs::{Dimension, Input, InputSet, Inputs, PerDimension};
pub use crate::assessment::overrides::{Override, OverrideOutcome, OverrideStatus, OverrideTarget};
pub use crate::assessment::profile::{
    Criterion, CriterionMatch, IdealCustomerProfile, ProfileMatch,
};
pub use crate::assessment::{
    AssessmentConfig, AssessmentContext, Assessor, Classification, Comparison, FitAssessment,
    FitClass, Guardrail, LifetimeValue, LifetimeValueConfig, Quadrant, Reason, SegmentKey,
    SegmentationConfig, Signal,
};
pub use crate::cost::{
    CapacityCostRate, CapacityUsage, CostItem, CostLine, CostModel, CostModelConfig, CostToServe,
    HourlyRate, PerRole, Role, RoleHours, TicketCosts,
};
pub use crate::customer::activity::{
    Activity, AssessmentPeriod, Implementation, Severity, TicketGroup,
};
pub use crate::customer::contract::{Contract, ContractBuilder, Sla, SlaTier, VendorTermination};
pub use crate::customer::{
    Behaviour, BrandTier, Customer, CustomerBuilder, CustomerId, FeatureRequest, GrowthFacts,
    Level, LifecycleStage, LogoValue, RequestScope, MAX_DECIMALS, MAX_MONEY, MAX_QUANTITY,
};
pub use crate::error::{Error, Problem, Result};
pub use crate::money::{Currency, Money, MoneyError};
pub use crate::policy::exit::{
    ChecklistItem, ExitConfig, ExitOption, ExitPlan, ExitRoute, TalkingPoint,
};
pub use crate::policy::levers::{Lever, LeverConfig, LeverKind, LeverPlan, PriceChange};
pub use crate::policy::recommendation::{
    Action, Because, Effect, FactOutcome, GroupImpact, GroupTotals, LetGoSignal, LookBack,
    PolicyContext, Recommendation, RecommendationPolicy, Rule, ToCollect,
};
pub use crate::policy::{what_to_collect, DefaultPolicy, PolicyConfig, ReviewMonths};
pub use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
