#![doc = include_str!("../README.md")]
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
    Level, LifecycleStage, LogoValue, RequestScope,
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
