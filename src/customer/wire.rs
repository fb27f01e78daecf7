//! The wire form of a customer: raw values checked by the same builder as
//! [`Customer::builder`], so that every error names the customer and the field.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::builder::Amount;
use crate::customer::activity::Severity;
use crate::customer::contract::ContractBuilder;
use crate::customer::{Customer, CustomerBuilder, FeatureRequest, LifecycleStage, LogoValue};
use crate::error::{Error, Result};
use crate::money::Money;

/// The wire form of a customer: raw values, checked by the same builder as
/// [`Customer::builder`], so every error names the customer and the field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CustomerRepr {
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
