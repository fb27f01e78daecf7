//! The wire form of a customer: raw values checked by the same builder as
//! [`Customer::builder`], so that every error names the customer and the field.

use std::marker::PhantomData;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::builder::Amount;
use crate::customer::activity::Severity;
use crate::customer::contract::ContractBuilder;
use crate::customer::{
    Customer, CustomerBuilder, FeatureRequest, LifecycleStage, LogoValue, RequestCounts, Tag,
};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::wire_path;

/// The wire form of a customer: raw values, checked by the same builder as
/// [`Customer::builder`], so every error names the customer and the field. Read by
/// [`CustomerVisitor`], which names them in the errors of the wire format too.
pub(super) struct CustomerRepr {
    id: String,
    name: String,
    currency: String,
    industry: Option<Tag>,
    use_cases: Vec<Tag>,
    roadmap_interests: Vec<Tag>,
    region: Option<Tag>,
    segment: Option<Tag>,
    employees: Option<u32>,
    parent: Option<String>,
    account_owner: Option<Tag>,
    acquisition_channel: Option<Tag>,
    plan: Option<Tag>,
    product_version: Option<Tag>,
    stage: LifecycleStage,
    customer_since: Option<NaiveDate>,
    recurring_revenue: Money,
    one_time_revenue: Option<Money>,
    acquisition_cost: Option<Money>,
    contract: Option<ContractBuilder>,
    activity: ActivityRepr,
    logo: LogoValue,
    growth: GrowthRepr,
    behavior: BehaviorRepr,
    last_expectation_reset: Option<NaiveDate>,
    feature_requests: Vec<FeatureRequest>,
    unnamed_feature_requests: RequestCounts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodRaw {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketRepr {
    severity: Severity,
    count: u32,
    #[serde(default)]
    handling_hours: Option<Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImplementationRepr {
    hours: Decimal,
    #[serde(default)]
    external_cost: Option<Money>,
    go_live: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityRepr {
    period: PeriodRaw,
    #[serde(default)]
    tickets: Vec<TicketRepr>,
    #[serde(default)]
    support_hours: Decimal,
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
    unnamed_custom_features: u32,
    #[serde(default)]
    usage_units: Decimal,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
struct BehaviorRepr {
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
        let mut b = CustomerBuilder::new(&r.id, r.name)
            .currency(&r.currency)
            .period(a.period.start, a.period.end)
            .stage(r.stage)
            .support_hours(a.support_hours)
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
            if let (Some((_, _, external)), Some(cost)) =
                (&mut b.parts.implementation, i.external_cost)
            {
                *external = Some(Amount::In(cost));
            }
        }
        b.parts.custom_features = a.custom_features;
        b.parts.unnamed_custom_features = a.unnamed_custom_features;
        b.parts.industry = r.industry;
        b.parts.use_cases = r.use_cases;
        b.parts.roadmap_interests = r.roadmap_interests;
        b.parts.region = r.region;
        b.parts.segment = r.segment;
        b.parts.employees = r.employees;
        b.parts.parent = r.parent.map(|p| crate::CustomerId::new(p).ok());
        b.parts.account_owner = r.account_owner;
        b.parts.acquisition_channel = r.acquisition_channel;
        b.parts.plan = r.plan;
        b.parts.product_version = r.product_version;
        b.parts.customer_since = r.customer_since;
        b.parts.recurring_revenue = Amount::In(r.recurring_revenue);
        b.parts.one_time_revenue = r
            .one_time_revenue
            .map_or(Amount::Plain(Decimal::ZERO), Amount::In);
        b.parts.acquisition_cost = r.acquisition_cost.map(Amount::In);
        b.parts.contract = r.contract.map(Box::new);
        b.parts.logo = r.logo;
        let g = r.growth;
        b.parts.whitespace = [
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
        let v = r.behavior;
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
        b.parts.last_expectation_reset = r.last_expectation_reset;
        b.parts.feature_requests = r.feature_requests;
        b.parts.unnamed_feature_requests = r.unnamed_feature_requests;
        b.build()
    }
}

/// Reads a customer record key by key, so that an error of the wire format (a value of the
/// wrong type, an unknown or missing field) names the customer — once its `id` has been read,
/// which exports put first — and the field, like the builder's errors do.
pub(super) struct CustomerVisitor;

/// `customer `id`: field `name`: message`, or without the customer before the id is known.
fn named<E: serde::de::Error>(id: Option<&str>, field: &str, message: impl std::fmt::Display) -> E {
    match id {
        Some(id) => E::custom(format_args!("customer `{id}`: field `{field}`: {message}")),
        None => E::custom(format_args!("field `{field}`: {message}")),
    }
}

/// The fields of a record, for the message of an unknown one.
const FIELDS: &[&str] = &[
    "id",
    "name",
    "currency",
    "industry",
    "use_cases",
    "roadmap_interests",
    "region",
    "segment",
    "employees",
    "parent",
    "account_owner",
    "acquisition_channel",
    "plan",
    "product_version",
    "stage",
    "customer_since",
    "recurring_revenue",
    "one_time_revenue",
    "acquisition_cost",
    "contract",
    "activity",
    "logo",
    "growth",
    "behavior",
    "last_expectation_reset",
    "feature_requests",
    "unnamed_feature_requests",
];

impl<'de> serde::de::Visitor<'de> for CustomerVisitor {
    type Value = Customer;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a customer record")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Customer, A::Error> {
        let mut id: Option<String> = None;
        macro_rules! fields {
            ($($field:ident: $ty:ty),* $(,)?) => {
                $(let mut $field: Option<$ty> = None;)*
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "id" => {
                            if id.is_some() {
                                return Err(named(id.as_deref(), "id", "given twice"));
                            }
                            id = Some(map.next_value::<String>().map_err(|e| named(None, "id", e))?);
                        }
                        $(stringify!($field) => {
                            if $field.is_some() {
                                return Err(named(id.as_deref(), &key, "given twice"));
                            }
                            let track = wire_path::Track::default();
                            let value = map.next_value_seed(wire_path::Seed::<$ty>(&track, PhantomData));
                            $field = Some(value.map_err(|e| {
                                let path = wire_path::join(&key, track.failed_at().as_deref());
                                let (path, message) = wire_path::locate(&path, &e.to_string());
                                named(id.as_deref(), &path, message)
                            })?);
                        })*
                        other => {
                            return Err(named(
                                id.as_deref(),
                                other,
                                format_args!("unknown field, expected one of {}", FIELDS.join(", ")),
                            ))
                        }
                    }
                }
            };
        }
        fields! {
            name: String,
            currency: String,
            industry: Option<Tag>,
            use_cases: Vec<Tag>,
            roadmap_interests: Vec<Tag>,
            region: Option<Tag>,
            segment: Option<Tag>,
            employees: Option<u32>,
            parent: Option<String>,
            account_owner: Option<Tag>,
            acquisition_channel: Option<Tag>,
            plan: Option<Tag>,
            product_version: Option<Tag>,
            stage: LifecycleStage,
            customer_since: Option<NaiveDate>,
            recurring_revenue: Money,
            one_time_revenue: Option<Money>,
            acquisition_cost: Option<Money>,
            contract: Option<ContractBuilder>,
            activity: ActivityRepr,
            logo: LogoValue,
            growth: GrowthRepr,
            behavior: BehaviorRepr,
            last_expectation_reset: Option<NaiveDate>,
            feature_requests: Vec<FeatureRequest>,
            unnamed_feature_requests: RequestCounts,
        }
        let idr = id.as_deref();
        let missing = |field: &str| named::<A::Error>(idr, field, "missing");
        let repr = CustomerRepr {
            id: id.clone().ok_or_else(|| missing("id"))?,
            name: name.ok_or_else(|| missing("name"))?,
            currency: currency.ok_or_else(|| missing("currency"))?,
            industry: industry.flatten(),
            use_cases: use_cases.unwrap_or_default(),
            roadmap_interests: roadmap_interests.unwrap_or_default(),
            region: region.flatten(),
            segment: segment.flatten(),
            employees: employees.flatten(),
            parent: parent.flatten(),
            account_owner: account_owner.flatten(),
            acquisition_channel: acquisition_channel.flatten(),
            plan: plan.flatten(),
            product_version: product_version.flatten(),
            stage: stage.ok_or_else(|| missing("stage"))?,
            customer_since: customer_since.flatten(),
            recurring_revenue: recurring_revenue.ok_or_else(|| missing("recurring_revenue"))?,
            one_time_revenue: one_time_revenue.flatten(),
            acquisition_cost: acquisition_cost.flatten(),
            contract: contract.flatten(),
            activity: activity.ok_or_else(|| missing("activity"))?,
            logo: logo.unwrap_or_default(),
            growth: growth.unwrap_or_default(),
            behavior: behavior.unwrap_or_default(),
            last_expectation_reset: last_expectation_reset.flatten(),
            feature_requests: feature_requests.unwrap_or_default(),
            unnamed_feature_requests: unnamed_feature_requests.unwrap_or_default(),
        };
        Customer::try_from(repr).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Customer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Customer, D::Error> {
        d.deserialize_map(CustomerVisitor)
    }
}
