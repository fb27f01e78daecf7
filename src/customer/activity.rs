//! What serving a customer took over an assessment period: tickets, hours by role, escalations,
//! implementation, custom features and usage.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::units::{Hours, Quantity};

/// The span that revenue, costs and activity are totals over, both ends inclusive.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::customer::AssessmentPeriod;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let q1 = AssessmentPeriod::new(d(2024, 1, 1), d(2024, 3, 31))?;
/// assert_eq!(q1.days(), 91); // 2024 is a leap year
/// assert!(AssessmentPeriod::new(d(2024, 3, 31), d(2024, 1, 1)).is_err());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodRepr", into = "PeriodRepr")]
pub struct AssessmentPeriod {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodRepr {
    start: NaiveDate,
    end: NaiveDate,
}

impl AssessmentPeriod {
    /// The period `start..=end`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] on field `period.end` when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self> {
        if end < start {
            Err(Error::invalid(
                None,
                "period.end",
                Problem::Before {
                    date: end,
                    other_field: "period.start".into(),
                    other: start,
                },
            ))
        } else {
            Ok(AssessmentPeriod { start, end })
        }
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day (inclusive).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Number of days, both ends included (at least 1).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Days shared with the inclusive span `from..=to` (0 when they do not meet).
    pub fn overlap_days(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let start = self.start.max(from);
        let end = self.end.min(to);
        if end < start {
            0
        } else {
            (end - start).num_days() + 1
        }
    }

    /// The factor that turns a total over this period into a yearly figure: 365 / days.
    pub fn annualization_factor(&self) -> Decimal {
        Decimal::from(365) / Decimal::from(self.days())
    }
}

impl TryFrom<PeriodRepr> for AssessmentPeriod {
    type Error = Error;
    fn try_from(r: PeriodRepr) -> Result<Self> {
        AssessmentPeriod::new(r.start, r.end)
    }
}

impl From<AssessmentPeriod> for PeriodRepr {
    fn from(p: AssessmentPeriod) -> Self {
        PeriodRepr {
            start: p.start,
            end: p.end,
        }
    }
}

/// Severity of a support ticket.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Service down or data at risk.
    Critical,
    /// Major function impaired.
    High,
    /// Ordinary question or defect.
    Normal,
    /// Cosmetic or how-to.
    Low,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Normal,
        Severity::Low,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Normal => "normal",
            Severity::Low => "low",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Tickets of one severity over the period.
///
/// When `handling_hours` is known the cost model prices those hours at the support rate;
/// otherwise it prices each ticket at the configured cost per ticket of that severity — never
/// both for the same tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketGroup {
    /// Severity.
    pub severity: Severity,
    /// Number of tickets.
    pub count: u32,
    /// Total hours spent handling them, if measured.
    #[serde(default)]
    pub handling_hours: Option<Hours>,
}

/// An implementation project, whose cost is amortized over the configured number of months
/// from its go-live date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implementation {
    /// Hours of implementation work, priced at the implementation rate.
    pub hours: Hours,
    /// Third-party or other direct cost of the implementation, if any.
    #[serde(default)]
    pub external_cost: Option<Money>,
    /// The day the customer went live: amortization starts here.
    pub go_live: NaiveDate,
}

/// What serving the customer took over the assessment period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// The period these totals cover.
    pub period: AssessmentPeriod,
    /// Support tickets by severity.
    #[serde(default)]
    pub tickets: Vec<TicketGroup>,
    /// Support hours not tied to tickets (chat, calls, office hours), priced at the support
    /// rate as a line of their own.
    #[serde(default)]
    pub support_hours: Hours,
    /// Engineering hours on work for this customer alone (custom integrations, one-off fixes).
    #[serde(default)]
    pub engineering_hours: Hours,
    /// Customer-success manager hours.
    #[serde(default)]
    pub success_hours: Hours,
    /// Executive hours (calls, visits, firefighting).
    #[serde(default)]
    pub executive_hours: Hours,
    /// Escalations to management.
    #[serde(default)]
    pub escalations: u32,
    /// The implementation project, if one is being amortized.
    #[serde(default)]
    pub implementation: Option<Implementation>,
    /// Custom features kept alive for this customer alone, by name.
    #[serde(default)]
    pub custom_features: Vec<String>,
    /// Custom features known only by their number (an export that counts them), beside the
    /// named ones.
    #[serde(default, skip_serializing_if = "crate::units::is_zero_count")]
    pub unnamed_custom_features: u32,
    /// Usage units for per-unit COGS (API calls, seats, gigabytes).
    #[serde(default)]
    pub usage_units: Quantity,
}

impl Activity {
    /// No activity over `period`.
    pub fn new(period: AssessmentPeriod) -> Self {
        Activity {
            period,
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
        }
    }

    /// Custom features kept alive for this customer, named or not.
    pub fn custom_feature_count(&self) -> u64 {
        self.custom_features.len() as u64 + u64::from(self.unnamed_custom_features)
    }

    /// Number of tickets of every severity.
    pub fn ticket_count(&self) -> u64 {
        self.tickets.iter().map(|t| u64::from(t.count)).sum()
    }
}
