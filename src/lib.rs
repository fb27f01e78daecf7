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
//! One public module per step, in the order of the flow; the main type of each step is also
//! re-exported at the root:
//!
//! | module | what it holds | at the root |
//! |---|---|---|
//! | [`units`] | exact [`Money`] and its currency, hours, shares, probabilities, ratios, NPS | [`Money`] |
//! | [`customer`] | the validated customer record: contract, activity, facts and signals | [`Customer`], [`CustomerId`], [`Contract`] |
//! | [`cost`] | activity-based, time-driven cost to serve, every line itemized | [`CostModel`], [`CostToServe`] |
//! | [`assessment`] | fit on eight dimensions with a pluggable [`assessment::scoring`] strategy; quadrant, class, guardrails; decided on known facts, naming what is unknown | [`Assessor`], [`AssessmentContext`], [`FitAssessment`] |
//! | [`policy`] | invest, retain, restructure with quantified levers, offboard with an exit plan, decline a prospect, look back on a churned customer; the facts that would change a decision | [`RecommendationPolicy`], [`DefaultPolicy`], [`PolicyContext`], [`Recommendation`], [`Action`], [`LeverPlan`], [`ExitPlan`], [`what_to_collect`] |
//! | [`DecisionRecord`] | one customer's decision for the outside world, with everything to act on it and explain it | [`DecisionRecord`] |
//! | [`portfolio`] | the two-phase, mergeable portfolio analysis and its report | |
//! | [`retention`] | the shifted-beta-geometric model and lifetime value | |
//! | [`history`] | back-testing the assessments of one date against what customers did next | |
//! | [`source`] | data-source traits and in-memory sources | |
//! | [`ledger`] | activity from events — tickets, time entries, escalations, requests, usage — folded per period | |
//!
//! [`Config`] is the whole configuration as one serde document; [`Error`] is the one error
//! type, [`Problem`] what is wrong with one value.
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
//! use custfit::{AssessmentContext, Config, Customer, PolicyContext, what_to_collect};
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
mod config;
mod error;
mod id;
mod money;
mod wire_path;

// The flow of DESIGN.md, one public module per step, then the data sources.
pub mod units;

pub mod customer;

pub mod cost;

pub mod assessment;

pub mod policy;

mod decision;

pub mod portfolio;

pub mod retention;

pub mod history;

pub mod source;

pub mod ledger;

// The flow's main types, flat at the root; the rest of each family lives in its module.
pub use crate::assessment::{AssessmentContext, Assessor, FitAssessment};
pub use crate::config::Config;
pub use crate::cost::{CostModel, CostToServe};
pub use crate::customer::{Contract, Customer, CustomerId};
pub use crate::decision::{DecisionRecord, Scores, DECISION_RECORD_VERSION};
pub use crate::error::{Error, Problem, Result};
pub use crate::money::Money;
pub use crate::policy::{
    what_to_collect, Action, DefaultPolicy, ExitPlan, LeverPlan, PolicyContext, Recommendation,
    RecommendationPolicy,
};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
