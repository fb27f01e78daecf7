//! A provisional let-go (DESIGN "Decide on the facts at hand"): an offboarding that unknown
//! facts could still plausibly change, with the facts to confirm, the date by which to confirm
//! them, and what missing that date costs.

use std::fmt;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::InputSet;
use crate::customer::Customer;
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::policy::exit::{ExitConfig, ExitOption, ExitPlan, ExitRoute};

/// The state of an offboarding that unknown facts could still change: it is decided on the
/// facts at hand, with its exit plan, so that no notice deadline passes unseen while the facts
/// are collected.
///
/// - **Confirm by**: the notice deadline of the exit chosen, less the policy's lead time
///   (`confirm_lead_days`), but never before the assessment date. Where that is today or has
///   passed — termination for convenience and no contract can be given notice any day, a
///   renewal deadline may be near — the date is the assessment date and the let-go is
///   **urgent**; the plan is then the cheapest exit still open.
/// - **Cost of missing it**: missing the confirm-by date means missing the notice deadline it
///   leads. The cost is the money of the exit chosen less that of the cheapest exit still open
///   the day after that deadline (the day after the confirm-by date when it is urgent), both
///   counted from the assessment date: the margin of serving until the end of service, less
///   the fee of an early exit. For a loss-maker whose contract renews, it is a further term of
///   losses; for one that can leave any day, a day's loss. It is negative when serving longer
///   earns money.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Action, Config, Contract, Customer, PolicyContext, RecommendationPolicy};
/// use custfit::assessment::Input;
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let config = Config::default();
/// let (assessor, policy) = (config.assessor()?, config.policy()?);
/// // Losing money, with known low growth and no logo value; no behavior fact recorded. Its
/// // contract renews on 30 June unless notice is given 60 days before.
/// let customer = Customer::builder("C-120", "Marlin Events").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2022, 7, 1))
///     .recurring_revenue(Decimal::from(30_000)).engineering_hours(Decimal::from(900))
///     .expansion_whitespace(Decimal::ZERO)
///     .referenceable(false).case_study(false)
///     .brand_tier(custfit::customer::BrandTier::Local)
///     .strategic_positioning(custfit::customer::Level::Low)
///     .feedback_quality(custfit::customer::Level::Low)
///     .contract(Contract::builder(d(2025, 7, 1), d(2026, 6, 30)).auto_renews(true).renewal_notice_days(60))
///     .build()?;
/// let a = assessor.assess(&customer, d(2026, 1, 15))?;
/// let r = policy.recommend(&customer, &a, &PolicyContext::default())?;
/// assert_eq!(r.action, Action::Offboard);
/// let p = r.provisional.as_ref().expect("unknown behavior facts could still change it");
/// assert!(p.to_confirm.contains(Input::GoalChanges));
/// // The notice deadline is 1 May; confirm two weeks before.
/// assert_eq!(r.exit_plan.as_ref().unwrap().chosen.notice_deadline, d(2026, 5, 1));
/// assert_eq!((p.confirm_by, p.urgent), (d(2026, 4, 17), false));
/// // Missing it costs a further year of losses: the service would end on 30 June 2027.
/// assert_eq!(a.cost.gross_margin.to_string(), "-92760.00 USD");
/// assert_eq!(p.if_missed.end_of_service, d(2027, 6, 30));
/// assert_eq!(p.cost_of_missing.to_string(), "92760.00 USD");
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provisional {
    /// The unknown facts that could still change the let-go: what to confirm.
    pub to_confirm: InputSet,
    /// Confirm them by this date.
    pub confirm_by: NaiveDate,
    /// Whether the notice deadline less the lead time is today or has passed: confirm now.
    pub urgent: bool,
    /// The notice deadline of the exit chosen, which the confirm-by date leads.
    pub notice_deadline: NaiveDate,
    /// The cheapest exit still open once that deadline is missed.
    pub if_missed: ExitOption,
    /// What missing the confirm-by date costs (see above).
    pub cost_of_missing: Money,
}

/// The money of `option` counted from the day after `from`: the margin of serving until its
/// end of service, less the fee of an early exit.
fn value_from(
    customer: &Customer,
    option: &ExitOption,
    from: NaiveDate,
    margin_per_day: Money,
) -> Result<Money> {
    let days = (option.end_of_service - from).num_days().max(0);
    let fee = match option.route {
        ExitRoute::TerminationForConvenience => option.money,
        _ => Money::zero(margin_per_day.currency()),
    };
    margin_per_day
        .checked_mul(Decimal::from(days))
        .map(Money::round)
        .and_then(|serve| serve.checked_add(fee))
        .map_err(|e| Error::arithmetic(Some(customer.id()), "provisional.cost_of_missing", e))
}

impl Provisional {
    /// The provisional state of the let-go of `customer` planned by `plan`, whose facts
    /// `to_confirm` are unknown; `margin_per_day` is the money of serving on.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer when a date leaves chrono's range or money
    /// overflows.
    pub(crate) fn new(
        customer: &Customer,
        margin_per_day: Money,
        plan: &ExitPlan,
        to_confirm: InputSet,
        lead_days: u32,
        config: &ExitConfig,
    ) -> Result<Provisional> {
        let as_of = plan.as_of;
        let notice_deadline = plan.chosen.notice_deadline;
        let led = notice_deadline.checked_sub_days(Days::new(u64::from(lead_days)));
        let (confirm_by, urgent) = match led {
            Some(date) if date > as_of => (date, false),
            _ => (as_of, true),
        };
        let missed_on = confirm_by.max(notice_deadline).succ_opt().ok_or_else(|| {
            Error::arithmetic(
                Some(customer.id()),
                "provisional.confirm_by",
                Problem::Rule {
                    rule: "a date leaves the supported range".into(),
                },
            )
        })?;
        let later = ExitPlan::new(customer, margin_per_day, missed_on, config)?;
        let now = value_from(customer, &plan.chosen, as_of, margin_per_day)?;
        let then = value_from(customer, &later.chosen, as_of, margin_per_day)?;
        let cost_of_missing = now.checked_sub(then).map_err(|e| {
            Error::arithmetic(Some(customer.id()), "provisional.cost_of_missing", e)
        })?;
        Ok(Provisional {
            to_confirm,
            confirm_by,
            urgent,
            notice_deadline,
            if_missed: later.chosen,
            cost_of_missing,
        })
    }
}

impl fmt::Display for Provisional {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("provisional: confirm ")?;
        for (i, input) in self.to_confirm.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(input.collect_label())?;
        }
        write!(f, " by {}", self.confirm_by)?;
        if self.urgent {
            f.write_str(" (urgent)")?;
        }
        write!(
            f,
            "; missing it costs {} ({} ending {})",
            self.cost_of_missing, self.if_missed.route, self.if_missed.end_of_service
        )
    }
}
