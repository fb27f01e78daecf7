//! The exit plan for a customer we let go (seed 001 "The Art of the Customer Breakup", seed 004
//! "honesty and clarity"): contract-aware dates, the money of each way out, data export,
//! transition support, compliance, an executive sponsor, alternatives and the framing of the
//! conversation.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Days, NaiveDate};

use crate::calendar::Terms;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::contract::{Contract, VendorTermination};
use crate::customer::{Customer, CustomerId};
use crate::error::{Error, Problem, Result};
use crate::money::Money;

/// Settings for exit plans; plain serde data with example defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ExitConfig {
    /// Notice we give a customer without a contract (default 30 days).
    pub notice_without_contract_days: u32,
    /// Days of transition support after the end of service, at least (default 30).
    pub transition_support_days: u32,
    /// Executive sponsor by segment (seed 001 "Executive Involvement").
    pub sponsors: BTreeMap<String, String>,
    /// Sponsor for customers whose segment has none.
    pub default_sponsor: Option<String>,
    /// Alternatives to suggest, by segment (seed 004: "Suggest alternative solutions").
    pub alternatives: BTreeMap<String, Vec<String>>,
    /// Alternatives for customers whose segment has none.
    pub default_alternatives: Vec<String>,
}

impl Default for ExitConfig {
    fn default() -> Self {
        ExitConfig {
            notice_without_contract_days: 30,
            transition_support_days: 30,
            sponsors: BTreeMap::new(),
            default_sponsor: None,
            alternatives: BTreeMap::new(),
            default_alternatives: Vec::new(),
        }
    }
}

/// How the relationship ends.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitRoute {
    /// We terminate for convenience, with notice and the fee we owe.
    TerminationForConvenience,
    /// We do not renew: service ends with the term.
    NonRenewal,
    /// No contract binds either side: service ends after our notice.
    NoContract,
}

impl fmt::Display for ExitRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            ExitRoute::TerminationForConvenience => "termination for convenience",
            ExitRoute::NonRenewal => "non-renewal",
            ExitRoute::NoContract => "end without contract",
        })
    }
}

/// One way out, with its dates and money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExitOption {
    /// The route.
    pub route: ExitRoute,
    /// The last day on which we must give notice.
    pub notice_deadline: NaiveDate,
    /// The last day of service.
    pub end_of_service: NaiveDate,
    /// Money of this option over the stretch from the earliest early-exit date to the end of
    /// the term: minus the fee we owe for an early exit; the stretch's margin for serving on.
    pub money: Money,
}

/// A talking point for the breakup conversation: about the company's direction, not the
/// customer's shortcomings (seeds 001 and 004).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "point")]
pub enum TalkingPoint {
    /// Thank the customer for the relationship and its history.
    Appreciation {
        /// Since when the customer has been with us, if known.
        since: Option<NaiveDate>,
    },
    /// Explain that the company's focus has moved, honestly and without blame.
    CompanyDirection,
    /// The transition support we give, and until when.
    TransitionSupport {
        /// Last day of support.
        until: NaiveDate,
    },
    /// Help to export the customer's data, and until when.
    DataExport {
        /// Last day of export support.
        until: NaiveDate,
    },
    /// Alternatives that may serve the customer better.
    Alternatives {
        /// Names of alternatives.
        names: Vec<String>,
    },
    /// The door stays open for a return under different circumstances.
    DoorOpen,
}

impl fmt::Display for TalkingPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TalkingPoint::Appreciation { since: Some(d) } => {
                write!(f, "thank them for the relationship since {d}")
            }
            TalkingPoint::Appreciation { since: None } => {
                f.write_str("thank them for the time and trust they gave us")
            }
            TalkingPoint::CompanyDirection => f.write_str(
                "explain that our product and focus are moving in a direction that no longer serves their needs well",
            ),
            TalkingPoint::TransitionSupport { until } => {
                write!(f, "we keep supporting them through the transition, until {until}")
            }
            TalkingPoint::DataExport { until } => {
                write!(f, "we help them export all their data, until {until}")
            }
            TalkingPoint::Alternatives { names } => {
                write!(f, "suggest alternatives that may fit them better: {}", names.join(", "))
            }
            TalkingPoint::DoorOpen => f.write_str("the door stays open if their needs change"),
        }
    }
}

/// One compliance obligation to document on exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// The obligation, from the contract.
    pub obligation: String,
    /// Due by this date (the data-export deadline).
    pub due: NaiveDate,
}

/// The plan for letting one customer go.
///
/// The [`DefaultPolicy`](crate::DefaultPolicy) attaches one to every offboarding
/// ([`Recommendation::exit_plan`](crate::Recommendation::exit_plan)); [`ExitPlan::new`] makes
/// one directly.
///
/// # Example
///
/// A loss-maker at -50 a day whose contract may be ended early for a fee:
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Contract, Customer, ExitPlan};
/// use custfit::policy::{ExitConfig, ExitRoute};
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let contract = Contract::builder(d(2025, 7, 1), d(2026, 6, 30))
///     .renewal_notice_days(90)
///     .data_export_days(30)
///     .terminate_for_convenience(30, "2000.00 USD".parse()?);
/// let customer = Customer::builder("C-013", "Brightline Media").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 7, 1))
///     .recurring_revenue(Decimal::from(20_000)).contract(contract)
///     .build()?;
/// let plan = ExitPlan::new(&customer, "-50.00 USD".parse()?, d(2026, 1, 15), &ExitConfig::default())?;
/// // Paying the 2,000 fee to leave on 14 February beats serving on at a loss to 30 June.
/// assert_eq!(plan.chosen.route, ExitRoute::TerminationForConvenience);
/// assert_eq!(plan.chosen.end_of_service, d(2026, 2, 14));
/// assert_eq!(plan.chosen.money.to_string(), "-2000.00 USD");
/// let serve_on = plan.alternative.as_ref().map(|o| (o.route, o.money.to_string()));
/// assert_eq!(serve_on, Some((ExitRoute::NonRenewal, "-6800.00 USD".to_owned())));
/// assert_eq!(plan.data_export_deadline, d(2026, 3, 16));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExitPlan {
    /// The customer.
    pub customer: CustomerId,
    /// The date the plan was made for.
    pub as_of: NaiveDate,
    /// The option chosen: the one with more money (serving on wins ties).
    pub chosen: ExitOption,
    /// The other option, when there is one (an early exit needs the right to terminate).
    pub alternative: Option<ExitOption>,
    /// Last day of data-export support: end of service + the contract's export days.
    pub data_export_deadline: NaiveDate,
    /// Transition support, from `as_of` to this day.
    pub transition_until: NaiveDate,
    /// Compliance obligations, as a checklist.
    pub compliance: Vec<ChecklistItem>,
    /// The executive who leads the conversation.
    pub executive_sponsor: Option<String>,
    /// Alternatives to suggest.
    pub alternatives: Vec<String>,
    /// Talking points, in order.
    pub framing: Vec<TalkingPoint>,
}

fn add_days(date: NaiveDate, days: u32) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(u64::from(days)))
}

fn sub_days(date: NaiveDate, days: u32) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(u64::from(days)))
}

/// The current term of `contract` on `as_of`: the stated term, or for an auto-renewing contract
/// whose term has ended, the renewal term that contains `as_of` (found in constant time), with
/// the renewal terms that follow.
/// A term's first and last day.
type Span = (NaiveDate, NaiveDate);

fn current_term(contract: &Contract, as_of: NaiveDate) -> Option<(Span, Option<(Terms, u32)>)> {
    let stated = (contract.term_start(), contract.term_end());
    let renewals = Terms {
        first_start: contract.term_end().succ_opt()?,
        months: contract.renewal_term_months(),
    };
    if !contract.auto_renews() {
        return Some((stated, None));
    }
    if contract.term_end() >= as_of {
        return Some((stated, Some((renewals, 0))));
    }
    let k = renewals.index_containing(as_of)?;
    Some((renewals.term(k)?, Some((renewals, k + 1))))
}

/// Days from `from` to `to` inclusive, 0 if `to` is before `from`.
fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        0
    } else {
        (to - from).num_days() + 1
    }
}

impl ExitPlan {
    /// Plan the exit of `customer` as of `as_of`, given its gross margin per day of the
    /// assessment period (the money of serving on).
    ///
    /// Non-renewal ends service at the end of the current term when notice can still be given
    /// (by the renewal-notice deadline); once that deadline has passed, an auto-renewing
    /// contract runs one more term. Termination for convenience, when the contract allows it,
    /// ends service after its notice, at the earliest; its money is minus the fee, against the
    /// margin of serving on from that date to the end of the term. The option with more money
    /// is chosen; both are shown.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer when a date leaves chrono's range or money
    /// overflows.
    pub fn new(
        customer: &Customer,
        margin_per_day: Money,
        as_of: NaiveDate,
        config: &ExitConfig,
    ) -> Result<ExitPlan> {
        let id = customer.id();
        let range = || {
            Error::arithmetic(
                Some(id),
                "exit_plan.dates",
                Problem::Rule {
                    rule: "a date leaves the supported range".into(),
                },
            )
        };
        let term = match customer.contract() {
            Some(c) => Some((c, current_term(c, as_of).ok_or_else(range)?)),
            None => None,
        };
        let (chosen, alternative) = match term {
            // No contract, or one that has ended without renewal: our notice only.
            None => {
                let end = add_days(as_of, config.notice_without_contract_days).ok_or_else(range)?;
                (no_contract(as_of, end, margin_per_day), None)
            }
            Some((_, ((_, term_end), _))) if term_end < as_of => {
                let end = add_days(as_of, config.notice_without_contract_days).ok_or_else(range)?;
                (no_contract(as_of, end, margin_per_day), None)
            }
            Some((contract, ((_, term_end), next))) => {
                let notice = contract.renewal_notice_days();
                let deadline = sub_days(term_end, notice).ok_or_else(range)?;
                let (notice_deadline, end) = if as_of <= deadline {
                    (deadline, term_end)
                } else if let Some((terms, mut k)) = next {
                    // Roll forward term by term until notice can still be given: a renewal
                    // term may be shorter than the notice period (the notice is validated to
                    // fit in the stated term, so this takes a few steps at most).
                    let (mut end, mut deadline) = (term_end, deadline);
                    while deadline < as_of {
                        end = terms.term(k).ok_or_else(range)?.1;
                        deadline = sub_days(end, notice).ok_or_else(range)?;
                        k = k.checked_add(1).ok_or_else(range)?;
                    }
                    (deadline, end)
                } else {
                    // The term simply expires; notice is a courtesy, given now.
                    (as_of, term_end)
                };
                let early = match contract.vendor_termination() {
                    VendorTermination::Allowed { notice_days, fee } => {
                        let early_end = add_days(as_of, *notice_days).ok_or_else(range)?;
                        (early_end < end).then_some((early_end, *fee))
                    }
                    _ => None,
                };
                match early {
                    None => {
                        let money = Money::zero(margin_per_day.currency());
                        let serve = ExitOption {
                            route: ExitRoute::NonRenewal,
                            notice_deadline,
                            end_of_service: end,
                            money,
                        };
                        (serve, None)
                    }
                    Some((early_end, fee)) => {
                        // The stretch from the day after the early end to the end of the term.
                        let stretch = days_between(early_end.succ_opt().ok_or_else(range)?, end);
                        let serve_money = margin_per_day
                            .checked_mul(Decimal::from(stretch))
                            .map(Money::round)
                            .map_err(|e| Error::arithmetic(Some(id), "exit_plan.serve_on", e))?;
                        let serve = ExitOption {
                            route: ExitRoute::NonRenewal,
                            notice_deadline,
                            end_of_service: end,
                            money: serve_money,
                        };
                        let leave = ExitOption {
                            route: ExitRoute::TerminationForConvenience,
                            notice_deadline: as_of,
                            end_of_service: early_end,
                            money: fee.negate(),
                        };
                        if leave.money.amount() > serve.money.amount() {
                            (leave, Some(serve))
                        } else {
                            (serve, Some(leave))
                        }
                    }
                }
            }
        };
        let export_days = customer.contract().map_or(0, Contract::data_export_days);
        let data_export_deadline =
            add_days(chosen.end_of_service, export_days).ok_or_else(range)?;
        let transition_until = add_days(chosen.end_of_service, config.transition_support_days)
            .ok_or_else(range)?
            .max(data_export_deadline);
        let compliance = customer
            .contract()
            .map(|c| {
                c.compliance_obligations()
                    .iter()
                    .map(|o| ChecklistItem {
                        obligation: o.clone(),
                        due: data_export_deadline,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let segment = customer.segment();
        let executive_sponsor = segment
            .and_then(|s| config.sponsors.get(s))
            .or(config.default_sponsor.as_ref())
            .cloned();
        let alternatives = segment
            .and_then(|s| config.alternatives.get(s))
            .unwrap_or(&config.default_alternatives)
            .clone();
        let mut framing = vec![
            TalkingPoint::Appreciation {
                since: customer.customer_since(),
            },
            TalkingPoint::CompanyDirection,
            TalkingPoint::TransitionSupport {
                until: transition_until,
            },
            TalkingPoint::DataExport {
                until: data_export_deadline,
            },
        ];
        if !alternatives.is_empty() {
            framing.push(TalkingPoint::Alternatives {
                names: alternatives.clone(),
            });
        }
        framing.push(TalkingPoint::DoorOpen);
        Ok(ExitPlan {
            customer: id.clone(),
            as_of,
            chosen,
            alternative,
            data_export_deadline,
            transition_until,
            compliance,
            executive_sponsor,
            alternatives,
            framing,
        })
    }
}

fn no_contract(as_of: NaiveDate, end: NaiveDate, margin_per_day: Money) -> ExitOption {
    ExitOption {
        route: ExitRoute::NoContract,
        notice_deadline: as_of,
        end_of_service: end,
        money: Money::zero(margin_per_day.currency()),
    }
}

impl fmt::Display for ExitPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.chosen;
        write!(
            f,
            "{}: notice by {}, service ends {} ({})",
            c.route, c.notice_deadline, c.end_of_service, c.money
        )?;
        if let Some(a) = &self.alternative {
            write!(
                f,
                "; rather than {} ending {} ({})",
                a.route, a.end_of_service, a.money
            )?;
        }
        write!(f, "; data export until {}", self.data_export_deadline)
    }
}
