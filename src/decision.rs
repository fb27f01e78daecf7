//! Decisions out: one record per customer that carries its decision with everything needed to
//! act on it and to explain it, for a CRM, a dashboard or a message queue.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::scoring::Grade;
use crate::assessment::{Classification, FitAssessment, PerDimension, Quadrant};
use crate::cost::CostToServe;
use crate::customer::{AssessmentPeriod, Customer, CustomerId, LifecycleStage};
use crate::error::{Error, Problem, Result};
use crate::policy::{
    Action, Because, Effect, ExitPlan, GroupImpact, LeverPlan, LookBack, Provisional,
    Recommendation, Rule, ToCollect,
};

/// The shape of [`DecisionRecord`] this crate writes: raised when a field changes meaning or
/// goes away (adding one does not).
pub const DECISION_RECORD_VERSION: u32 = 1;

/// One customer's decision for the outside world: what to do and why, the levers, the exit
/// plan, what to confirm and by when, the scores, class and quadrant behind it and the cost to
/// serve line by line — one JSON object, written for instance as one line per customer.
///
/// Made from a customer, its assessment and its recommendation ([`DecisionRecord::new`]); it
/// reads back equal to what was written, and a record read back is checked: its version, its
/// customer in every part, its action consistent with its plan.
///
/// Every field, in order:
///
/// | field | what it is |
/// | --- | --- |
/// | `version` | the shape of the record, [`DECISION_RECORD_VERSION`] |
/// | `customer`, `name` | the customer's id and display name |
/// | `as_of` | the assessment date |
/// | `period` | the assessment period (`start`, `end`) the figures cover |
/// | `stage` | lifecycle stage: `prospect`, `onboarding`, `active`, `churned` |
/// | `action` | `invest`, `retain`, `restructure`, `offboard`, `decline` or `look_back` |
/// | `provisional` | for an offboarding that unknown facts could still change: the facts to confirm (`to_confirm`), `confirm_by`, `urgent`, the `notice_deadline` it leads, the exit left `if_missed` and the `cost_of_missing` the date; `null` for a confirmed let-go and every other action |
/// | `rule` | the rule that decided (tagged by `rule`), `null` for a policy's own reason |
/// | `reasons` | why, the deciding rule first: each reason's structure (tagged by `because`) and its `text` |
/// | `review_on` | when to look again |
/// | `effect` | revenue lost and gained, margin gained, hours freed per role |
/// | `levers` | for a restructure: each lever with its margin gain, hours freed, whether it is an estimate and what triggered it; the margin after the confirmed levers and after all |
/// | `exit_plan` | for an offboarding: the chosen exit and the alternative (route, notice deadline, end of service, money), data-export and transition dates, compliance checklist, executive sponsor, alternatives, talking points |
/// | `group_impact` | for a member of an account group: its share of the group's revenue and the group's margin with and without it |
/// | `look_back` | for a churned customer: was it a fit, is it worth winning back |
/// | `to_collect` | the sets of unknown facts that would change the decision, when the caller asked for them (they re-decide: [`crate::what_to_collect`]); empty otherwise |
/// | `quadrant` | profitability × growth quadrant |
/// | `class` | the fit class, its signals, the classes unknown facts could still give, the facts missing, the confidence |
/// | `scores` | the overall score, its grade and each dimension's score (overrides applied; `null` when unknown) |
/// | `cost` | the cost to serve: every line (item, quantity, rate, amount), the total, revenue, gross margin and margin ratio, hours per role |
///
/// Money is written as a decimal string with its currency (`"1234.50 EUR"`), dates as
/// `YYYY-MM-DD`, ratios as decimal strings (`"0.25"` is 25 %), scores as numbers.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Config, Customer, DecisionRecord, PolicyContext, RecommendationPolicy};
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let config = Config::default();
/// let (assessor, policy) = (config.assessor()?, config.policy()?);
/// let customer = Customer::builder("C-042", "Northwind Freight").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 3, 1))
///     .recurring_revenue(Decimal::from(60_000)).engineering_hours(Decimal::from(150))
///     .build()?;
/// let a = assessor.assess(&customer, d(2026, 1, 15))?;
/// let r = policy.recommend(&customer, &a, &PolicyContext::default())?;
/// let record = DecisionRecord::new(&customer, &a, &r)?;
/// assert_eq!(record.action, r.action);
/// assert_eq!(record.reasons[0].to_string(), r.reasons[0].to_string());
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
// The derived functions are inherent (`remote = "Self"`), so that reading one back checks it.
#[serde(remote = "Self")]
pub struct DecisionRecord {
    /// The shape of the record: [`DECISION_RECORD_VERSION`].
    pub version: u32,
    /// The customer.
    pub customer: CustomerId,
    /// Its display name.
    pub name: String,
    /// The assessment date.
    pub as_of: NaiveDate,
    /// The assessment period the figures cover.
    pub period: AssessmentPeriod,
    /// Lifecycle stage.
    pub stage: LifecycleStage,
    /// What to do.
    pub action: Action,
    /// For an offboarding that unknown facts could still change: what to confirm, by when,
    /// and what missing that date costs.
    pub provisional: Option<Provisional>,
    /// The rule that decided, if it is one of the [`Rule`]s.
    pub rule: Option<Rule>,
    /// Why, the deciding rule first; on the wire each with its `text`.
    #[serde(serialize_with = "crate::policy::recommendation::reasons_with_text")]
    pub reasons: Vec<Because>,
    /// When to look again.
    pub review_on: NaiveDate,
    /// Expected effect over the period.
    pub effect: Effect,
    /// The levers, for a restructure.
    pub levers: Option<LeverPlan>,
    /// The exit plan, for an offboarding.
    pub exit_plan: Option<ExitPlan>,
    /// What the decision means for the customer's account group.
    pub group_impact: Option<GroupImpact>,
    /// For a churned customer: the look back.
    pub look_back: Option<LookBack>,
    /// What to collect, when asked for (empty otherwise).
    #[serde(default)]
    pub to_collect: Vec<ToCollect>,
    /// Profitability × growth quadrant.
    pub quadrant: Quadrant,
    /// The fit class, with its signals and confidence.
    pub class: Classification,
    /// The scores behind the decision.
    pub scores: Scores,
    /// The cost to serve, line by line.
    pub cost: CostToServe,
}

/// The scores of a [`DecisionRecord`]: the effective ones (overrides applied).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    /// The overall score, 0-100.
    pub overall: f64,
    /// Its grade.
    pub grade: Grade,
    /// Each dimension's score, 0-100; `null` when its facts are unknown.
    pub dimensions: PerDimension<Option<f64>>,
}

impl DecisionRecord {
    /// The record of `customer`, assessed as `assessment` and recommended `recommendation`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] when the assessment or the recommendation is another customer's.
    pub fn new(
        customer: &Customer,
        assessment: &FitAssessment,
        recommendation: &Recommendation,
    ) -> Result<Self> {
        for (part, id) in [
            ("assessment", &assessment.customer),
            ("recommendation", &recommendation.customer),
        ] {
            if id != customer.id() {
                return Err(Error::invalid(
                    Some(customer.id()),
                    part,
                    Problem::Rule {
                        rule: format!("it is customer `{id}`'s"),
                    },
                ));
            }
        }
        let r = recommendation;
        Ok(DecisionRecord {
            version: DECISION_RECORD_VERSION,
            customer: customer.id().clone(),
            name: customer.name().to_owned(),
            as_of: assessment.as_of,
            period: customer.period(),
            stage: customer.stage(),
            action: r.action,
            provisional: r.provisional.clone(),
            rule: r.rule(),
            reasons: r.reasons.clone(),
            review_on: r.review_on,
            effect: r.effect,
            levers: r.levers.clone(),
            exit_plan: r.exit_plan.clone(),
            group_impact: r.group_impact.clone(),
            look_back: r.look_back,
            to_collect: r.to_collect.clone(),
            quadrant: assessment.quadrant,
            class: assessment.classification.clone(),
            scores: Scores {
                overall: assessment.effective_overall(),
                grade: assessment.scorecard.grade,
                dimensions: PerDimension::from_fn(|d| assessment.effective_score(d)),
            },
            cost: assessment.cost.clone(),
        })
    }

    /// Whether it is a let-go that unknown facts could still change.
    pub fn is_provisional(&self) -> bool {
        self.provisional.is_some()
    }

    /// The date by which to act on it: the confirm-by date of a provisional let-go, else the
    /// review date.
    pub fn due(&self) -> NaiveDate {
        self.provisional
            .as_ref()
            .map_or(self.review_on, |p| p.confirm_by)
    }

    /// The checks of a record read back: its version known, its parts of its customer, its
    /// rule the first reason's, a provisional state only on an offboarding.
    fn checked(self) -> Result<Self> {
        let id = self.customer.clone();
        let bad =
            |field: &str, rule: String| Error::invalid(Some(&id), field, Problem::Rule { rule });
        if self.version == 0 || self.version > DECISION_RECORD_VERSION {
            return Err(bad(
                "version",
                format!(
                    "this crate reads records of version 1 to {DECISION_RECORD_VERSION}, not {}",
                    self.version
                ),
            ));
        }
        let parts = [
            ("cost.customer", Some(&self.cost.customer)),
            (
                "exit_plan.customer",
                self.exit_plan.as_ref().map(|p| &p.customer),
            ),
        ];
        for (field, of) in parts {
            if let Some(of) = of.filter(|of| **of != id) {
                return Err(bad(field, format!("it is customer `{of}`'s")));
            }
        }
        let first = match self.reasons.first() {
            Some(Because::Rule(rule)) => Some(*rule),
            _ => None,
        };
        if first != self.rule {
            return Err(bad("rule", "it must be the first reason's rule".into()));
        }
        if self.provisional.is_some() && self.action != Action::Offboard {
            return Err(bad(
                "provisional",
                format!("only an offboarding is provisional, not `{}`", self.action),
            ));
        }
        Ok(self)
    }
}

impl Serialize for DecisionRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        DecisionRecord::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for DecisionRecord {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        DecisionRecord::deserialize(d)?
            .checked()
            .map_err(serde::de::Error::custom)
    }
}
