//! The contract: term, renewal, our right to terminate, and the obligations that shape an exit.
//!
//! Dates are inclusive: a term from 2025-01-01 to 2025-12-31 lasts 365 days, and the next term
//! starts on 2026-01-01.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::units::Hours;

/// The longest renewal term accepted: 120 months, the longest retention period too.
pub const MAX_RENEWAL_TERM_MONTHS: u32 = crate::retention::MAX_PERIOD_MONTHS;

/// The longest data-export obligation accepted: 3,660 days (ten years).
pub const MAX_OBLIGATION_DAYS: u32 = 3_660;

/// A service-level tier.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTier {
    /// Business hours, best effort.
    Standard,
    /// Faster response, extended hours.
    Premium,
    /// Round-the-clock response, named engineers.
    Enterprise,
}

display_names! {
    SlaTier { Standard => "standard", Premium => "premium", Enterprise => "enterprise" }
}

/// What the SLA commits us to, so that its cost can be priced.
///
/// `standby_hours_per_month` is support time reserved for this customer whether or not it
/// files tickets (on-call rota, named engineer); the cost model prices it at the support rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// The tier.
    pub tier: SlaTier,
    /// Committed first-response time, if the contract states one.
    #[serde(default)]
    pub first_response_hours: Option<Hours>,
    /// Support hours reserved per month for this customer alone.
    #[serde(default)]
    pub standby_hours_per_month: Hours,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            tier: SlaTier::Standard,
            first_response_hours: None,
            standby_hours_per_month: Hours::ZERO,
        }
    }
}

/// Our right, as the vendor, to end the contract before its term ends.
///
/// On the wire `{"right": "allowed", "notice_days": 30, "fee": "5000.00 EUR"}` or
/// `{"right": "not_allowed"}`; any other field is refused (a misspelt fee would otherwise be
/// no fee, and the exit money depends on it), and so is a notice or fee given with
/// `not_allowed`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "right")]
#[serde(try_from = "VendorTerminationRepr")]
pub enum VendorTermination {
    /// The contract does not let us terminate for convenience.
    NotAllowed,
    /// We may terminate for convenience with notice, owing a fee or refund.
    Allowed {
        /// Days of written notice.
        notice_days: u32,
        /// What we owe the customer on early termination (zero or more).
        fee: Money,
    },
}

/// The wire form of [`VendorTermination`], read strictly.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorTerminationRepr {
    right: Right,
    #[serde(default)]
    notice_days: Option<u32>,
    #[serde(default)]
    fee: Option<Money>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Right {
    Allowed,
    NotAllowed,
}

impl TryFrom<VendorTerminationRepr> for VendorTermination {
    type Error = Error;
    fn try_from(r: VendorTerminationRepr) -> Result<Self> {
        match (r.right, r.notice_days, r.fee) {
            (Right::Allowed, Some(notice_days), Some(fee)) => {
                Ok(VendorTermination::Allowed { notice_days, fee })
            }
            (Right::Allowed, None, _) => Err(Error::invalid(None, "notice_days", Problem::Missing)),
            (Right::Allowed, _, None) => Err(Error::invalid(None, "fee", Problem::Missing)),
            (Right::NotAllowed, None, None) => Ok(VendorTermination::NotAllowed),
            (Right::NotAllowed, days, _) => Err(Error::invalid(
                None,
                if days.is_some() { "notice_days" } else { "fee" },
                Problem::Rule {
                    rule: "given for a contract that does not allow termination for convenience"
                        .into(),
                },
            )),
        }
    }
}

/// A customer contract, valid by construction: the term does not end before it starts, notice
/// periods are shorter than the term, the renewal term is at least a month.
///
/// Built with [`Contract::builder`]; deserializing goes through the same checks.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::Contract;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let contract = Contract::builder(d(2025, 1, 1), d(2025, 12, 31))
///     .auto_renews(true)
///     .renewal_notice_days(60)
///     .terminate_for_convenience(90, "5000 EUR".parse()?)
///     .data_export_days(30)
///     .compliance_obligation("delete personal data within 30 days (GDPR Art. 17)")
///     .build()?;
/// assert_eq!(contract.term_days(), 365);
/// assert_eq!(contract.renewal_notice_deadline(), d(2025, 11, 1));
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ContractBuilder", into = "ContractBuilder")]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub(super) term_start: NaiveDate,
    pub(super) term_end: NaiveDate,
    pub(super) auto_renews: bool,
    pub(super) renewal_term_months: u32,
    pub(super) renewal_notice_days: u32,
    pub(super) vendor_termination: VendorTermination,
    pub(super) data_export_days: u32,
    pub(super) compliance_obligations: Vec<String>,
    pub(super) sla: Sla,
}

impl Contract {
    /// Start building a contract for the inclusive term `term_start..=term_end`.
    ///
    /// Defaults: no auto-renewal, a 12-month renewal term, no renewal notice, no right to
    /// terminate for convenience, no data-export obligation, no compliance obligations, the
    /// standard SLA.
    pub fn builder(term_start: NaiveDate, term_end: NaiveDate) -> ContractBuilder {
        ContractBuilder {
            term_start,
            term_end,
            auto_renews: false,
            renewal_term_months: 12,
            renewal_notice_days: 0,
            vendor_termination: VendorTermination::NotAllowed,
            data_export_days: 0,
            compliance_obligations: Vec::new(),
            sla: Sla::default(),
        }
    }

    /// First day of the current term.
    pub fn term_start(&self) -> NaiveDate {
        self.term_start
    }

    /// Last day of the current term (inclusive).
    pub fn term_end(&self) -> NaiveDate {
        self.term_end
    }

    /// Length of the current term in days, both ends included.
    pub fn term_days(&self) -> i64 {
        (self.term_end - self.term_start).num_days() + 1
    }

    /// Whether the contract renews by itself unless notice is given.
    pub fn auto_renews(&self) -> bool {
        self.auto_renews
    }

    /// Length of a renewal term in months: the renewal period of the retention model.
    pub fn renewal_term_months(&self) -> u32 {
        self.renewal_term_months
    }

    /// Days before the end of the term by which notice of non-renewal must be given.
    pub fn renewal_notice_days(&self) -> u32 {
        self.renewal_notice_days
    }

    /// The last day on which notice of non-renewal can be given for the current term.
    pub fn renewal_notice_deadline(&self) -> NaiveDate {
        // Validated: the notice fits in the term, so this stays within the term.
        self.term_end - chrono::Days::new(u64::from(self.renewal_notice_days))
    }

    /// Our right to terminate for convenience.
    pub fn vendor_termination(&self) -> &VendorTermination {
        &self.vendor_termination
    }

    /// Days we must support the customer's data export after the end of service.
    pub fn data_export_days(&self) -> u32 {
        self.data_export_days
    }

    /// Compliance obligations to document on exit (data deletion, audit logs, ...).
    pub fn compliance_obligations(&self) -> &[String] {
        &self.compliance_obligations
    }

    /// The service level we committed to.
    pub fn sla(&self) -> &Sla {
        &self.sla
    }

    /// The end of the term that follows `term_end`, if the contract renews.
    ///
    /// Returns `None` when the date would leave chrono's range.
    pub fn next_term_end(&self) -> Option<NaiveDate> {
        crate::calendar::window_end(self.term_end.succ_opt()?, self.renewal_term_months)
    }

    /// A copy with another SLA (used to price the "change the SLA" lever).
    pub fn with_sla(&self, sla: Sla) -> Contract {
        Contract {
            sla,
            ..self.clone()
        }
    }
}

/// Builder and wire form of a [`Contract`]; [`ContractBuilder::build`] validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractBuilder {
    term_start: NaiveDate,
    term_end: NaiveDate,
    #[serde(default)]
    auto_renews: bool,
    #[serde(default = "twelve")]
    renewal_term_months: u32,
    #[serde(default)]
    renewal_notice_days: u32,
    #[serde(default = "not_allowed")]
    vendor_termination: VendorTermination,
    #[serde(default)]
    data_export_days: u32,
    #[serde(default)]
    compliance_obligations: Vec<String>,
    #[serde(default)]
    sla: Sla,
}

fn twelve() -> u32 {
    12
}

fn not_allowed() -> VendorTermination {
    VendorTermination::NotAllowed
}

impl ContractBuilder {
    /// Whether the contract renews by itself unless notice is given.
    pub fn auto_renews(mut self, yes: bool) -> Self {
        self.auto_renews = yes;
        self
    }

    /// Length of a renewal term in months (default 12).
    pub fn renewal_term_months(mut self, months: u32) -> Self {
        self.renewal_term_months = months;
        self
    }

    /// Days of notice of non-renewal before the end of the term.
    pub fn renewal_notice_days(mut self, days: u32) -> Self {
        self.renewal_notice_days = days;
        self
    }

    /// We may terminate for convenience with `notice_days` of notice, owing `fee`.
    pub fn terminate_for_convenience(mut self, notice_days: u32, fee: Money) -> Self {
        self.vendor_termination = VendorTermination::Allowed { notice_days, fee };
        self
    }

    /// Days of data-export support owed after the end of service.
    pub fn data_export_days(mut self, days: u32) -> Self {
        self.data_export_days = days;
        self
    }

    /// Add a compliance obligation.
    pub fn compliance_obligation(mut self, obligation: impl Into<String>) -> Self {
        self.compliance_obligations.push(obligation.into());
        self
    }

    /// The service level.
    pub fn sla(mut self, sla: Sla) -> Self {
        self.sla = sla;
        self
    }

    /// Validate and build.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] naming the field: `term_end` before `term_start`; a
    /// `renewal_term_months` of zero or above [`MAX_RENEWAL_TERM_MONTHS`]; a
    /// `data_export_days` above [`MAX_OBLIGATION_DAYS`]; a `renewal_notice_days` or
    /// `vendor_termination.notice_days` not shorter than the term; a negative
    /// `vendor_termination.fee`; an empty compliance obligation.
    pub fn build(self) -> Result<Contract> {
        if self.term_end < self.term_start {
            return Err(Error::invalid(
                None,
                "term_end",
                Problem::Before {
                    date: self.term_end,
                    other_field: "term_start".into(),
                    other: self.term_start,
                },
            ));
        }
        if self.renewal_term_months == 0 || self.renewal_term_months > MAX_RENEWAL_TERM_MONTHS {
            return Err(Error::invalid(
                None,
                "renewal_term_months",
                Problem::OutOfRange {
                    value: self.renewal_term_months.to_string(),
                    allowed: format!("1..={MAX_RENEWAL_TERM_MONTHS}"),
                },
            ));
        }
        if self.data_export_days > MAX_OBLIGATION_DAYS {
            return Err(Error::invalid(
                None,
                "data_export_days",
                Problem::OutOfRange {
                    value: self.data_export_days.to_string(),
                    allowed: format!("0..={MAX_OBLIGATION_DAYS}"),
                },
            ));
        }
        let term_days = (self.term_end - self.term_start).num_days() + 1;
        let too_long = |field: &str, days: u32| {
            Error::invalid(
                None,
                field,
                Problem::TooLong {
                    days,
                    within: "the contract term".into(),
                    limit_days: term_days,
                },
            )
        };
        if i64::from(self.renewal_notice_days) >= term_days {
            return Err(too_long("renewal_notice_days", self.renewal_notice_days));
        }
        if let VendorTermination::Allowed { notice_days, fee } = &self.vendor_termination {
            if i64::from(*notice_days) >= term_days {
                return Err(too_long("vendor_termination.notice_days", *notice_days));
            }
            if fee.is_negative() {
                return Err(Error::invalid(
                    None,
                    "vendor_termination.fee",
                    Problem::Negative {
                        value: fee.amount(),
                    },
                ));
            }
        }
        if let Some(i) = self
            .compliance_obligations
            .iter()
            .position(|o| o.trim().is_empty())
        {
            return Err(Error::invalid(
                None,
                format!("compliance_obligations[{i}]"),
                Problem::Empty,
            ));
        }
        Ok(Contract {
            term_start: self.term_start,
            term_end: self.term_end,
            auto_renews: self.auto_renews,
            renewal_term_months: self.renewal_term_months,
            renewal_notice_days: self.renewal_notice_days,
            vendor_termination: self.vendor_termination,
            data_export_days: self.data_export_days,
            compliance_obligations: self.compliance_obligations,
            sla: self.sla,
        })
    }
}

impl TryFrom<ContractBuilder> for Contract {
    type Error = Error;
    fn try_from(b: ContractBuilder) -> Result<Self> {
        b.build()
    }
}

impl From<Contract> for ContractBuilder {
    fn from(c: Contract) -> Self {
        ContractBuilder {
            term_start: c.term_start,
            term_end: c.term_end,
            auto_renews: c.auto_renews,
            renewal_term_months: c.renewal_term_months,
            renewal_notice_days: c.renewal_notice_days,
            vendor_termination: c.vendor_termination,
            data_export_days: c.data_export_days,
            compliance_obligations: c.compliance_obligations,
            sla: c.sla,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn renewal_notice_deadline_counts_back_from_the_last_day() {
        let c = Contract::builder(d(2025, 3, 1), d(2026, 2, 28))
            .renewal_notice_days(60)
            .build()
            .unwrap();
        assert_eq!(c.renewal_notice_deadline(), d(2025, 12, 30));
        assert_eq!(c.term_days(), 365);
    }

    #[test]
    fn next_term_ends_on_the_day_before_the_anniversary_across_leap_days() {
        let leap = Contract::builder(d(2027, 3, 1), d(2028, 2, 29))
            .build()
            .unwrap();
        assert_eq!(leap.next_term_end(), Some(d(2029, 2, 28)));
        let month_end = Contract::builder(d(2025, 1, 31), d(2025, 2, 27))
            .renewal_term_months(1)
            .build()
            .unwrap();
        assert_eq!(month_end.next_term_end(), Some(d(2025, 3, 27)));
    }

    #[test]
    fn a_one_day_term_is_valid_but_its_notice_must_be_shorter() {
        assert!(Contract::builder(d(2025, 1, 1), d(2025, 1, 1))
            .build()
            .is_ok());
        assert!(Contract::builder(d(2025, 1, 1), d(2025, 1, 1))
            .renewal_notice_days(1)
            .build()
            .is_err());
    }
}
