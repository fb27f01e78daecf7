//! The customer record: identity, tags, revenue, contract, activity and the signals that fit
//! is judged on.

pub(crate) mod activity;
pub(crate) mod contract;

mod builder;
pub(crate) mod compact;
mod facts;
mod tag;
mod wire;

pub use crate::id::CustomerId;
pub use activity::{Activity, AssessmentPeriod, Implementation, Severity, TicketGroup};
pub use builder::CustomerBuilder;
pub use contract::{
    Contract, ContractBuilder, Sla, SlaTier, VendorTermination, MAX_OBLIGATION_DAYS,
    MAX_RENEWAL_TERM_MONTHS,
};
pub use facts::{
    Behavior, BrandTier, FeatureRequest, GrowthFacts, Level, LifecycleStage, LogoValue,
    RequestCounts, RequestScope,
};
pub use tag::{Tag, TagSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Problem, Result};
use crate::id::is_blank;
use crate::money::{Currency, Money};

/// A customer, valid by construction.
///
/// All money is in the customer's one currency; revenue and activity are totals over the
/// assessment period of [`Customer::activity`]. Build one with [`Customer::builder`];
/// deserializing goes through the same validation.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::Customer;
/// use custfit::customer::LifecycleStage;
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
/// assert_eq!(c.revenue().to_string(), "120000.00 EUR");
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    id: CustomerId,
    name: String,
    currency: Currency,
    #[serde(default)]
    industry: Option<Tag>,
    #[serde(default)]
    use_cases: Vec<Tag>,
    #[serde(default)]
    roadmap_interests: Vec<Tag>,
    #[serde(default)]
    region: Option<Tag>,
    #[serde(default)]
    segment: Option<Tag>,
    #[serde(default)]
    employees: Option<u32>,
    #[serde(default)]
    parent: Option<CustomerId>,
    #[serde(default)]
    account_owner: Option<Tag>,
    #[serde(default)]
    acquisition_channel: Option<Tag>,
    #[serde(default)]
    plan: Option<Tag>,
    #[serde(default)]
    product_version: Option<Tag>,
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
    behavior: Behavior,
    #[serde(default)]
    last_expectation_reset: Option<NaiveDate>,
    #[serde(default)]
    feature_requests: Vec<FeatureRequest>,
    #[serde(default, skip_serializing_if = "RequestCounts::is_empty")]
    unnamed_feature_requests: RequestCounts,
    #[serde(skip)]
    revenue: Money,
}

impl Customer {
    /// Start building a customer with its id and display name.
    ///
    /// The currency and the assessment period are required; everything else has a default
    /// (no revenue, no activity, stage [`LifecycleStage::Active`], no optional facts).
    pub fn builder(id: impl AsRef<str>, name: impl Into<String>) -> CustomerBuilder {
        CustomerBuilder::new(id.as_ref(), name.into())
    }

    /// Check every cross-field rule, the bounds of amounts and quantities, and compute the
    /// derived revenue total.
    fn validated(mut self) -> Result<Self> {
        self.revenue = self.check()?;
        Ok(self)
    }

    /// Every rule of [`validated`](Self::validated), without moving the customer: its revenue.
    pub(super) fn check(&self) -> Result<Money> {
        let id = &self.id;
        let bad = |field: &str, problem: Problem| Error::invalid(Some(id), field, problem);
        if is_blank(&self.name) {
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
            check_bounded(money.amount(), MAX_MONEY).map_err(|p| bad(field, p))?;
        }
        let a = &self.activity;
        // No allocation: building a customer is on the hot path of every import.
        let quantities = [
            ("activity.support_hours", a.support_hours.get()),
            ("activity.engineering_hours", a.engineering_hours.get()),
            ("activity.success_hours", a.success_hours.get()),
            ("activity.executive_hours", a.executive_hours.get()),
            ("activity.usage_units", a.usage_units.get()),
            (
                "activity.implementation.hours",
                a.implementation
                    .as_ref()
                    .map_or(Decimal::ZERO, |i| i.hours.get()),
            ),
        ];
        for (field, value) in quantities {
            check_bounded(value, MAX_QUANTITY).map_err(|p| bad(field, p))?;
        }
        if let Some(sla) = self.contract.as_ref().map(Contract::sla) {
            check_bounded(sla.standby_hours_per_month.get(), MAX_QUANTITY)
                .map_err(|p| bad("contract.sla.standby_hours_per_month", p))?;
            if let Some(h) = sla.first_response_hours {
                check_bounded(h.get(), MAX_QUANTITY)
                    .map_err(|p| bad("contract.sla.first_response_hours", p))?;
            }
        }
        // Counts that price money (tickets, escalations, custom features) or count towards
        // scores: at most as many as the largest quantity, so that no line of a bounded
        // customer exceeds what the totals are exact for.
        let counts = [
            ("activity.escalations", u64::from(a.escalations)),
            (
                "activity.unnamed_custom_features",
                u64::from(a.unnamed_custom_features),
            ),
            (
                "unnamed_feature_requests.broad",
                u64::from(self.unnamed_feature_requests.broad),
            ),
            (
                "unnamed_feature_requests.custom",
                u64::from(self.unnamed_feature_requests.custom),
            ),
            (
                "behavior.goal_changes",
                self.behavior.goal_changes.map_or(0, u64::from),
            ),
        ];
        for (field, n) in counts {
            check_count(n).map_err(|p| bad(field, p))?;
        }
        for (i, t) in a.tickets.iter().enumerate() {
            check_count(u64::from(t.count))
                .map_err(|p| bad(&format!("activity.tickets[{i}].count"), p))?;
        }
        for (i, t) in a.tickets.iter().enumerate() {
            if let Some(h) = t.handling_hours {
                check_bounded(h.get(), MAX_QUANTITY)
                    .map_err(|p| bad(&format!("activity.tickets[{i}].handling_hours"), p))?;
            }
        }
        let revenue = self
            .recurring_revenue
            .checked_add(self.one_time_revenue)
            .map_err(|e| Error::arithmetic(Some(id), "revenue", e))?;
        self.growth
            .whitespace()
            .map_err(|e| Error::arithmetic(Some(id), "growth.whitespace", e))?;
        if let Some(g) = self.growth.historical_growth {
            if g.get() < Decimal::NEGATIVE_ONE || g.get() > MAX_GROWTH {
                return Err(bad(
                    "growth.historical_growth",
                    Problem::OutOfRange {
                        value: g.get().to_string(),
                        allowed: format!("-1..={MAX_GROWTH}"),
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
            if tag.as_deref().is_some_and(is_blank) {
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
        fn blank<T: AsRef<str>>(list: &[T]) -> Option<usize> {
            list.iter().position(|s| is_blank(s.as_ref()))
        }
        let texts = [
            ("use_cases", blank(&self.use_cases)),
            ("roadmap_interests", blank(&self.roadmap_interests)),
            (
                "activity.custom_features",
                blank(&self.activity.custom_features),
            ),
        ];
        for (field, at) in texts {
            if let Some(i) = at {
                return Err(bad(&format!("{field}[{i}]"), Problem::Empty));
            }
        }
        if let Some(i) = self
            .feature_requests
            .iter()
            .position(|r| is_blank(&r.title))
        {
            return Err(bad(&format!("feature_requests[{i}].title"), Problem::Empty));
        }
        Ok(revenue)
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
    pub fn use_cases(&self) -> &[Tag] {
        &self.use_cases
    }
    /// Themes of our roadmap the customer wants or would benefit from.
    pub fn roadmap_interests(&self) -> &[Tag] {
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
    /// Behavior and success signals.
    pub fn behavior(&self) -> &Behavior {
        &self.behavior
    }
    /// The optional facts, to set one to a valid value (what-to-collect re-decides with it).
    pub(crate) fn optional_facts_mut(
        &mut self,
    ) -> (&mut LogoValue, &mut GrowthFacts, &mut Behavior) {
        (&mut self.logo, &mut self.growth, &mut self.behavior)
    }
    /// The date of the last expectation reset, if any.
    pub fn last_expectation_reset(&self) -> Option<NaiveDate> {
        self.last_expectation_reset
    }
    /// Feature requests known by title.
    pub fn feature_requests(&self) -> &[FeatureRequest] {
        &self.feature_requests
    }
    /// Feature requests known only by their number.
    pub fn unnamed_feature_requests(&self) -> RequestCounts {
        self.unnamed_feature_requests
    }
    /// All feature requests of `scope`, named or not.
    pub fn feature_request_count(&self, scope: RequestScope) -> u64 {
        let named = self
            .feature_requests
            .iter()
            .filter(|r| r.scope == scope)
            .count() as u64;
        named + u64::from(self.unnamed_feature_requests.get(scope))
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

    /// The same customer with these feature requests (known by title) instead of its own,
    /// re-validated.
    ///
    /// # Errors
    ///
    /// As [`CustomerBuilder::build`], for example for a request with an empty title.
    pub fn with_feature_requests(mut self, requests: Vec<FeatureRequest>) -> Result<Customer> {
        self.feature_requests = requests;
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

/// The largest money amount accepted on a customer record: 10^12 in its currency.
///
/// With at most [`MAX_DECIMALS`] decimal places, any total of up to 10^9 such amounts is
/// below 10^21 with four decimals — 25 significant digits, within `Decimal`'s 28 — so every
/// portfolio total is exact, whatever the order of addition or the sharding, and cannot
/// overflow.
pub const MAX_MONEY: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The largest hours or usage quantity accepted on a customer record: 10^9.
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// The most decimal places accepted on amounts and quantities of a customer record.
pub const MAX_DECIMALS: u32 = 4;

/// The largest count accepted on a customer record (tickets of a group, escalations, custom
/// features and feature requests counted by number, goal changes): 10^9, as for quantities.
pub const MAX_COUNT: u64 = 1_000_000_000;

/// The largest revenue growth over a year accepted on a customer record, as a ratio: 1,000
/// (+100,000 %); the smallest is -1 (all revenue lost).
pub const MAX_GROWTH: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);

/// `n` at most [`MAX_COUNT`].
#[inline]
pub(crate) fn check_count(n: u64) -> std::result::Result<(), Problem> {
    if n <= MAX_COUNT {
        Ok(())
    } else {
        Err(Problem::OutOfRange {
            value: n.to_string(),
            allowed: format!("0..={MAX_COUNT}"),
        })
    }
}

/// `value` within `-max..=max` with at most [`MAX_DECIMALS`] decimal places (trailing zeros
/// do not count).
///
/// Inlined, so that the usual value is decided without a call (a customer has a dozen).
#[inline]
pub(crate) fn check_bounded(value: Decimal, max: Decimal) -> std::result::Result<(), Problem> {
    // The usual value has few decimals and a small mantissa: decide it without normalizing
    // or aligning scales (both bounds are whole numbers, so |m| / 10^s <= max when |m| <= max).
    let small = value.mantissa().unsigned_abs() <= max.mantissa().unsigned_abs();
    let few_decimals = value.scale() <= MAX_DECIMALS;
    if small && few_decimals && max.scale() == 0 {
        return Ok(());
    }
    check_bounded_exactly(value, max)
}

/// [`check_bounded`] for a value its quick test does not decide.
#[cold]
#[inline(never)]
fn check_bounded_exactly(value: Decimal, max: Decimal) -> std::result::Result<(), Problem> {
    if value.abs() > max || value.normalize().scale() > MAX_DECIMALS {
        return Err(Problem::OutOfRange {
            value: value.to_string(),
            allowed: format!("0..={max}, at most {MAX_DECIMALS} decimal places"),
        });
    }
    Ok(())
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
