//! Recommendations: invest, retain, restructure (with quantified levers), offboard (with a
//! contract-aware exit plan), or decline a prospect — each with its reasons, a review date and
//! its expected effect.
//!
//! [`RecommendationPolicy`] is the pluggable step; [`DefaultPolicy`] follows the articles:
//! never decide on one signal alone; new customers with growth potential get time; logo value
//! can justify a low margin; product shapers are kept; a bad fit is restructured first when the
//! levers can fix its margin, else let go with help; a bad customer gets one expectation reset
//! and is let go if its behavior persists in a period after that reset; dogs are let go; a
//! customer flagged as part of a systemic problem is never let go for that reason; a churned
//! customer gets a look back, not an action.
//!
//! Decisions rest on known facts (DESIGN "Evidence is known or unknown"): an unknown fact
//! never supplies a signal for a harsher action, and a customer is not let go while an unknown
//! fact could make the decision milder ([`Rule::PendingFacts`]).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::Input;
use crate::assessment::{FitAssessment, FitClass, Quadrant};
use crate::cost::RoleHours;
use crate::customer::{Customer, CustomerId};
use crate::error::Result;
use crate::money::Money;
use crate::policy::exit::ExitPlan;
use crate::policy::levers::LeverPlan;
use crate::policy::provisional::Provisional;

pub use crate::policy::rule::{Action, Because, LetGoSignal, Rule};

/// Expected effect of a recommendation over the assessment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    /// Revenue lost (offboarding, declining).
    pub revenue_lost: Money,
    /// Revenue gained (repricing at renewal).
    pub revenue_gained: Money,
    /// Margin gained (the loss no longer made, or the levers' gain).
    pub margin_gained: Money,
    /// Hours freed per role for other customers and the roadmap.
    pub hours_freed: RoleHours,
}

impl Effect {
    /// No effect: nothing lost, gained or freed.
    pub fn none(currency: crate::units::Currency) -> Effect {
        Effect {
            revenue_lost: Money::zero(currency),
            revenue_gained: Money::zero(currency),
            margin_gained: Money::zero(currency),
            hours_freed: RoleHours::default(),
        }
    }
}

/// A recommendation for one customer.
///
/// # Example
///
/// Assess a customer, then read what the [`DefaultPolicy`](crate::DefaultPolicy) recommends
/// and why:
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Action, Config, Customer, PolicyContext, RecommendationPolicy};
/// use custfit::policy::Rule;
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let config = Config::default();
/// let (assessor, policy) = (config.assessor()?, config.policy()?);
/// // 260 engineering hours on 38,000 of revenue: a loss; nothing is known about growth.
/// let customer = Customer::builder("C-007", "Hollin Distribution")
///     .currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31))
///     .customer_since(d(2022, 5, 1))
///     .recurring_revenue(Decimal::from(38_000))
///     .engineering_hours(Decimal::from(260))
///     .success_hours(Decimal::from(120))
///     .build()?;
/// let assessment = assessor.assess(&customer, d(2026, 1, 15))?;
/// let rec = policy.recommend(&customer, &assessment, &PolicyContext::default())?;
/// assert_eq!(rec.action, Action::Restructure);
/// // The deciding rule comes first, then the evidence.
/// assert_eq!(rec.rule(), Some(Rule::UnprofitableGrowthUnknown));
/// assert!(rec.reasons[0].to_string().starts_with("loses money; growth potential unknown"));
/// assert_eq!(rec.reasons.len(), 3);
/// assert!(rec.levers.is_some() && rec.exit_plan.is_none());
/// assert_eq!(rec.review_on, d(2026, 4, 15)); // a restructure is reviewed after 3 months
/// # Ok(())
/// # }
/// ```
///
/// A policy of your own builds its recommendations with [`Recommendation::new`], giving its
/// reasons as [`Because::Custom`]:
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Action, Config, Customer, FitAssessment, PolicyContext};
/// use custfit::{Recommendation, RecommendationPolicy};
/// use custfit::policy::{Because, Effect};
/// use rust_decimal::Decimal;
///
/// /// Margin first: restructure whoever loses money, retain the rest.
/// struct MarginFirst;
///
/// impl RecommendationPolicy for MarginFirst {
///     fn recommend(
///         &self, c: &Customer, a: &FitAssessment, _: &PolicyContext,
///     ) -> custfit::Result<Recommendation> {
///         let margin = a.cost.gross_margin;
///         let action = if margin.is_negative() { Action::Restructure } else { Action::Retain };
///         let reason = Because::Custom { rule: "margin first".into(), detail: format!("gross margin {margin}") };
///         Ok(Recommendation::new(c.id().clone(), action, a.as_of, Effect::none(c.currency()))
///             .because(reason))
///     }
/// }
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// # let customer = Customer::builder("C-007", "Hollin Distribution").currency("USD")
/// #     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2022, 5, 1))
/// #     .recurring_revenue(Decimal::from(38_000)).engineering_hours(Decimal::from(260))
/// #     .success_hours(Decimal::from(120)).build()?;
/// let assessment = Config::default().assessor()?.assess(&customer, d(2026, 1, 15))?;
/// let rec = MarginFirst.recommend(&customer, &assessment, &PolicyContext::default())?;
/// assert_eq!(rec.action, Action::Restructure);
/// assert_eq!(rec.reasons[0].to_string(), "margin first: gross margin -11236.00 USD");
/// assert_eq!(rec.rule(), None); // decided by a custom reason, not one of the `Rule`s
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The customer.
    pub customer: CustomerId,
    /// What to do.
    pub action: Action,
    /// Why: the deciding rule first, then the evidence. On the wire each reason carries its
    /// structure and, for a UI, its `text` (ignored when read back).
    #[serde(serialize_with = "reasons_with_text")]
    pub reasons: Vec<Because>,
    /// When to look again.
    pub review_on: NaiveDate,
    /// Expected effect.
    pub effect: Effect,
    /// The levers, ranked, for a restructure.
    pub levers: Option<LeverPlan>,
    /// The exit plan, for an offboarding.
    pub exit_plan: Option<ExitPlan>,
    /// For an offboarding that unknown facts could still change: the facts to confirm, by
    /// when, and what missing that date costs. `None` for a confirmed let-go and every other
    /// action.
    #[serde(default)]
    pub provisional: Option<Provisional>,
    /// For a member of an account group: its share of the group's revenue, and the group's
    /// margin with and without it — whatever the action.
    pub group_impact: Option<GroupImpact>,
    /// For a churned customer: the look back.
    #[serde(default)]
    pub look_back: Option<LookBack>,
    /// Unknown facts that would change the action, most decisive first; filled by
    /// [`what_to_collect`](crate::what_to_collect) (it re-decides, so it is computed on demand).
    #[serde(default)]
    pub to_collect: Vec<ToCollect>,
}

/// The look back on a churned customer: was it a fit, is it worth winning back.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LookBack {
    /// Its class over the period, on known facts.
    pub class: FitClass,
    /// Whether unknown facts could have changed the class.
    pub class_certain: bool,
    /// Where it stood.
    pub quadrant: Quadrant,
    /// Worth winning back; `None` when the known facts cannot tell.
    pub worth_winning_back: Option<bool>,
}

impl LookBack {
    /// A look back: the class over the period (and whether it is certain), the quadrant, and
    /// whether the customer is worth winning back (`None` when the known facts cannot tell).
    pub fn new(
        class: FitClass,
        class_certain: bool,
        quadrant: Quadrant,
        worth_winning_back: Option<bool>,
    ) -> Self {
        LookBack {
            class,
            class_certain,
            quadrant,
            worth_winning_back,
        }
    }
}

impl fmt::Display for LookBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "was a {}", self.class)?;
        if !self.class_certain {
            f.write_str(" (on incomplete facts)")?;
        }
        write!(f, ", {}; ", self.quadrant)?;
        f.write_str(match self.worth_winning_back {
            Some(true) => "worth winning back",
            Some(false) => "not worth winning back",
            None => "worth winning back: unknown",
        })
    }
}

/// A set of unknown facts whose plausible values would change the decision: what it becomes at
/// the values that change it ([`what_to_collect`](crate::what_to_collect)).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToCollect {
    /// The facts (inputs the record lacks), in [`Input::ALL`] order: one to three, or the whole
    /// set of facts a provisional let-go names.
    pub facts: Vec<Input>,
    /// The decision at the values of the facts that change it.
    pub outcomes: Vec<FactOutcome>,
    /// By when it matters: the confirm-by date of a provisional let-go, else the review date.
    pub by: NaiveDate,
}

/// The decision when unknown facts are set to `values`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactOutcome {
    /// One value per fact, in the order of [`ToCollect::facts`], each in the fact's unit
    /// (shares as ratios, NPS from -100 to 100, counts, whitespace as a share of annual
    /// revenue).
    pub values: Vec<f64>,
    /// The action then.
    pub action: Action,
    /// The deciding rule then.
    pub rule: Option<Rule>,
    /// Whether it is then a provisional let-go.
    #[serde(default)]
    pub provisional: bool,
}

impl ToCollect {
    /// Facts with the outcomes that change the decision, mattering by `by`.
    pub fn new(facts: Vec<Input>, outcomes: Vec<FactOutcome>, by: NaiveDate) -> Self {
        ToCollect {
            facts,
            outcomes,
            by,
        }
    }
}

impl FactOutcome {
    /// The decision when the facts are `values`.
    pub fn new(values: Vec<f64>, action: Action, rule: Option<Rule>, provisional: bool) -> Self {
        FactOutcome {
            values,
            action,
            rule,
            provisional,
        }
    }
}

impl fmt::Display for ToCollect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("record ")?;
        let n = self.facts.len();
        for (i, fact) in self.facts.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == n { " and " } else { ", " })?;
            }
            f.write_str(fact.collect_label())?;
        }
        write!(f, " by {}: ", self.by)?;
        for (i, o) in self.outcomes.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str("at ")?;
            for (j, (fact, v)) in self.facts.iter().zip(&o.values).enumerate() {
                if j > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(&fact.show(*v))?;
            }
            write!(f, " → {}", o.action)?;
            if o.action == Action::Offboard {
                f.write_str(if o.provisional {
                    ", provisional"
                } else {
                    ", confirmed"
                })?;
            }
            if let Some(rule) = o.rule {
                write!(f, " ({rule})")?;
            }
        }
        Ok(())
    }
}

impl Recommendation {
    /// A recommendation with no reason yet, no levers, exit plan, group impact or look back:
    /// what a policy of your own builds on, adding its reasons with
    /// [`because`](Recommendation::because) (the deciding one first).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::{Action, CustomerId, Recommendation};
    /// use custfit::policy::{Because, Effect};
    /// use custfit::units::Currency;
    /// let review = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    /// let r = Recommendation::new(CustomerId::new("C-9")?, Action::Restructure, review, Effect::none(Currency::EUR))
    ///     .because(Because::Custom { rule: "payment arrears".into(), detail: "3 invoices overdue".into() });
    /// assert_eq!(r.reasons[0].to_string(), "payment arrears: 3 invoices overdue");
    /// assert_eq!(r.rule(), None);
    /// # Ok::<(), custfit::Error>(())
    /// ```
    pub fn new(customer: CustomerId, action: Action, review_on: NaiveDate, effect: Effect) -> Self {
        Recommendation {
            customer,
            action,
            reasons: Vec::new(),
            review_on,
            effect,
            levers: None,
            exit_plan: None,
            provisional: None,
            group_impact: None,
            look_back: None,
            to_collect: Vec::new(),
        }
    }

    /// The same recommendation with one more reason.
    #[must_use]
    pub fn because(mut self, reason: Because) -> Self {
        self.reasons.push(reason);
        self
    }

    /// The same recommendation with its restructure levers.
    #[must_use]
    pub fn with_levers(mut self, levers: LeverPlan) -> Self {
        self.levers = Some(levers);
        self
    }

    /// The same recommendation with its exit plan.
    #[must_use]
    pub fn with_exit_plan(mut self, plan: ExitPlan) -> Self {
        self.exit_plan = Some(plan);
        self
    }

    /// The same recommendation with its provisional state: an offboarding that unknown facts
    /// could still change.
    #[must_use]
    pub fn with_provisional(mut self, provisional: Provisional) -> Self {
        self.provisional = Some(provisional);
        self
    }

    /// Whether the recommendation is an offboarding that unknown facts could still change.
    pub fn is_provisional(&self) -> bool {
        self.provisional.is_some()
    }

    /// The same recommendation with what letting go means for its account group.
    #[must_use]
    pub fn with_group_impact(mut self, impact: GroupImpact) -> Self {
        self.group_impact = Some(impact);
        self
    }

    /// The same recommendation with the look back on a churned customer.
    #[must_use]
    pub fn with_look_back(mut self, look_back: LookBack) -> Self {
        self.look_back = Some(look_back);
        self
    }

    /// The same recommendation with what to collect (see [`what_to_collect`](crate::what_to_collect)).
    #[must_use]
    pub fn with_to_collect(mut self, to_collect: Vec<ToCollect>) -> Self {
        self.to_collect = to_collect;
        self
    }

    /// The signals for letting go or declining that the recommendation cites.
    pub fn let_go_signals(&self) -> impl Iterator<Item = LetGoSignal> + '_ {
        self.reasons.iter().filter_map(|r| match r {
            Because::LetGo(s) => Some(*s),
            _ => None,
        })
    }

    /// The rule that decided: the first reason, when it is one of the [`Rule`]s (a policy of
    /// your own may decide by a [`Because::Custom`] instead).
    pub fn rule(&self) -> Option<Rule> {
        match self.reasons.first() {
            Some(Because::Rule(rule)) => Some(*rule),
            _ => None,
        }
    }
}

/// Revenue and margin of an account group (a parent account and its subsidiaries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupTotals {
    /// The parent account.
    pub parent: CustomerId,
    /// Customers in the group.
    pub members: u64,
    /// Revenue of the whole group over the period.
    pub revenue: Money,
    /// Gross margin of the whole group over the period.
    pub margin: Money,
}

/// What letting one member go means for its account group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupImpact {
    /// The group before.
    pub group: GroupTotals,
    /// The member's share of the group's revenue (`None` when the group has none).
    pub revenue_share: Option<crate::units::Ratio>,
    /// The group's margin without the member.
    pub margin_without: Money,
}

impl fmt::Display for GroupImpact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "part of group {} ({} customers, revenue {}, margin {}): ",
            self.group.parent, self.group.members, self.group.revenue, self.group.margin
        )?;
        if let Some(share) = self.revenue_share {
            write!(f, "{share} of the group's revenue; ")?;
        }
        write!(f, "group margin without it {}", self.margin_without)
    }
}

/// Facts from outside the customer that the policy needs (set by portfolio analysis).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyContext {
    /// The customer is part of a systemic problem (seed 002): many customers need heavy help
    /// although they consume the recommended content.
    pub systemic: bool,
    /// The customer's account group, when it has a parent account.
    pub group: Option<GroupTotals>,
}

impl PolicyContext {
    /// A context with the systemic flag set as given.
    pub fn with_systemic(systemic: bool) -> Self {
        PolicyContext {
            systemic,
            group: None,
        }
    }

    /// The same context with the customer's account group.
    pub fn with_group(mut self, group: Option<GroupTotals>) -> Self {
        self.group = group;
        self
    }
}

/// Turns an assessment into a recommendation. Object-safe and `Send + Sync`.
pub trait RecommendationPolicy: Send + Sync {
    /// Recommend what to do with `customer`, given its `assessment`.
    ///
    /// # Errors
    ///
    /// Whatever the policy reports; the default policy fails only on arithmetic overflow.
    fn recommend(
        &self,
        customer: &Customer,
        assessment: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation>;
}

impl<P: RecommendationPolicy + ?Sized> RecommendationPolicy for &P {
    fn recommend(
        &self,
        c: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation> {
        (**self).recommend(c, a, ctx)
    }
}

impl<P: RecommendationPolicy + ?Sized> RecommendationPolicy for Box<P> {
    fn recommend(
        &self,
        c: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation> {
        (**self).recommend(c, a, ctx)
    }
}

impl<P: RecommendationPolicy + ?Sized> RecommendationPolicy for std::sync::Arc<P> {
    fn recommend(
        &self,
        c: &Customer,
        a: &FitAssessment,
        ctx: &PolicyContext,
    ) -> Result<Recommendation> {
        (**self).recommend(c, a, ctx)
    }
}

/// A reason with its text beside its structure.
#[derive(Serialize)]
struct WithText<'a> {
    #[serde(flatten)]
    reason: &'a Because,
    text: String,
}

pub(crate) fn reasons_with_text<S: serde::Serializer>(
    reasons: &[Because],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_seq(reasons.iter().map(|reason| WithText {
        reason,
        text: reason.to_string(),
    }))
}
