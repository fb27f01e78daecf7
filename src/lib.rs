#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod activity;
mod assessment;
mod contract;
mod cost;
mod customer;
mod diff;
mod error;
mod exit;
mod inputs;
mod levers;
mod money;
mod overrides;
pub mod portfolio;
mod profile;
mod recommendation;
pub mod retention;
pub mod scoring;
pub mod source;
mod units;

pub use crate::activity::{Activity, AssessmentPeriod, Implementation, Severity, TicketGroup};
pub use crate::assessment::{
    AssessmentConfig, AssessmentContext, Assessor, Classification, Comparison, FitAssessment,
    FitClass, Guardrail, LifetimeValue, LifetimeValueConfig, Quadrant, Reason, SegmentKey,
    SegmentationConfig, Signal,
};
pub use crate::contract::{Contract, ContractBuilder, Sla, SlaTier, VendorTermination};
pub use crate::cost::{
    CapacityCostRate, CapacityUsage, CostItem, CostLine, CostModel, CostModelConfig, CostToServe,
    HourlyRate, PerRole, Role, RoleHours, TicketCosts,
};
pub use crate::customer::{
    Behaviour, BrandTier, Customer, CustomerBuilder, CustomerId, FeatureRequest, GrowthFacts,
    Level, LifecycleStage, LogoValue, RequestScope,
};
pub use crate::diff::{AssessmentDiff, DimensionChange, InputChange};
pub use crate::error::{Error, Problem, Result};
pub use crate::exit::{ChecklistItem, ExitConfig, ExitOption, ExitPlan, ExitRoute, TalkingPoint};
pub use crate::inputs::{Dimension, Input, Inputs, PerDimension};
pub use crate::levers::{Lever, LeverConfig, LeverKind, LeverPlan, PriceChange};
pub use crate::money::{Currency, Money, MoneyError};
pub use crate::overrides::{Override, OverrideOutcome, OverrideStatus, OverrideTarget};
pub use crate::profile::{Criterion, CriterionMatch, IdealCustomerProfile, ProfileMatch};
pub use crate::recommendation::{
    Action, Because, DefaultPolicy, Effect, GroupImpact, GroupTotals, PolicyConfig, PolicyContext,
    Recommendation, RecommendationPolicy, ReviewMonths, Rule,
};
pub use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};
