//! The customer record: identity, tags, revenue, contract, activity and the signals that fit
//! is judged on.

pub(crate) mod activity;
pub(crate) mod contract;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::activity::{
    Activity, AssessmentPeriod, Implementation, Severity, TicketGroup,
};
use crate::customer::contract::{Contract, ContractBuilder, VendorTermination};
use crate::error::{Error, Problem, Result};
use crate::money::{Currency, Money};
use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};

/// A customer's identifier in the source system: non-empty text.
///
/// Cheap to clone (shared), since every result row carries one.
///
/// ```
/// use custfit::CustomerId;
/// let id = CustomerId::new("acme-001")?;
/// assert_eq!(id.as_str(), "acme-001");
/// assert!(CustomerId::new("  ").is_err());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerId(Arc<str>);

impl CustomerId {
    /// An id; surrounding white space is kept, but an id of only white space is refused.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] on field `id` with [`Problem::Empty`].
    pub fn new(id: impl AsRef<str>) -> Result<Self> {
        let id = id.as_ref();
        if id.trim().is_empty() {
            Err(Error::invalid(None, "id", Problem::Empty))
        } else {
            Ok(CustomerId(Arc::from(id)))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerId {
    /// Honours width and alignment (`{:<8}`), so ids line up in tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomerId({:?})", &*self.0)
    }
}

impl AsRef<str> for CustomerId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CustomerId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        CustomerId::new(s)
    }
}

impl TryFrom<&str> for CustomerId {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        CustomerId::new(s)
    }
}

impl From<CustomerId> for String {
    fn from(id: CustomerId) -> String {
        id.0.to_string()
    }
}

impl std::str::FromStr for CustomerId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        CustomerId::new(s)
    }
}

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
pub(crate) use display_names;

display_names! {
    LifecycleStage { Prospect => "prospect", Onboarding => "onboarding", Active => "active", Churned => "churned" }
    Level { Low => "low", Medium => "medium", High => "high" }
    BrandTier { Local => "local", Regional => "regional", National => "national", Global => "global" }
}

/// Value beyond revenue (seed 001 §4): reference potential, brand, positioning, feedback.
///
/// Every fact is optional; an absent fact stays visible as `None` for confidence scoring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Likelihood of seizing the whitespace, judged from past behaviour.
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
    /// [`crate::MoneyError`] on overflow or mixed currencies (impossible inside a validated
    /// [`Customer`]).
    pub fn whitespace(&self) -> std::result::Result<Option<Money>, crate::MoneyError> {
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

/// Behaviour and success signals (seeds 002 and 003).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Behaviour {
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

/// A feature the customer asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureRequest {
    /// Short title.
    pub title: String,
    /// Whom it would serve.
    pub scope: RequestScope,
}

/// A customer, valid by construction.
///
/// All money is in the customer's one currency; revenue and activity are totals over the
/// assessment period of [`Customer::activity`]. Build one with [`Customer::builder`];
/// deserialising goes through the same validation.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Customer, LifecycleStage};
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let c = Customer::builder("acme", "Acme GmbH")
///     .currency("EUR")
///     .period(d(2025, 1, 1), d(2025, 12, 31))
///     .stage(LifecycleStage::Active)
///     .customer_since(d(2022, 4, 1))
///     .recurring_revenue(Decimal::new(120_000, 0))
///     .engineering_hours(Decimal::new(40, 0))
///     .build()?;
/// assert_eq!(c.revenue().to_string(), "120000 EUR");
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CustomerRepr")]
pub struct Customer {
    id: CustomerId,
    name: String,
    currency: Currency,
    #[serde(default)]
    industry: Option<String>,
    #[serde(default)]
    use_cases: Vec<String>,
    #[serde(default)]
    roadmap_interests: Vec<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    segment: Option<String>,
    #[serde(default)]
    employees: Option<u32>,
    #[serde(default)]
    parent: Option<CustomerId>,
    #[serde(default)]
    account_owner: Option<String>,
    #[serde(default)]
    acquisition_channel: Option<String>,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    product_version: Option<String>,
    stage: LifecycleStage,
    #[serde(default)]
    customer_since: Option<NaiveDate>,
    recurring_revenue: Money,
    one_time_revenue: Money,
    #[serde(default)]
    acquisition_cost: Option<Money>,
    #[serde(default)]
    contract: Option<Contract>,
    activity: Activity,
    #[serde(default)]
    logo: LogoValue,
    #[serde(default)]
    growth: GrowthFacts,
    #[serde(default)]
    behaviour: Behaviour,
    #[serde(default)]
    last_expectation_reset: Option<NaiveDate>,
    #[serde(default)]
    feature_requests: Vec<FeatureRequest>,
    #[serde(skip)]
    revenue: Money,
}

/// The wire form of a customer: raw values, checked by the same builder as
/// [`Customer::builder`], so every error names the customer and the field.
#[derive(Deserialize)]
struct CustomerRepr {
    id: String,
    name: String,
    currency: String,
    #[serde(default)]
    industry: Option<String>,
    #[serde(default)]
    use_cases: Vec<String>,
    #[serde(default)]
    roadmap_interests: Vec<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    segment: Option<String>,
    #[serde(default)]
    employees: Option<u32>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    account_owner: Option<String>,
    #[serde(default)]
    acquisition_channel: Option<String>,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    product_version: Option<String>,
    stage: LifecycleStage,
    #[serde(default)]
    customer_since: Option<NaiveDate>,
    recurring_revenue: Money,
    #[serde(default)]
    one_time_revenue: Option<Money>,
    #[serde(default)]
    acquisition_cost: Option<Money>,
    #[serde(default)]
    contract: Option<ContractBuilder>,
    activity: ActivityRepr,
    #[serde(default)]
    logo: LogoValue,
    #[serde(default)]
    growth: GrowthRepr,
    #[serde(default)]
    behaviour: BehaviourRepr,
    #[serde(default)]
    last_expectation_reset: Option<NaiveDate>,
    #[serde(default)]
    feature_requests: Vec<FeatureRequest>,
}

#[derive(Deserialize)]
struct PeriodRaw {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
struct TicketRepr {
    severity: Severity,
    count: u32,
    #[serde(default)]
    handling_hours: Option<Decimal>,
}

#[derive(Deserialize)]
struct ImplementationRepr {
    hours: Decimal,
    #[serde(default)]
    external_cost: Option<Money>,
    go_live: NaiveDate,
}

#[derive(Deserialize)]
struct ActivityRepr {
    period: PeriodRaw,
    #[serde(default)]
    tickets: Vec<TicketRepr>,
    #[serde(default)]
    engineering_hours: Decimal,
    #[serde(default)]
    success_hours: Decimal,
    #[serde(default)]
    executive_hours: Decimal,
    #[serde(default)]
    escalations: u32,
    #[serde(default)]
    implementation: Option<ImplementationRepr>,
    #[serde(default)]
    custom_features: Vec<String>,
    #[serde(default)]
    usage_units: Decimal,
}

#[derive(Default, Deserialize)]
struct GrowthRepr {
    #[serde(default)]
    expansion_whitespace: Option<Money>,
    #[serde(default)]
    upsell_whitespace: Option<Money>,
    #[serde(default)]
    cross_sell_whitespace: Option<Money>,
    #[serde(default)]
    likelihood: Option<f64>,
    #[serde(default)]
    historical_growth: Option<Decimal>,
}

#[derive(Default, Deserialize)]
struct BehaviourRepr {
    #[serde(default)]
    meeting_attendance: Option<Decimal>,
    #[serde(default)]
    plan_adherence: Option<Decimal>,
    #[serde(default)]
    goal_changes: Option<u32>,
    #[serde(default)]
    responsiveness: Option<Decimal>,
    #[serde(default)]
    outcomes_achieved: Option<Decimal>,
    #[serde(default)]
    content_consumed: Option<Decimal>,
    #[serde(default)]
    renewal_intent: Option<f64>,
    #[serde(default)]
    nps: Option<i16>,
}

impl TryFrom<CustomerRepr> for Customer {
    type Error = Error;
    fn try_from(r: CustomerRepr) -> Result<Self> {
        let a = r.activity;
        let mut b = CustomerBuilder::new(r.id, r.name)
            .currency(&r.currency)
            .period(a.period.start, a.period.end)
            .stage(r.stage)
            .engineering_hours(a.engineering_hours)
            .success_hours(a.success_hours)
            .executive_hours(a.executive_hours)
            .escalations(a.escalations)
            .usage_units(a.usage_units);
        for t in a.tickets {
            b = b.tickets(t.severity, t.count, t.handling_hours);
        }
        if let Some(i) = a.implementation {
            b = b.implementation(i.hours, i.go_live, None);
            if let (Some((_, _, external)), Some(cost)) = (&mut b.implementation, i.external_cost) {
                *external = Some(Amount::In(cost));
            }
        }
        b.custom_features = a.custom_features;
        b.industry = r.industry;
        b.use_cases = r.use_cases;
        b.roadmap_interests = r.roadmap_interests;
        b.region = r.region;
        b.segment = r.segment;
        b.employees = r.employees;
        b.parent = r.parent;
        b.account_owner = r.account_owner;
        b.acquisition_channel = r.acquisition_channel;
        b.plan = r.plan;
        b.product_version = r.product_version;
        b.customer_since = r.customer_since;
        b.recurring_revenue = Amount::In(r.recurring_revenue);
        b.one_time_revenue = r
            .one_time_revenue
            .map_or(Amount::Plain(Decimal::ZERO), Amount::In);
        b.acquisition_cost = r.acquisition_cost.map(Amount::In);
        b.contract = r.contract;
        b.logo = r.logo;
        let g = r.growth;
        b.whitespace = [
            g.expansion_whitespace.map(Amount::In),
            g.upsell_whitespace.map(Amount::In),
            g.cross_sell_whitespace.map(Amount::In),
        ];
        if let Some(p) = g.likelihood {
            b = b.growth_likelihood(p);
        }
        if let Some(h) = g.historical_growth {
            b = b.historical_growth(h);
        }
        let v = r.behaviour;
        let shares = [
            (
                v.meeting_attendance,
                CustomerBuilder::meeting_attendance as fn(_, _) -> _,
            ),
            (v.plan_adherence, CustomerBuilder::plan_adherence),
            (v.responsiveness, CustomerBuilder::responsiveness),
            (v.outcomes_achieved, CustomerBuilder::outcomes_achieved),
            (v.content_consumed, CustomerBuilder::content_consumed),
        ];
        for (value, set) in shares {
            if let Some(value) = value {
                b = set(b, value);
            }
        }
        if let Some(g) = v.goal_changes {
            b = b.goal_changes(g);
        }
        if let Some(p) = v.renewal_intent {
            b = b.renewal_intent(p);
        }
        if let Some(n) = v.nps {
            b = b.nps(n);
        }
        b.last_expectation_reset = r.last_expectation_reset;
        b.feature_requests = r.feature_requests;
        b.build()
    }
}

/// An amount given as a plain number (in the customer's currency) or with its own currency
/// (checked against the customer's by validation).
#[derive(Debug, Clone, Copy)]
enum Amount {
    Plain(Decimal),
    In(Money),
}

impl Amount {
    fn in_currency(self, currency: Currency) -> Money {
        match self {
            Amount::Plain(d) => Money::new(d, currency),
            Amount::In(m) => m,
        }
    }
}

impl Customer {
    /// Start building a customer with its id and display name.
    ///
    /// The currency and the assessment period are required; everything else has a default
    /// (no revenue, no activity, stage [`LifecycleStage::Active`], no optional facts).
    pub fn builder(id: impl Into<String>, name: impl Into<String>) -> CustomerBuilder {
        CustomerBuilder::new(id.into(), name.into())
    }

    /// Check every cross-field rule and compute the derived revenue total.
    fn validated(mut self) -> Result<Self> {
        let id = self.id.clone();
        let bad = |field: &str, problem: Problem| Error::invalid(Some(&id), field, problem);
        if self.name.trim().is_empty() {
            return Err(bad("name", Problem::Empty));
        }
        let currency = self.currency;
        let money_fields = [
            ("recurring_revenue", Some(self.recurring_revenue)),
            ("one_time_revenue", Some(self.one_time_revenue)),
            ("acquisition_cost", self.acquisition_cost),
            (
                "growth.expansion_whitespace",
                self.growth.expansion_whitespace,
            ),
            ("growth.upsell_whitespace", self.growth.upsell_whitespace),
            (
                "growth.cross_sell_whitespace",
                self.growth.cross_sell_whitespace,
            ),
            (
                "activity.implementation.external_cost",
                self.activity
                    .implementation
                    .as_ref()
                    .and_then(|i| i.external_cost),
            ),
            (
                "contract.vendor_termination.fee",
                match self.contract.as_ref().map(Contract::vendor_termination) {
                    Some(VendorTermination::Allowed { fee, .. }) => Some(*fee),
                    _ => None,
                },
            ),
        ];
        for (field, money) in money_fields {
            let Some(money) = money else { continue };
            if money.currency() != currency {
                return Err(bad(
                    field,
                    Problem::CurrencyMismatch {
                        expected: currency,
                        found: money.currency(),
                    },
                ));
            }
            if money.is_negative() {
                return Err(bad(
                    field,
                    Problem::Negative {
                        value: money.amount(),
                    },
                ));
            }
        }
        self.revenue = self
            .recurring_revenue
            .checked_add(self.one_time_revenue)
            .map_err(|e| Error::arithmetic(Some(&id), "revenue", e))?;
        self.growth
            .whitespace()
            .map_err(|e| Error::arithmetic(Some(&id), "growth.whitespace", e))?;
        if let Some(g) = self.growth.historical_growth {
            if g.get() < Decimal::NEGATIVE_ONE {
                return Err(bad(
                    "growth.historical_growth",
                    Problem::OutOfRange {
                        value: g.get().to_string(),
                        allowed: "-1..".into(),
                    },
                ));
            }
        }
        let period = self.activity.period;
        match (self.stage, self.customer_since) {
            (LifecycleStage::Prospect, _) => {}
            (_, None) => return Err(bad("customer_since", Problem::Missing)),
            (_, Some(since)) if since > period.end() => {
                return Err(bad(
                    "customer_since",
                    Problem::After {
                        date: since,
                        other_field: "activity.period.end".into(),
                        other: period.end(),
                    },
                ))
            }
            _ => {}
        }
        let tags = [
            ("industry", &self.industry),
            ("region", &self.region),
            ("segment", &self.segment),
            ("account_owner", &self.account_owner),
            ("acquisition_channel", &self.acquisition_channel),
            ("plan", &self.plan),
            ("product_version", &self.product_version),
        ];
        for (field, tag) in tags {
            if tag.as_deref().is_some_and(|t| t.trim().is_empty()) {
                return Err(bad(field, Problem::Empty));
            }
        }
        self.check_tickets()?;
        if self.parent.as_ref() == Some(&self.id) {
            return Err(bad(
                "parent",
                Problem::Rule {
                    rule: "a customer cannot be its own parent account".into(),
                },
            ));
        }
        let texts = [
            ("use_cases", &self.use_cases),
            ("roadmap_interests", &self.roadmap_interests),
            ("activity.custom_features", &self.activity.custom_features),
        ];
        for (field, list) in texts {
            if let Some(i) = list.iter().position(|s| s.trim().is_empty()) {
                return Err(bad(&format!("{field}[{i}]"), Problem::Empty));
            }
        }
        if let Some(i) = self
            .feature_requests
            .iter()
            .position(|r| r.title.trim().is_empty())
        {
            return Err(bad(&format!("feature_requests[{i}].title"), Problem::Empty));
        }
        Ok(self)
    }

    /// Tickets must be consistent: hours need tickets, measured hours are not zero, and each
    /// severity appears once with measured hours and once without at most (so that every cost
    /// line is one group).
    fn check_tickets(&self) -> Result<()> {
        let tickets = &self.activity.tickets;
        for (i, t) in tickets.iter().enumerate() {
            let field = || format!("activity.tickets[{i}].handling_hours");
            let rule =
                |rule: String| Error::invalid(Some(&self.id), field(), Problem::Rule { rule });
            match t.handling_hours {
                Some(h) if t.count == 0 && !h.get().is_zero() => {
                    return Err(rule(format!("{h} of handling for no tickets")));
                }
                Some(h) if t.count > 0 && h.get().is_zero() => {
                    return Err(rule(format!(
                        "0 hours for {} tickets: leave the hours out to price them per ticket",
                        t.count
                    )));
                }
                _ => {}
            }
            let same = |u: &TicketGroup| {
                u.severity == t.severity && u.handling_hours.is_some() == t.handling_hours.is_some()
            };
            if tickets[..i].iter().any(same) {
                return Err(Error::invalid(
                    Some(&self.id),
                    format!("activity.tickets[{i}]"),
                    Problem::Rule {
                        rule: format!(
                            "a second group of {} tickets {} measured hours: merge them",
                            t.severity.as_str(),
                            if t.handling_hours.is_some() {
                                "with"
                            } else {
                                "without"
                            }
                        ),
                    },
                ));
            }
        }
        Ok(())
    }

    /// The id.
    pub fn id(&self) -> &CustomerId {
        &self.id
    }
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The currency of every amount of this customer.
    pub fn currency(&self) -> Currency {
        self.currency
    }
    /// Industry tag.
    pub fn industry(&self) -> Option<&str> {
        self.industry.as_deref()
    }
    /// Use-case tags.
    pub fn use_cases(&self) -> &[String] {
        &self.use_cases
    }
    /// Themes of our roadmap the customer wants or would benefit from.
    pub fn roadmap_interests(&self) -> &[String] {
        &self.roadmap_interests
    }
    /// Region tag.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    /// Size or segment tag (for example `enterprise`, `mid-market`, `smb`).
    pub fn segment(&self) -> Option<&str> {
        self.segment.as_deref()
    }
    /// Number of employees, if known.
    pub fn employees(&self) -> Option<u32> {
        self.employees
    }
    /// Parent account, for subsidiaries and divisions.
    pub fn parent(&self) -> Option<&CustomerId> {
        self.parent.as_ref()
    }
    /// Account owner (person or team).
    pub fn account_owner(&self) -> Option<&str> {
        self.account_owner.as_deref()
    }
    /// How the customer was acquired (channel, campaign, partner, sales rep).
    pub fn acquisition_channel(&self) -> Option<&str> {
        self.acquisition_channel.as_deref()
    }
    /// Plan name.
    pub fn plan(&self) -> Option<&str> {
        self.plan.as_deref()
    }
    /// Product version the customer runs.
    pub fn product_version(&self) -> Option<&str> {
        self.product_version.as_deref()
    }
    /// Lifecycle stage.
    pub fn stage(&self) -> LifecycleStage {
        self.stage
    }
    /// Date the customer signed (absent only for prospects).
    pub fn customer_since(&self) -> Option<NaiveDate> {
        self.customer_since
    }
    /// Recurring revenue over the assessment period.
    pub fn recurring_revenue(&self) -> Money {
        self.recurring_revenue
    }
    /// One-time revenue (services, set-up fees) over the assessment period.
    pub fn one_time_revenue(&self) -> Money {
        self.one_time_revenue
    }
    /// Total revenue over the assessment period: recurring plus one-time.
    pub fn revenue(&self) -> Money {
        self.revenue
    }
    /// Customer acquisition cost, if known.
    pub fn acquisition_cost(&self) -> Option<Money> {
        self.acquisition_cost
    }
    /// The contract (absent for prospects and some legacy customers).
    pub fn contract(&self) -> Option<&Contract> {
        self.contract.as_ref()
    }
    /// Activity over the assessment period.
    pub fn activity(&self) -> &Activity {
        &self.activity
    }
    /// The assessment period.
    pub fn period(&self) -> AssessmentPeriod {
        self.activity.period
    }
    /// Logo-value facts.
    pub fn logo(&self) -> &LogoValue {
        &self.logo
    }
    /// Growth facts.
    pub fn growth(&self) -> &GrowthFacts {
        &self.growth
    }
    /// Behaviour and success signals.
    pub fn behaviour(&self) -> &Behaviour {
        &self.behaviour
    }
    /// The date of the last expectation reset, if any.
    pub fn last_expectation_reset(&self) -> Option<NaiveDate> {
        self.last_expectation_reset
    }
    /// Feature requests.
    pub fn feature_requests(&self) -> &[FeatureRequest] {
        &self.feature_requests
    }

    /// Whole days from [`Customer::customer_since`] to `as_of` (negative if `as_of` is
    /// earlier); `None` for a prospect without a signing date.
    pub fn tenure_days(&self, as_of: NaiveDate) -> Option<i64> {
        self.customer_since.map(|since| (as_of - since).num_days())
    }

    /// Whole calendar months from [`Customer::customer_since`] to `as_of` (0 if `as_of` is
    /// earlier); `None` for a prospect without a signing date.
    pub fn tenure_months(&self, as_of: NaiveDate) -> Option<u32> {
        use chrono::Datelike;
        let since = self.customer_since?;
        if as_of <= since {
            return Some(0);
        }
        let months = (as_of.year() - since.year()) * 12 + as_of.month() as i32
            - since.month() as i32
            - i32::from(as_of.day() < since.day());
        Some(u32::try_from(months).unwrap_or(0))
    }

    /// The same customer with the activity of another period or system, re-validated.
    ///
    /// # Errors
    ///
    /// As [`CustomerBuilder::build`], for example when the new activity's implementation cost
    /// is in another currency.
    pub fn with_activity(mut self, activity: Activity) -> Result<Customer> {
        self.activity = activity;
        self.validated()
    }

    /// The same customer with other revenue, re-validated (used to price levers and to
    /// explore "what if").
    ///
    /// # Errors
    ///
    /// As [`CustomerBuilder::build`].
    pub fn with_revenue(mut self, recurring: Money, one_time: Money) -> Result<Customer> {
        self.recurring_revenue = recurring;
        self.one_time_revenue = one_time;
        self.validated()
    }
}

/// Builds a [`Customer`]; the first invalid value is reported by [`CustomerBuilder::build`]
/// with the customer id and the field.
///
/// Setters take plain numbers (amounts in the customer's currency, shares as ratios from 0 to
/// 1) so that data read from files or databases can be passed as it is.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct CustomerBuilder {
    id: String,
    name: String,
    currency: Option<String>,
    period: Option<(NaiveDate, NaiveDate)>,
    industry: Option<String>,
    use_cases: Vec<String>,
    roadmap_interests: Vec<String>,
    region: Option<String>,
    segment: Option<String>,
    employees: Option<u32>,
    parent: Option<String>,
    account_owner: Option<String>,
    acquisition_channel: Option<String>,
    plan: Option<String>,
    product_version: Option<String>,
    stage: LifecycleStage,
    customer_since: Option<NaiveDate>,
    recurring_revenue: Amount,
    one_time_revenue: Amount,
    acquisition_cost: Option<Amount>,
    contract: Option<ContractBuilder>,
    activity: Option<Activity>,
    /// Whether a setter of one part of the activity was used (conflicts with `activity`).
    activity_parts: bool,
    tickets: Vec<TicketGroup>,
    engineering_hours: Hours,
    success_hours: Hours,
    executive_hours: Hours,
    escalations: u32,
    implementation: Option<(Hours, NaiveDate, Option<Amount>)>,
    custom_features: Vec<String>,
    usage_units: Quantity,
    logo: LogoValue,
    whitespace: [Option<Amount>; 3],
    growth: GrowthFacts,
    behaviour: Behaviour,
    last_expectation_reset: Option<NaiveDate>,
    feature_requests: Vec<FeatureRequest>,
    first_error: Option<Error>,
}

/// Rename the field of an error raised by a unit constructor.
fn at_field(e: Error, field: &str) -> Error {
    match e {
        Error::InvalidField {
            customer, problem, ..
        } => Error::InvalidField {
            customer,
            field: field.to_owned(),
            problem,
        },
        other => other,
    }
}

impl CustomerBuilder {
    fn new(id: String, name: String) -> Self {
        CustomerBuilder {
            id,
            name,
            currency: None,
            period: None,
            industry: None,
            use_cases: Vec::new(),
            roadmap_interests: Vec::new(),
            region: None,
            segment: None,
            employees: None,
            parent: None,
            account_owner: None,
            acquisition_channel: None,
            plan: None,
            product_version: None,
            stage: LifecycleStage::Active,
            customer_since: None,
            recurring_revenue: Amount::Plain(Decimal::ZERO),
            one_time_revenue: Amount::Plain(Decimal::ZERO),
            acquisition_cost: None,
            contract: None,
            activity: None,
            activity_parts: false,
            tickets: Vec::new(),
            engineering_hours: Hours::ZERO,
            success_hours: Hours::ZERO,
            executive_hours: Hours::ZERO,
            escalations: 0,
            implementation: None,
            custom_features: Vec::new(),
            usage_units: Quantity::ZERO,
            logo: LogoValue::default(),
            whitespace: [None; 3],
            growth: GrowthFacts::default(),
            behaviour: Behaviour::default(),
            last_expectation_reset: None,
            feature_requests: Vec::new(),
            first_error: None,
        }
    }

    /// Keep the first error, with its field named.
    fn check<T>(&mut self, field: &str, value: Result<T>) -> Option<T> {
        match value {
            Ok(v) => Some(v),
            Err(e) => {
                if self.first_error.is_none() {
                    self.first_error = Some(at_field(e, field));
                }
                None
            }
        }
    }

    fn hours(mut self, field: &str, value: Decimal, set: fn(&mut Self, Hours)) -> Self {
        self.activity_parts = true;
        if let Some(h) = self.check(field, Hours::new(value)) {
            set(&mut self, h);
        }
        self
    }

    fn share(mut self, field: &str, value: Decimal, set: fn(&mut Behaviour, Share)) -> Self {
        if let Some(s) = self.check(field, Share::new(value)) {
            set(&mut self.behaviour, s);
        }
        self
    }

    /// ISO 4217 code of every amount (required).
    pub fn currency(mut self, code: &str) -> Self {
        self.currency = Some(code.to_owned());
        self
    }
    /// The assessment period, both ends inclusive (required).
    pub fn period(mut self, start: NaiveDate, end: NaiveDate) -> Self {
        self.period = Some((start, end));
        self
    }
    /// Industry tag.
    pub fn industry(mut self, industry: impl Into<String>) -> Self {
        self.industry = Some(industry.into());
        self
    }
    /// Add a use-case tag.
    pub fn use_case(mut self, use_case: impl Into<String>) -> Self {
        self.use_cases.push(use_case.into());
        self
    }
    /// Add a roadmap theme the customer wants or would benefit from.
    pub fn roadmap_interest(mut self, theme: impl Into<String>) -> Self {
        self.roadmap_interests.push(theme.into());
        self
    }
    /// Region tag.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Size or segment tag.
    pub fn segment(mut self, segment: impl Into<String>) -> Self {
        self.segment = Some(segment.into());
        self
    }
    /// Number of employees.
    pub fn employees(mut self, employees: u32) -> Self {
        self.employees = Some(employees);
        self
    }
    /// Parent account id.
    pub fn parent(mut self, parent: impl Into<String>) -> Self {
        self.parent = Some(parent.into());
        self
    }
    /// Account owner.
    pub fn account_owner(mut self, owner: impl Into<String>) -> Self {
        self.account_owner = Some(owner.into());
        self
    }
    /// Acquisition channel.
    pub fn acquisition_channel(mut self, channel: impl Into<String>) -> Self {
        self.acquisition_channel = Some(channel.into());
        self
    }
    /// Plan name.
    pub fn plan(mut self, plan: impl Into<String>) -> Self {
        self.plan = Some(plan.into());
        self
    }
    /// Product version.
    pub fn product_version(mut self, version: impl Into<String>) -> Self {
        self.product_version = Some(version.into());
        self
    }
    /// Lifecycle stage (default: active).
    pub fn stage(mut self, stage: LifecycleStage) -> Self {
        self.stage = stage;
        self
    }
    /// Date the customer signed (required unless a prospect).
    pub fn customer_since(mut self, date: NaiveDate) -> Self {
        self.customer_since = Some(date);
        self
    }
    /// Recurring revenue over the period.
    pub fn recurring_revenue(mut self, amount: Decimal) -> Self {
        self.recurring_revenue = Amount::Plain(amount);
        self
    }
    /// One-time revenue over the period.
    pub fn one_time_revenue(mut self, amount: Decimal) -> Self {
        self.one_time_revenue = Amount::Plain(amount);
        self
    }
    /// Customer acquisition cost.
    pub fn acquisition_cost(mut self, amount: Decimal) -> Self {
        self.acquisition_cost = Some(Amount::Plain(amount));
        self
    }
    /// The contract; validated with the customer so that errors name it.
    pub fn contract(mut self, contract: ContractBuilder) -> Self {
        self.contract = Some(contract);
        self
    }
    /// The whole activity record at once; building fails if the period or any other activity
    /// setter is used as well, rather than dropping either silently.
    pub fn activity(mut self, activity: Activity) -> Self {
        self.activity = Some(activity);
        self
    }
    /// Add tickets of one severity, with their total handling hours if measured.
    pub fn tickets(mut self, severity: Severity, count: u32, hours: Option<Decimal>) -> Self {
        self.activity_parts = true;
        let handling_hours = match hours {
            Some(h) => {
                let field = format!("activity.tickets.{}.handling_hours", severity.as_str());
                match self.check(&field, Hours::new(h)) {
                    Some(h) => Some(h),
                    None => return self,
                }
            }
            None => None,
        };
        self.tickets.push(TicketGroup {
            severity,
            count,
            handling_hours,
        });
        self
    }
    /// Engineering hours on customer-specific work.
    pub fn engineering_hours(self, hours: Decimal) -> Self {
        self.hours("activity.engineering_hours", hours, |b, h| {
            b.engineering_hours = h
        })
    }
    /// Customer-success hours.
    pub fn success_hours(self, hours: Decimal) -> Self {
        self.hours("activity.success_hours", hours, |b, h| b.success_hours = h)
    }
    /// Executive hours.
    pub fn executive_hours(self, hours: Decimal) -> Self {
        self.hours("activity.executive_hours", hours, |b, h| {
            b.executive_hours = h
        })
    }
    /// Escalations to management.
    pub fn escalations(mut self, count: u32) -> Self {
        self.activity_parts = true;
        self.escalations = count;
        self
    }
    /// An implementation project of `hours`, live on `go_live`, with an optional external cost.
    pub fn implementation(
        mut self,
        hours: Decimal,
        go_live: NaiveDate,
        external_cost: Option<Decimal>,
    ) -> Self {
        self.activity_parts = true;
        if let Some(h) = self.check("activity.implementation.hours", Hours::new(hours)) {
            self.implementation = Some((h, go_live, external_cost.map(Amount::Plain)));
        }
        self
    }
    /// Add a custom feature kept alive for this customer.
    pub fn custom_feature(mut self, name: impl Into<String>) -> Self {
        self.activity_parts = true;
        self.custom_features.push(name.into());
        self
    }
    /// Usage units for per-unit COGS.
    pub fn usage_units(mut self, units: Decimal) -> Self {
        self.activity_parts = true;
        if let Some(q) = self.check("activity.usage_units", Quantity::new(units)) {
            self.usage_units = q;
        }
        self
    }
    /// Willing to be a reference.
    pub fn referenceable(mut self, yes: bool) -> Self {
        self.logo.referenceable = Some(yes);
        self
    }
    /// Agreed to a case study.
    pub fn case_study(mut self, yes: bool) -> Self {
        self.logo.case_study = Some(yes);
        self
    }
    /// Brand tier.
    pub fn brand_tier(mut self, tier: BrandTier) -> Self {
        self.logo.brand_tier = Some(tier);
        self
    }
    /// Strategic positioning value.
    pub fn strategic_positioning(mut self, level: Level) -> Self {
        self.logo.strategic_positioning = Some(level);
        self
    }
    /// Quality of product feedback.
    pub fn feedback_quality(mut self, level: Level) -> Self {
        self.logo.feedback_quality = Some(level);
        self
    }
    /// Expansion whitespace per year.
    pub fn expansion_whitespace(mut self, amount: Decimal) -> Self {
        self.whitespace[0] = Some(Amount::Plain(amount));
        self
    }
    /// Up-sell whitespace per year.
    pub fn upsell_whitespace(mut self, amount: Decimal) -> Self {
        self.whitespace[1] = Some(Amount::Plain(amount));
        self
    }
    /// Cross-sell whitespace per year.
    pub fn cross_sell_whitespace(mut self, amount: Decimal) -> Self {
        self.whitespace[2] = Some(Amount::Plain(amount));
        self
    }
    /// Likelihood of seizing the whitespace (0 to 1).
    pub fn growth_likelihood(mut self, p: f64) -> Self {
        if let Some(p) = self.check("growth.likelihood", Probability::new(p)) {
            self.growth.likelihood = Some(p);
        }
        self
    }
    /// Revenue growth over the last year (0.2 for +20 %).
    pub fn historical_growth(mut self, ratio: Decimal) -> Self {
        self.growth.historical_growth = Some(Ratio::new(ratio));
        self
    }
    /// Share of meetings attended (0 to 1).
    pub fn meeting_attendance(self, share: Decimal) -> Self {
        self.share("behaviour.meeting_attendance", share, |b, s| {
            b.meeting_attendance = Some(s)
        })
    }
    /// Share of the success plan carried out (0 to 1).
    pub fn plan_adherence(self, share: Decimal) -> Self {
        self.share("behaviour.plan_adherence", share, |b, s| {
            b.plan_adherence = Some(s)
        })
    }
    /// Goal changes over the period.
    pub fn goal_changes(mut self, count: u32) -> Self {
        self.behaviour.goal_changes = Some(count);
        self
    }
    /// Share of requests answered in time (0 to 1).
    pub fn responsiveness(self, share: Decimal) -> Self {
        self.share("behaviour.responsiveness", share, |b, s| {
            b.responsiveness = Some(s)
        })
    }
    /// Share of goals achieved (0 to 1).
    pub fn outcomes_achieved(self, share: Decimal) -> Self {
        self.share("behaviour.outcomes_achieved", share, |b, s| {
            b.outcomes_achieved = Some(s)
        })
    }
    /// Share of recommended content consumed (0 to 1).
    pub fn content_consumed(self, share: Decimal) -> Self {
        self.share("behaviour.content_consumed", share, |b, s| {
            b.content_consumed = Some(s)
        })
    }
    /// Stated intent to renew (0 to 1).
    pub fn renewal_intent(mut self, p: f64) -> Self {
        if let Some(p) = self.check("behaviour.renewal_intent", Probability::new(p)) {
            self.behaviour.renewal_intent = Some(p);
        }
        self
    }
    /// Net Promoter Score (-100 to 100).
    pub fn nps(mut self, score: i16) -> Self {
        if let Some(n) = self.check("behaviour.nps", Nps::new(score)) {
            self.behaviour.nps = Some(n);
        }
        self
    }
    /// Date of the last expectation reset.
    pub fn last_expectation_reset(mut self, date: NaiveDate) -> Self {
        self.last_expectation_reset = Some(date);
        self
    }
    /// Add a feature request.
    pub fn feature_request(mut self, title: impl Into<String>, scope: RequestScope) -> Self {
        self.feature_requests.push(FeatureRequest {
            title: title.into(),
            scope,
        });
        self
    }

    /// Validate and build.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] naming the customer and the field, for the first invalid value:
    /// an empty id or name; a missing or malformed currency; a missing period or one that ends
    /// before it starts; negative revenue, acquisition cost, whitespace or hours; a share or
    /// probability outside 0..=1; an amount in another currency; a contract whose term ends
    /// before it starts or whose notice is longer than its term; a missing signing date for a
    /// customer that is not a prospect, or one after the assessment period.
    pub fn build(self) -> Result<Customer> {
        let id = CustomerId::new(&self.id)?;
        let fail = |e: Error| e.for_customer(&id);
        if let Some(e) = self.first_error {
            return Err(fail(e));
        }
        let currency = match &self.currency {
            Some(code) => Currency::new(code).map_err(fail)?,
            None => return Err(fail(Error::invalid(None, "currency", Problem::Missing))),
        };
        let money = |amount: Amount| amount.in_currency(currency);
        let activity = match self.activity {
            Some(_) if self.period.is_some() || self.activity_parts => {
                return Err(fail(Error::invalid(
                    None,
                    "activity",
                    Problem::Rule {
                        rule: "set either the whole activity or its parts (period, tickets, hours, ...), not both".into(),
                    },
                )))
            }
            Some(activity) => activity,
            None => {
                let (start, end) = self.period.ok_or_else(|| {
                    fail(Error::invalid(None, "activity.period", Problem::Missing))
                })?;
                Activity {
                    period: AssessmentPeriod::new(start, end)
                        .map_err(|e| fail(e.within("activity")))?,
                    tickets: self.tickets,
                    engineering_hours: self.engineering_hours,
                    success_hours: self.success_hours,
                    executive_hours: self.executive_hours,
                    escalations: self.escalations,
                    implementation: self.implementation.map(|(hours, go_live, external)| {
                        Implementation {
                            hours,
                            go_live,
                            external_cost: external.map(money),
                        }
                    }),
                    custom_features: self.custom_features,
                    usage_units: self.usage_units,
                }
            }
        };
        let contract = match self.contract {
            Some(b) => Some(b.build().map_err(|e| fail(e.within("contract")))?),
            None => None,
        };
        let parent = match self.parent {
            Some(p) => Some(CustomerId::new(p).map_err(|e| fail(at_field(e, "parent")))?),
            None => None,
        };
        let [expansion, upsell, cross] = self.whitespace;
        let mut growth = self.growth;
        growth.expansion_whitespace = expansion.map(money).or(growth.expansion_whitespace);
        growth.upsell_whitespace = upsell.map(money).or(growth.upsell_whitespace);
        growth.cross_sell_whitespace = cross.map(money).or(growth.cross_sell_whitespace);
        Customer {
            id: id.clone(),
            name: self.name,
            currency,
            industry: self.industry,
            use_cases: self.use_cases,
            roadmap_interests: self.roadmap_interests,
            region: self.region,
            segment: self.segment,
            employees: self.employees,
            parent,
            account_owner: self.account_owner,
            acquisition_channel: self.acquisition_channel,
            plan: self.plan,
            product_version: self.product_version,
            stage: self.stage,
            customer_since: self.customer_since,
            recurring_revenue: money(self.recurring_revenue),
            one_time_revenue: money(self.one_time_revenue),
            acquisition_cost: self.acquisition_cost.map(money),
            contract,
            activity,
            logo: self.logo,
            growth,
            behaviour: self.behaviour,
            last_expectation_reset: self.last_expectation_reset,
            feature_requests: self.feature_requests,
            revenue: Money::zero(currency),
        }
        .validated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn since(date: NaiveDate) -> Customer {
        Customer::builder("t", "T")
            .currency("EUR")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(date)
            .build()
            .unwrap()
    }

    #[test]
    fn tenure_counts_whole_calendar_months() {
        let c = since(d(2025, 1, 31));
        assert_eq!(c.tenure_months(d(2025, 2, 28)), Some(0));
        assert_eq!(c.tenure_months(d(2025, 3, 31)), Some(2));
        assert_eq!(c.tenure_months(d(2024, 1, 1)), Some(0));
        assert_eq!(c.tenure_days(d(2025, 2, 1)), Some(1));
    }

    #[test]
    fn with_revenue_revalidates() {
        let c = since(d(2024, 1, 1));
        let eur = |s: &str| Money::new(s.parse().unwrap(), Currency::EUR);
        let more = c.clone().with_revenue(eur("100"), eur("5")).unwrap();
        assert_eq!(more.revenue(), eur("105"));
        assert!(c.with_revenue(eur("-1"), eur("0")).is_err());
    }
}
