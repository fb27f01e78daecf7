#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod activity;
mod contract;
mod cost;
mod customer;
mod error;
mod money;
pub mod retention;
pub mod source;
mod units;

pub use crate::activity::{Activity, AssessmentPeriod, Implementation, Severity, TicketGroup};
pub use crate::contract::{Contract, ContractBuilder, Sla, SlaTier, VendorTermination};
pub use crate::cost::{
    CapacityCostRate, CapacityUsage, CostItem, CostLine, CostModel, CostModelConfig, CostToServe,
    HourlyRate, PerRole, Role, RoleHours, TicketCosts,
};
pub use crate::customer::{
    Behaviour, BrandTier, Customer, CustomerBuilder, CustomerId, FeatureRequest, GrowthFacts,
    Level, LifecycleStage, LogoValue, RequestScope,
};
pub use crate::error::{Error, Problem, Result};
pub use crate::money::{Currency, Money, MoneyError};
pub use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};
