//! From an assessment to a decision: the recommendation policy, the restructure levers and the
//! exit plan.

mod collect;
mod config;
mod default;
pub(crate) mod exit;
pub(crate) mod levers;
mod provisional;
pub(crate) mod recommendation;
pub(crate) mod rule;

pub use collect::{what_to_collect, WhatToCollect, MAX_DECISIVE_FACTS, MAX_RE_DECISIONS};
pub use config::{PolicyConfig, ProvisionalLetGo, ReviewMonths};
pub use default::DefaultPolicy;
pub use exit::{ChecklistItem, ExitConfig, ExitOption, ExitPlan, ExitRoute, TalkingPoint};
pub use levers::{Lever, LeverConfig, LeverKind, LeverPlan, LeverTrigger, PriceChange};
pub use provisional::Provisional;
pub use recommendation::{
    Action, Because, Effect, FactOutcome, GroupImpact, GroupTotals, LetGoSignal, LookBack,
    PolicyContext, Recommendation, RecommendationPolicy, Rule, ToCollect,
};
pub use rule::NoGrace;
