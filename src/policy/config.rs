//! The default policy's configuration: thresholds, review months, lever and exit settings;
//! plain serde data, validated when the policy is made.

use serde::{Deserialize, Serialize};

use crate::policy::exit::ExitConfig;
use crate::policy::levers::LeverConfig;

/// Months until the next review, by action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ReviewMonths {
    /// After invest (default 6).
    pub invest: u32,
    /// After retain (default 12).
    pub retain: u32,
    /// After restructure (default 3).
    pub restructure: u32,
    /// After decline: the prospect may come back (default 6).
    pub decline: u32,
    /// For a new customer given time (default 3).
    pub new_customer: u32,
    /// After the look back on a churned customer (default 12).
    pub churned: u32,
}

impl Default for ReviewMonths {
    fn default() -> Self {
        ReviewMonths {
            invest: 6,
            retain: 12,
            restructure: 3,
            decline: 6,
            new_customer: 3,
            churned: 12,
        }
    }
}

/// What a let-go that unknown facts could still change becomes ([`PolicyConfig::provisional`]).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionalLetGo {
    /// Offboard provisionally: the exit plan, the facts to confirm, the confirm-by date and
    /// what missing it costs ([`Provisional`](crate::policy::Provisional)). The default.
    #[default]
    Offboard,
    /// Restructure until the facts are known
    /// ([`Rule::PendingFacts`](crate::policy::Rule::PendingFacts)), for those who prefer to
    /// wait — except where only behavior facts are unknown: a let-go is never held up by
    /// unknown behavior alone.
    Restructure,
}

/// Thresholds of the [`DefaultPolicy`](crate::DefaultPolicy); plain serde data with documented
/// defaults.
///
/// The growth line, the product-shaper threshold and what "likes the product" means are set
/// once, in [`SegmentationConfig`](crate::assessment::SegmentationConfig): the policy reads the
/// quadrant and the guardrails of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Independent signals from known facts needed to let a customer go or decline a
    /// prospect (default 2; never fewer).
    pub min_offboard_signals: u8,
    /// Strategic-alignment score below which a customer is outside the profile (default 50).
    pub min_alignment: f64,
    /// Mutual-value score below which value does not flow both ways (default 35).
    pub min_mutual_value: f64,
    /// Product-influence score below which one-off demands dominate (default 35).
    pub min_product_influence: f64,
    /// A new or onboarding customer that is a known bad fit, whose stated likelihood of seizing
    /// its growth is below this, gets no new-customer grace (default 0.3; seed 002).
    pub grace_min_likelihood: f64,
    /// What a let-go that unknown facts could still change becomes: a provisional offboard with
    /// its exit plan and a confirm-by date (the default), or a restructure until the facts are
    /// known. Unknown behavior facts alone never make it wait.
    pub provisional: ProvisionalLetGo,
    /// Days before the notice deadline of a provisional let-go's exit by which its facts are
    /// to be confirmed (default 14).
    pub confirm_lead_days: u32,
    /// Review intervals.
    pub review_months: ReviewMonths,
    /// Levers.
    pub levers: LeverConfig,
    /// Exit plans.
    pub exit: ExitConfig,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            min_offboard_signals: 2,
            min_alignment: 50.0,
            min_mutual_value: 35.0,
            min_product_influence: 35.0,
            grace_min_likelihood: 0.3,
            provisional: ProvisionalLetGo::Offboard,
            confirm_lead_days: 14,
            review_months: ReviewMonths::default(),
            levers: LeverConfig::default(),
            exit: ExitConfig::default(),
        }
    }
}
