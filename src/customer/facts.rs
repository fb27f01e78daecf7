//! The facts fit is judged on beyond money: lifecycle stage, logo value, growth facts,
//! behavior and success, feature requests.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::units::{Nps, Probability, Ratio, Share};

/// Where the customer is in its life with us. Reported; rules that need "new" use tenure.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    /// Not signed yet.
    Prospect,
    /// Signed, being implemented.
    Onboarding,
    /// Live.
    Active,
    /// Gone.
    Churned,
}

/// A three-step rating where the data gives no number.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// How well known the customer's brand is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrandTier {
    /// Known locally.
    Local,
    /// Known in its region.
    Regional,
    /// A national name.
    National,
    /// A global name.
    Global,
}

display_names! {
    LifecycleStage { Prospect => "prospect", Onboarding => "onboarding", Active => "active", Churned => "churned" }
    Level { Low => "low", Medium => "medium", High => "high" }
    BrandTier { Local => "local", Regional => "regional", National => "national", Global => "global" }
}

/// Value beyond revenue (seed 001 §4): reference potential, brand, positioning, feedback.
///
/// Every fact is optional; an absent fact stays visible as `None` for confidence scoring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogoValue {
    /// Willing to be named as a reference for prospects.
    #[serde(default)]
    pub referenceable: Option<bool>,
    /// Has agreed to a published case study.
    #[serde(default)]
    pub case_study: Option<bool>,
    /// How well known its brand is.
    #[serde(default)]
    pub brand_tier: Option<BrandTier>,
    /// How much it strengthens our position in a strategic market.
    #[serde(default)]
    pub strategic_positioning: Option<Level>,
    /// Quality of the product feedback and industry insight it gives.
    #[serde(default)]
    pub feedback_quality: Option<Level>,
}

/// Growth facts (seed 002): how much potential exists, and how likely we are to seize it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrowthFacts {
    /// Expansion potential (more seats, more usage) per year.
    #[serde(default)]
    pub expansion_whitespace: Option<Money>,
    /// Up-sell potential (higher plan) per year.
    #[serde(default)]
    pub upsell_whitespace: Option<Money>,
    /// Cross-sell potential (other products) per year.
    #[serde(default)]
    pub cross_sell_whitespace: Option<Money>,
    /// Likelihood of seizing the whitespace, judged from past behavior.
    #[serde(default)]
    pub likelihood: Option<Probability>,
    /// Revenue growth over the last year (0.2 is +20 %; at least -1).
    #[serde(default)]
    pub historical_growth: Option<Ratio>,
}

impl GrowthFacts {
    /// Total whitespace (expansion + up-sell + cross-sell), or `None` when none is known.
    ///
    /// # Errors
    ///
    /// [`crate::units::MoneyError`] on overflow or mixed currencies (impossible inside a validated
    /// [`Customer`](crate::Customer)).
    pub fn whitespace(&self) -> std::result::Result<Option<Money>, crate::units::MoneyError> {
        let mut total: Option<Money> = None;
        for m in [
            self.expansion_whitespace,
            self.upsell_whitespace,
            self.cross_sell_whitespace,
        ]
        .into_iter()
        .flatten()
        {
            total = Some(match total {
                Some(t) => t.checked_add(m)?,
                None => m,
            });
        }
        Ok(total)
    }
}

/// Behavior and success signals (seeds 002 and 003).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behavior {
    /// Share of scheduled meetings the customer attended.
    #[serde(default)]
    pub meeting_attendance: Option<Share>,
    /// Share of the agreed success plan the customer carried out.
    #[serde(default)]
    pub plan_adherence: Option<Share>,
    /// Times the customer changed its goals over the period.
    #[serde(default)]
    pub goal_changes: Option<u32>,
    /// Share of our requests the customer answered in time.
    #[serde(default)]
    pub responsiveness: Option<Share>,
    /// Share of its stated goals the customer achieved.
    #[serde(default)]
    pub outcomes_achieved: Option<Share>,
    /// Share of the recommended content and training the customer consumed.
    #[serde(default)]
    pub content_consumed: Option<Share>,
    /// Stated intent to renew.
    #[serde(default)]
    pub renewal_intent: Option<Probability>,
    /// Net Promoter Score of the account.
    #[serde(default)]
    pub nps: Option<Nps>,
}

/// Whom a feature request would serve.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestScope {
    /// Benefits many customers, or is on the roadmap already (seed 000).
    Broad,
    /// A one-off for this customer alone (seeds 001, 004).
    Custom,
}

display_names! {
    RequestScope { Broad => "broad", Custom => "custom" }
}

/// Feature requests known only by their number, by scope (an export that counts them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestCounts {
    /// Requests that would serve many customers.
    #[serde(default)]
    pub broad: u32,
    /// One-offs for this customer alone.
    #[serde(default)]
    pub custom: u32,
}

impl RequestCounts {
    /// The count of `scope`.
    pub fn get(&self, scope: RequestScope) -> u32 {
        match scope {
            RequestScope::Broad => self.broad,
            RequestScope::Custom => self.custom,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.broad == 0 && self.custom == 0
    }
}

/// A feature the customer asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureRequest {
    /// Short title.
    pub title: String,
    /// Whom it would serve.
    pub scope: RequestScope,
}
