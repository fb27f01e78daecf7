//! [`CustomerBuilder`]: plain values in, a validated [`Customer`] out.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::customer::activity::{
    Activity, AssessmentPeriod, Implementation, Severity, TicketGroup,
};
use crate::customer::contract::ContractBuilder;
use crate::customer::{
    Behavior, BrandTier, Customer, FeatureRequest, GrowthFacts, Level, LifecycleStage, LogoValue,
    RequestCounts, RequestScope, Tag,
};
use crate::error::{Error, Problem, Result};
use crate::id::CustomerId;
use crate::money::{Currency, Money};
use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};

/// An amount given as a plain number (in the customer's currency) or with its own currency
/// (checked against the customer's by validation).
#[derive(Debug, Clone, Copy)]
pub(super) enum Amount {
    Plain(Decimal),
    In(Money),
}

impl Amount {
    pub(super) fn in_currency(self, currency: Currency) -> Money {
        match self {
            Amount::Plain(d) => Money::new(d, currency),
            Amount::In(m) => m,
        }
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
    // Boxed, so that the by-value setters move a pointer, not the whole record.
    pub(super) parts: Box<Parts>,
}

/// The values a [`CustomerBuilder`] has been given.
///
/// The rare and the large parts (a whole activity, the contract, the first error) are boxed: a
/// `Parts` under 1 KiB is a small allocation for the allocator, which glibc serves without
/// consolidating its free lists first, as it does before every larger one.
#[derive(Debug, Clone)]
pub(super) struct Parts {
    /// `None`: blank, refused by `build`.
    pub(super) id: Option<CustomerId>,
    pub(super) name: String,
    /// Parsed when given; the text of a bad code is kept for `build` to refuse in its turn.
    pub(super) currency: Option<std::result::Result<Currency, Box<str>>>,
    pub(super) period: Option<(NaiveDate, NaiveDate)>,
    pub(super) industry: Option<Tag>,
    pub(super) use_cases: Vec<Tag>,
    pub(super) roadmap_interests: Vec<Tag>,
    pub(super) region: Option<Tag>,
    pub(super) segment: Option<Tag>,
    pub(super) employees: Option<u32>,
    /// Checked when given: `Some(None)` is a blank id, refused by `build` in its turn.
    pub(super) parent: Option<Option<CustomerId>>,
    pub(super) account_owner: Option<Tag>,
    pub(super) acquisition_channel: Option<Tag>,
    pub(super) plan: Option<Tag>,
    pub(super) product_version: Option<Tag>,
    pub(super) stage: LifecycleStage,
    pub(super) customer_since: Option<NaiveDate>,
    pub(super) recurring_revenue: Amount,
    pub(super) one_time_revenue: Amount,
    pub(super) acquisition_cost: Option<Amount>,
    pub(super) contract: Option<Box<ContractBuilder>>,
    pub(super) activity: Option<Box<Activity>>,
    /// Whether a setter of one part of the activity was used (conflicts with `activity`).
    pub(super) activity_parts: bool,
    pub(super) tickets: Vec<TicketGroup>,
    pub(super) support_hours: Hours,
    pub(super) engineering_hours: Hours,
    pub(super) success_hours: Hours,
    pub(super) executive_hours: Hours,
    pub(super) escalations: u32,
    pub(super) implementation: Option<(Hours, NaiveDate, Option<Amount>)>,
    pub(super) custom_features: Vec<String>,
    pub(super) unnamed_custom_features: u32,
    pub(super) usage_units: Quantity,
    pub(super) logo: LogoValue,
    pub(super) whitespace: [Option<Amount>; 3],
    pub(super) growth: GrowthFacts,
    pub(super) behavior: Behavior,
    pub(super) last_expectation_reset: Option<NaiveDate>,
    pub(super) feature_requests: Vec<FeatureRequest>,
    pub(super) unnamed_feature_requests: RequestCounts,
    pub(super) first_error: Option<Box<Error>>,
}

impl Default for Parts {
    /// Nothing given yet: no id, name or currency; revenues, hours, counts and usage zero;
    /// every optional fact absent; the stage active.
    fn default() -> Self {
        Parts {
            id: None,
            name: String::new(),
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
            support_hours: Hours::ZERO,
            engineering_hours: Hours::ZERO,
            success_hours: Hours::ZERO,
            executive_hours: Hours::ZERO,
            escalations: 0,
            implementation: None,
            custom_features: Vec::new(),
            unnamed_custom_features: 0,
            usage_units: Quantity::ZERO,
            logo: LogoValue::default(),
            whitespace: [None; 3],
            growth: GrowthFacts::default(),
            behavior: Behavior::default(),
            last_expectation_reset: None,
            feature_requests: Vec::new(),
            unnamed_feature_requests: RequestCounts::default(),
            first_error: None,
        }
    }
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
    pub(super) fn new(id: &str, name: String) -> Self {
        // Made where they live (today's `Box::default` writes in place, measured): built on
        // the stack and then boxed, the parts would be copied once more.
        let mut parts = Box::<Parts>::default();
        parts.id = CustomerId::new(id).ok();
        parts.name = name;
        CustomerBuilder { parts }
    }

    /// Keep the first error, with its field named.
    fn check<T>(&mut self, field: &str, value: Result<T>) -> Option<T> {
        match value {
            Ok(v) => Some(v),
            Err(e) => {
                if self.parts.first_error.is_none() {
                    self.parts.first_error = Some(Box::new(at_field(e, field)));
                }
                None
            }
        }
    }

    fn hours(mut self, field: &str, value: Decimal, set: fn(&mut Self, Hours)) -> Self {
        self.parts.activity_parts = true;
        if let Some(h) = self.check(field, Hours::new(value)) {
            set(&mut self, h);
        }
        self
    }

    fn share(mut self, field: &str, value: Decimal, set: fn(&mut Behavior, Share)) -> Self {
        if let Some(s) = self.check(field, Share::new(value)) {
            set(&mut self.parts.behavior, s);
        }
        self
    }

    /// ISO 4217 code of every amount (required).
    pub fn currency(mut self, code: &str) -> Self {
        self.parts.currency = Some(Currency::new(code).map_err(|_| code.into()));
        self
    }
    /// The assessment period, both ends inclusive (required).
    pub fn period(mut self, start: NaiveDate, end: NaiveDate) -> Self {
        self.parts.period = Some((start, end));
        self
    }
    /// Industry tag.
    pub fn industry(mut self, industry: impl Into<Tag>) -> Self {
        self.parts.industry = Some(industry.into());
        self
    }
    /// Add a use-case tag.
    pub fn use_case(mut self, use_case: impl Into<Tag>) -> Self {
        self.parts.use_cases.push(use_case.into());
        self
    }
    /// Add a roadmap theme the customer wants or would benefit from.
    pub fn roadmap_interest(mut self, theme: impl Into<Tag>) -> Self {
        self.parts.roadmap_interests.push(theme.into());
        self
    }
    /// Region tag.
    pub fn region(mut self, region: impl Into<Tag>) -> Self {
        self.parts.region = Some(region.into());
        self
    }
    /// Size or segment tag.
    pub fn segment(mut self, segment: impl Into<Tag>) -> Self {
        self.parts.segment = Some(segment.into());
        self
    }
    /// Number of employees.
    pub fn employees(mut self, employees: u32) -> Self {
        self.parts.employees = Some(employees);
        self
    }
    /// Parent account id.
    pub fn parent(mut self, parent: impl AsRef<str>) -> Self {
        self.parts.parent = Some(CustomerId::new(parent).ok());
        self
    }
    /// Account owner.
    pub fn account_owner(mut self, owner: impl Into<Tag>) -> Self {
        self.parts.account_owner = Some(owner.into());
        self
    }
    /// Acquisition channel.
    pub fn acquisition_channel(mut self, channel: impl Into<Tag>) -> Self {
        self.parts.acquisition_channel = Some(channel.into());
        self
    }
    /// Plan name.
    pub fn plan(mut self, plan: impl Into<Tag>) -> Self {
        self.parts.plan = Some(plan.into());
        self
    }
    /// Product version.
    pub fn product_version(mut self, version: impl Into<Tag>) -> Self {
        self.parts.product_version = Some(version.into());
        self
    }
    /// Lifecycle stage (default: active).
    pub fn stage(mut self, stage: LifecycleStage) -> Self {
        self.parts.stage = stage;
        self
    }
    /// Date the customer signed (required unless a prospect).
    pub fn customer_since(mut self, date: NaiveDate) -> Self {
        self.parts.customer_since = Some(date);
        self
    }
    /// Recurring revenue over the period.
    pub fn recurring_revenue(mut self, amount: Decimal) -> Self {
        self.parts.recurring_revenue = Amount::Plain(amount);
        self
    }
    /// One-time revenue over the period.
    pub fn one_time_revenue(mut self, amount: Decimal) -> Self {
        self.parts.one_time_revenue = Amount::Plain(amount);
        self
    }
    /// Customer acquisition cost.
    pub fn acquisition_cost(mut self, amount: Decimal) -> Self {
        self.parts.acquisition_cost = Some(Amount::Plain(amount));
        self
    }
    /// The contract; validated with the customer so that errors name it.
    pub fn contract(mut self, contract: ContractBuilder) -> Self {
        self.parts.contract = Some(Box::new(contract));
        self
    }
    /// The whole activity record at once; building fails if the period or any other activity
    /// setter is used as well, rather than dropping either silently.
    pub fn activity(mut self, activity: Activity) -> Self {
        self.parts.activity = Some(Box::new(activity));
        self
    }
    /// Add tickets of one severity, with their total handling hours if measured.
    pub fn tickets(mut self, severity: Severity, count: u32, hours: Option<Decimal>) -> Self {
        self.parts.activity_parts = true;
        let handling_hours = match hours.map(Hours::new) {
            Some(Ok(h)) => Some(h),
            Some(Err(e)) => {
                // Named only when refused (no allocation on the happy path), by the index this
                // group would get: one naming scheme with the record's other checks.
                let i = self.parts.tickets.len();
                let field = format!("activity.tickets[{i}].handling_hours");
                let _ = self.check::<Hours>(&field, Err(e));
                return self;
            }
            None => None,
        };
        self.parts.tickets.push(TicketGroup {
            severity,
            count,
            handling_hours,
        });
        self
    }
    /// Engineering hours on customer-specific work.
    /// Support hours not tied to tickets (chat, calls), priced at the support rate.
    pub fn support_hours(self, hours: Decimal) -> Self {
        self.hours("activity.support_hours", hours, |b, h| {
            b.parts.support_hours = h
        })
    }
    /// Engineering hours on work for this customer alone.
    pub fn engineering_hours(self, hours: Decimal) -> Self {
        self.hours("activity.engineering_hours", hours, |b, h| {
            b.parts.engineering_hours = h
        })
    }
    /// Customer-success hours.
    pub fn success_hours(self, hours: Decimal) -> Self {
        self.hours("activity.success_hours", hours, |b, h| {
            b.parts.success_hours = h
        })
    }
    /// Executive hours.
    pub fn executive_hours(self, hours: Decimal) -> Self {
        self.hours("activity.executive_hours", hours, |b, h| {
            b.parts.executive_hours = h
        })
    }
    /// Escalations to management.
    pub fn escalations(mut self, count: u32) -> Self {
        self.parts.activity_parts = true;
        self.parts.escalations = count;
        self
    }
    /// An implementation project of `hours`, live on `go_live`, with an optional external cost.
    pub fn implementation(
        mut self,
        hours: Decimal,
        go_live: NaiveDate,
        external_cost: Option<Decimal>,
    ) -> Self {
        self.parts.activity_parts = true;
        if let Some(h) = self.check("activity.implementation.hours", Hours::new(hours)) {
            self.parts.implementation = Some((h, go_live, external_cost.map(Amount::Plain)));
        }
        self
    }
    /// Add a custom feature kept alive for this customer.
    pub fn custom_feature(mut self, name: impl Into<String>) -> Self {
        self.parts.activity_parts = true;
        self.parts.custom_features.push(name.into());
        self
    }
    /// Custom features known only by their number (an export that counts them), beside the
    /// named ones: they cost and score like named features; a lever to remove them counts
    /// them. Sets the count.
    pub fn unnamed_custom_features(mut self, count: u32) -> Self {
        self.parts.activity_parts = true;
        self.parts.unnamed_custom_features = count;
        self
    }
    /// Usage units for per-unit COGS.
    pub fn usage_units(mut self, units: Decimal) -> Self {
        self.parts.activity_parts = true;
        if let Some(q) = self.check("activity.usage_units", Quantity::new(units)) {
            self.parts.usage_units = q;
        }
        self
    }
    /// Willing to be a reference.
    pub fn referenceable(mut self, yes: bool) -> Self {
        self.parts.logo.referenceable = Some(yes);
        self
    }
    /// Agreed to a case study.
    pub fn case_study(mut self, yes: bool) -> Self {
        self.parts.logo.case_study = Some(yes);
        self
    }
    /// Brand tier.
    pub fn brand_tier(mut self, tier: BrandTier) -> Self {
        self.parts.logo.brand_tier = Some(tier);
        self
    }
    /// Strategic positioning value.
    pub fn strategic_positioning(mut self, level: Level) -> Self {
        self.parts.logo.strategic_positioning = Some(level);
        self
    }
    /// Quality of product feedback.
    pub fn feedback_quality(mut self, level: Level) -> Self {
        self.parts.logo.feedback_quality = Some(level);
        self
    }
    /// Expansion whitespace per year.
    pub fn expansion_whitespace(mut self, amount: Decimal) -> Self {
        self.parts.whitespace[0] = Some(Amount::Plain(amount));
        self
    }
    /// Up-sell whitespace per year.
    pub fn upsell_whitespace(mut self, amount: Decimal) -> Self {
        self.parts.whitespace[1] = Some(Amount::Plain(amount));
        self
    }
    /// Cross-sell whitespace per year.
    pub fn cross_sell_whitespace(mut self, amount: Decimal) -> Self {
        self.parts.whitespace[2] = Some(Amount::Plain(amount));
        self
    }
    /// Likelihood of seizing the whitespace (0 to 1).
    pub fn growth_likelihood(mut self, p: f64) -> Self {
        if let Some(p) = self.check("growth.likelihood", Probability::new(p)) {
            self.parts.growth.likelihood = Some(p);
        }
        self
    }
    /// Revenue growth over the last year (0.2 for +20 %).
    pub fn historical_growth(mut self, ratio: Decimal) -> Self {
        self.parts.growth.historical_growth = Some(Ratio::new(ratio));
        self
    }
    /// Share of meetings attended (0 to 1).
    pub fn meeting_attendance(self, share: Decimal) -> Self {
        self.share("behavior.meeting_attendance", share, |b, s| {
            b.meeting_attendance = Some(s)
        })
    }
    /// Share of the success plan carried out (0 to 1).
    pub fn plan_adherence(self, share: Decimal) -> Self {
        self.share("behavior.plan_adherence", share, |b, s| {
            b.plan_adherence = Some(s)
        })
    }
    /// Goal changes over the period.
    pub fn goal_changes(mut self, count: u32) -> Self {
        self.parts.behavior.goal_changes = Some(count);
        self
    }
    /// Share of requests answered in time (0 to 1).
    pub fn responsiveness(self, share: Decimal) -> Self {
        self.share("behavior.responsiveness", share, |b, s| {
            b.responsiveness = Some(s)
        })
    }
    /// Share of goals achieved (0 to 1).
    pub fn outcomes_achieved(self, share: Decimal) -> Self {
        self.share("behavior.outcomes_achieved", share, |b, s| {
            b.outcomes_achieved = Some(s)
        })
    }
    /// Share of recommended content consumed (0 to 1).
    pub fn content_consumed(self, share: Decimal) -> Self {
        self.share("behavior.content_consumed", share, |b, s| {
            b.content_consumed = Some(s)
        })
    }
    /// Stated intent to renew (0 to 1).
    pub fn renewal_intent(mut self, p: f64) -> Self {
        if let Some(p) = self.check("behavior.renewal_intent", Probability::new(p)) {
            self.parts.behavior.renewal_intent = Some(p);
        }
        self
    }
    /// Net Promoter Score (-100 to 100).
    pub fn nps(mut self, score: i16) -> Self {
        if let Some(n) = self.check("behavior.nps", Nps::new(score)) {
            self.parts.behavior.nps = Some(n);
        }
        self
    }
    /// Date of the last expectation reset.
    pub fn last_expectation_reset(mut self, date: NaiveDate) -> Self {
        self.parts.last_expectation_reset = Some(date);
        self
    }
    /// Add a feature request.
    pub fn feature_request(mut self, title: impl Into<String>, scope: RequestScope) -> Self {
        self.parts.feature_requests.push(FeatureRequest {
            title: title.into(),
            scope,
        });
        self
    }

    /// Feature requests of `scope` known only by their number (an export that counts them),
    /// beside the named ones. Sets the count of that scope.
    pub fn unnamed_feature_requests(mut self, scope: RequestScope, count: u32) -> Self {
        let counts = &mut self.parts.unnamed_feature_requests;
        match scope {
            RequestScope::Broad => counts.broad = count,
            RequestScope::Custom => counts.custom = count,
        }
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
    pub fn build(mut self) -> Result<Customer> {
        let id = self
            .parts
            .id
            .take()
            .ok_or_else(|| Error::invalid(None, "id", Problem::Empty))?;
        let fail = |e: Error| e.for_customer(&id);
        if let Some(e) = self.parts.first_error {
            return Err(fail(*e));
        }
        let currency = match self.parts.currency.take() {
            Some(Ok(currency)) => currency,
            Some(Err(code)) => return Err(fail(Currency::refused(&code))),
            None => return Err(fail(Error::invalid(None, "currency", Problem::Missing))),
        };
        let money = |amount: Amount| amount.in_currency(currency);
        let activity = match self.parts.activity {
            Some(_) if self.parts.period.is_some() || self.parts.activity_parts => {
                return Err(fail(Error::invalid(
                    None,
                    "activity",
                    Problem::Rule {
                        rule: "set either the whole activity or its parts (period, tickets, hours, ...), not both".into(),
                    },
                )))
            }
            Some(activity) => *activity,
            None => {
                let (start, end) = self.parts.period.ok_or_else(|| {
                    fail(Error::invalid(None, "activity.period", Problem::Missing))
                })?;
                Activity {
                    period: AssessmentPeriod::new(start, end)
                        .map_err(|e| fail(e.within("activity")))?,
                    tickets: self.parts.tickets,
                    support_hours: self.parts.support_hours,
                    engineering_hours: self.parts.engineering_hours,
                    success_hours: self.parts.success_hours,
                    executive_hours: self.parts.executive_hours,
                    escalations: self.parts.escalations,
                    implementation: self.parts.implementation.map(|(hours, go_live, external)| {
                        Implementation {
                            hours,
                            go_live,
                            external_cost: external.map(money),
                        }
                    }),
                    custom_features: self.parts.custom_features,
                    unnamed_custom_features: self.parts.unnamed_custom_features,
                    usage_units: self.parts.usage_units,
                }
            }
        };
        let contract = match self.parts.contract {
            Some(b) => Some(b.build().map_err(|e| fail(e.within("contract")))?),
            None => None,
        };
        let parent = match self.parts.parent {
            Some(Some(p)) => Some(p),
            Some(None) => return Err(fail(Error::invalid(None, "parent", Problem::Empty))),
            None => None,
        };
        let [expansion, upsell, cross] = self.parts.whitespace;
        let mut growth = self.parts.growth;
        growth.expansion_whitespace = expansion.map(money).or(growth.expansion_whitespace);
        growth.upsell_whitespace = upsell.map(money).or(growth.upsell_whitespace);
        growth.cross_sell_whitespace = cross.map(money).or(growth.cross_sell_whitespace);
        let mut customer = Customer {
            id,
            name: self.parts.name,
            currency,
            industry: self.parts.industry,
            use_cases: self.parts.use_cases,
            roadmap_interests: self.parts.roadmap_interests,
            region: self.parts.region,
            segment: self.parts.segment,
            employees: self.parts.employees,
            parent,
            account_owner: self.parts.account_owner,
            acquisition_channel: self.parts.acquisition_channel,
            plan: self.parts.plan,
            product_version: self.parts.product_version,
            stage: self.parts.stage,
            customer_since: self.parts.customer_since,
            recurring_revenue: money(self.parts.recurring_revenue),
            one_time_revenue: money(self.parts.one_time_revenue),
            acquisition_cost: self.parts.acquisition_cost.map(money),
            contract,
            activity,
            logo: self.parts.logo,
            growth,
            behavior: self.parts.behavior,
            last_expectation_reset: self.parts.last_expectation_reset,
            feature_requests: self.parts.feature_requests,
            unnamed_feature_requests: self.parts.unnamed_feature_requests,
            revenue: Money::zero(currency),
        };
        customer.revenue = customer.check()?;
        Ok(customer)
    }
}
