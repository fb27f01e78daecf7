//! The crate's one error type.
//!
//! Every error that concerns input data names the customer (when one is known) and the field,
//! so that a person can find the bad value in the source system.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::id::CustomerId;
use crate::money::{Currency, MoneyError};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with one value.
///
/// Carried by [`Error::InvalidField`] and [`Error::InvalidConfig`]; its `Display` reads as the
/// end of a sentence ("must not be negative, got -3").
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum Problem {
    /// A quantity that must be zero or more was negative.
    Negative {
        /// The value given.
        value: Decimal,
    },
    /// A value lies outside its allowed range.
    OutOfRange {
        /// The value given, as text (it may be a decimal or a float).
        value: String,
        /// The allowed range, for example `0..=1`.
        allowed: String,
    },
    /// A required text or list was empty.
    Empty,
    /// A required value was absent.
    Missing,
    /// A date lies before another date it must not precede.
    Before {
        /// The date given.
        date: NaiveDate,
        /// The field it must not precede.
        other_field: String,
        /// That field's date.
        other: NaiveDate,
    },
    /// A date lies after another date it must not follow.
    After {
        /// The date given.
        date: NaiveDate,
        /// The field it must not follow.
        other_field: String,
        /// That field's date.
        other: NaiveDate,
    },
    /// A number of days is not shorter than the span it must fit in.
    TooLong {
        /// The number of days given.
        days: u32,
        /// What it must fit in, for example `the contract term`.
        within: String,
        /// The length of that span in days.
        limit_days: i64,
    },
    /// An amount is in another currency than the one expected.
    CurrencyMismatch {
        /// The currency expected.
        expected: Currency,
        /// The currency found.
        found: Currency,
    },
    /// Arithmetic on the value overflowed the range of `Decimal`.
    Overflow,
    /// A division by zero.
    DivisionByZero,
    /// Text that could not be parsed.
    Unparsable {
        /// The text given.
        text: String,
        /// What was expected.
        expected: String,
    },
    /// A rule specific to the field, stated in words.
    Rule {
        /// The rule that was broken.
        rule: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Negative { value } => write!(f, "must not be negative, got {value}"),
            Problem::OutOfRange { value, allowed } => {
                write!(f, "must lie in {allowed}, got {value}")
            }
            Problem::Empty => f.write_str("must not be empty"),
            Problem::Missing => f.write_str("is required"),
            Problem::Before {
                date,
                other_field,
                other,
            } => write!(
                f,
                "must not come before `{other_field}` ({other}), got {date}"
            ),
            Problem::After {
                date,
                other_field,
                other,
            } => write!(
                f,
                "must not come after `{other_field}` ({other}), got {date}"
            ),
            Problem::TooLong {
                days,
                within,
                limit_days,
            } => write!(
                f,
                "{days} days is not shorter than {within} ({limit_days} days)"
            ),
            Problem::CurrencyMismatch { expected, found } => {
                write!(f, "is in {found}, expected {expected}")
            }
            Problem::Overflow => f.write_str("amount overflows the decimal range"),
            Problem::DivisionByZero => f.write_str("division by zero"),
            Problem::Unparsable { text, expected } => {
                write!(f, "cannot parse {text:?} as {expected}")
            }
            Problem::Rule { rule } => f.write_str(rule),
        }
    }
}

impl From<MoneyError> for Problem {
    fn from(e: MoneyError) -> Self {
        match e {
            MoneyError::Overflow => Problem::Overflow,
            MoneyError::DivisionByZero => Problem::DivisionByZero,
            MoneyError::CurrencyMismatch { left, right } => Problem::CurrencyMismatch {
                expected: left,
                found: right,
            },
        }
    }
}

/// The error type of every fallible operation in this crate.
///
/// Messages are lowercase without a trailing period, and name the customer and the field
/// wherever the error concerns one customer's data.
///
/// ```
/// use custfit::{Customer, Error};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let err = Customer::builder("acme", "Acme GmbH")
///     .currency("EUR")
///     .engineering_hours("-3".parse()?)
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, Error::InvalidField { .. }));
/// assert_eq!(
///     err.to_string(),
///     "customer `acme`: field `activity.engineering_hours`: must not be negative, got -3"
/// );
/// # Ok(()) }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum Error {
    /// A field of a customer record (or of a value not yet tied to a customer) is invalid.
    #[error("{}field `{field}`: {problem}", subject(.customer))]
    InvalidField {
        /// The customer the record belongs to, if known.
        customer: Option<CustomerId>,
        /// The field, as a dotted path (`contract.term_end`).
        field: String,
        /// What is wrong with it.
        problem: Problem,
    },
    /// Money arithmetic failed while computing a result for a customer.
    #[error("{}computing `{field}`: {problem}", subject(.customer))]
    Arithmetic {
        /// The customer being computed, if any.
        customer: Option<CustomerId>,
        /// The quantity being computed (`cost.support`, `revenue`).
        field: String,
        /// Overflow or a currency mismatch.
        problem: Problem,
    },
    /// A configuration value is invalid.
    #[error("configuration field `{field}`: {problem}")]
    InvalidConfig {
        /// The field, as a dotted path (`rates.support.per_hour`).
        field: String,
        /// What is wrong with it.
        problem: Problem,
    },
    /// More than one record of a portfolio has this customer id: every one of them is refused,
    /// so that no record is silently dropped and the result does not depend on their order.
    #[error("customer `{customer}`: the id appears in more than one record; every record with it is refused")]
    DuplicateCustomer {
        /// The repeated id.
        customer: CustomerId,
    },
    /// A data source failed to produce a record. Build it with [`Error::from_source`] (which
    /// keeps the underlying error as this error's [`source`](std::error::Error::source)) or
    /// [`Error::source_message`].
    #[error("data source, record {}: {message}", .record.as_deref().unwrap_or("(unknown)"))]
    #[non_exhaustive]
    Source {
        /// The id of the record, when the source could read it.
        record: Option<String>,
        /// What went wrong, in the source's words.
        message: String,
        /// The underlying error, when there is one; not serialized (its text is `message`).
        #[source]
        #[serde(skip)]
        cause: Option<SourceCause>,
    },
    /// The retention model could not be fitted or evaluated.
    #[error("retention model: {0}")]
    Retention(#[from] RetentionError),
    /// A source opened once per phase gave other records the second time (a table written to
    /// meanwhile, a file appended to): the report would lose or repeat records, so the run
    /// stops. Run it again on a snapshot.
    #[error("data source, shard {shard}: its records changed between the phases ({first_records} records read in phase 1, {second_records} in phase 2{})", if .first_records == .second_records { "; other ids" } else { "" })]
    SourceChanged {
        /// The shard (0 for a source that is not sharded).
        shard: usize,
        /// Records read from it in phase 1.
        first_records: u64,
        /// Records read from it in phase 2.
        second_records: u64,
    },
}

/// The underlying error of an [`Error::Source`]: shared, so the error stays `Clone`.
///
/// It displays as the underlying error and forwards its [`source`](std::error::Error::source),
/// so the whole chain is kept; [`SourceCause::get`] gives the underlying error itself, to
/// downcast. Two causes are equal when their texts are (errors in general cannot be compared).
#[derive(Clone)]
pub struct SourceCause(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl SourceCause {
    /// The underlying error.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for SourceCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SourceCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for SourceCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for SourceCause {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

/// A configuration value must lie in `lo..=hi` (NaN never does).
pub(crate) fn check_range(field: &str, value: f64, lo: f64, hi: f64) -> Result<()> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(Error::config(
            field,
            Problem::OutOfRange {
                value: value.to_string(),
                allowed: format!("{lo}..={hi}"),
            },
        ))
    }
}

fn subject(customer: &Option<CustomerId>) -> String {
    match customer {
        Some(id) => format!("customer `{id}`: "),
        None => String::new(),
    }
}

impl Error {
    /// A data source could not produce a record; `cause` is kept as the error's source.
    ///
    /// ```
    /// use custfit::Error;
    /// use std::error::Error as _;
    /// let io = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "file ends mid-record");
    /// let err = Error::from_source(Some("line 7".into()), io);
    /// assert_eq!(err.to_string(), "data source, record line 7: file ends mid-record");
    /// let cause = err.source().unwrap().to_string();
    /// assert_eq!(cause, "file ends mid-record");
    /// ```
    pub fn from_source(
        record: Option<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Source {
            record,
            message: cause.to_string(),
            cause: Some(SourceCause(Arc::new(cause))),
        }
    }

    /// A data source could not produce a record, for a reason stated in words (a rule of the
    /// source's own, with no underlying error).
    ///
    /// ```
    /// let err = custfit::Error::source_message(Some("row 9".into()), "no currency column");
    /// assert_eq!(err.to_string(), "data source, record row 9: no currency column");
    /// ```
    pub fn source_message(record: Option<String>, message: impl Into<String>) -> Self {
        Error::Source {
            record,
            message: message.into(),
            cause: None,
        }
    }

    /// The underlying error of a source failure made with [`Error::from_source`], to
    /// downcast: `err.source_cause().and_then(|e| e.downcast_ref::<std::io::Error>())`.
    pub fn source_cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            Error::Source {
                cause: Some(cause), ..
            } => Some(cause.get()),
            _ => None,
        }
    }

    /// The customer this error concerns, if any.
    pub fn customer(&self) -> Option<&CustomerId> {
        match self {
            Error::InvalidField { customer, .. } | Error::Arithmetic { customer, .. } => {
                customer.as_ref()
            }
            Error::DuplicateCustomer { customer } => Some(customer),
            _ => None,
        }
    }

    /// The field this error concerns, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidField { field, .. }
            | Error::Arithmetic { field, .. }
            | Error::InvalidConfig { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn invalid(
        customer: Option<&CustomerId>,
        field: impl Into<String>,
        problem: Problem,
    ) -> Self {
        Error::InvalidField {
            customer: customer.cloned(),
            field: field.into(),
            problem,
        }
    }

    /// An arithmetic failure computing `field`; amounts in another currency are an invalid
    /// field, not an arithmetic failure.
    pub(crate) fn arithmetic(
        customer: Option<&CustomerId>,
        field: impl Into<String>,
        problem: impl Into<Problem>,
    ) -> Self {
        let problem = problem.into();
        if matches!(problem, Problem::CurrencyMismatch { .. }) {
            return Error::InvalidField {
                customer: customer.cloned(),
                field: field.into(),
                problem,
            };
        }
        Error::Arithmetic {
            customer: customer.cloned(),
            field: field.into(),
            problem,
        }
    }

    pub(crate) fn config(field: impl Into<String>, problem: Problem) -> Self {
        Error::InvalidConfig {
            field: field.into(),
            problem,
        }
    }

    /// Attach a customer id to an error raised before the customer was known.
    pub(crate) fn for_customer(mut self, id: &CustomerId) -> Self {
        if let Error::InvalidField { customer, .. } | Error::Arithmetic { customer, .. } = &mut self
        {
            customer.get_or_insert_with(|| id.clone());
        }
        self
    }

    /// Prefix the field path, for errors raised by a nested value (`contract.` + `term_end`).
    pub(crate) fn within(mut self, prefix: &str) -> Self {
        if let Error::InvalidField { field, .. } | Error::Arithmetic { field, .. } = &mut self {
            *field = format!("{prefix}.{field}");
        }
        self
    }
}

/// Money arithmetic in your own code can use `?` in a function returning [`Result`]: overflow
/// and division by zero become [`Error::Arithmetic`], another currency an
/// [`Error::InvalidField`], both without a customer (attach one with the context you have).
///
/// ```
/// use custfit::Money;
/// use custfit::units::Currency;
/// fn total(a: Money, b: Money) -> custfit::Result<Money> {
///     Ok(a.checked_add(b)?)
/// }
/// let eur = Money::new(1.into(), Currency::EUR);
/// let usd = Money::new(1.into(), Currency::USD);
/// assert_eq!(total(eur, usd).unwrap_err().to_string(), "field `money`: is in USD, expected EUR");
/// ```
impl From<crate::money::MoneyError> for Error {
    fn from(e: crate::money::MoneyError) -> Self {
        Error::arithmetic(None, "money", e)
    }
}

/// Why a retention model could not be built, fitted or evaluated.
///
/// Messages are lowercase without a trailing period. Inside the crate's [`Error`](crate::Error)
/// it appears as [`Error::Retention`](crate::Error::Retention).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "retention_error")]
pub enum RetentionError {
    /// A model parameter (`alpha` or `beta`) is not a positive finite number up to
    /// [`MAX_PARAMETER`](crate::retention::MAX_PARAMETER).
    #[error("parameter `{name}` must be positive, finite and at most 1e12, got {value}")]
    InvalidParameter {
        /// `alpha` or `beta`.
        name: String,
        /// The value given.
        value: f64,
    },
    /// A discount rate is not finite or below [`MIN_DISCOUNT_RATE`](crate::retention::MIN_DISCOUNT_RATE).
    #[error("discount rate must be finite and at least 1e-6 per period, got {value}")]
    InvalidDiscountRate {
        /// The rate given.
        value: f64,
    },
    /// A retention rate was asked for period 0; periods start at 1.
    #[error("retention rates start at period 1, got period 0")]
    PeriodZero,
    /// A cohort has no customers.
    #[error("cohort has no customers")]
    EmptyCohort,
    /// A cohort's survivor count rises from one period to the next.
    #[error("survivors rise from {before} at period {} to {after} at period {period}", .period.saturating_sub(1))]
    SurvivorsIncrease {
        /// The period at which the count rose.
        period: u32,
        /// Survivors at the period before.
        before: u64,
        /// Survivors at `period`.
        after: u64,
    },
    /// A cohort's survivor count exceeds the cohort's size.
    #[error("survivors at period {period} ({survivors}) exceed the cohort size ({size})")]
    SurvivorsAboveCohortSize {
        /// The period of the count.
        period: u32,
        /// Survivors at that period.
        survivors: u64,
        /// The cohort's size.
        size: u64,
    },
    /// A cohort's losses per period add up to more than its size.
    #[error("losses add up to {lost} by period {period}, more than the cohort size ({size})")]
    LostAboveCohortSize {
        /// The first period at which the losses exceed the size.
        period: u32,
        /// Losses up to that period.
        lost: u64,
        /// The cohort's size.
        size: u64,
    },
    /// No customer was lost in any observed period, so churn cannot be estimated.
    #[error("no churn among {customers} observed customers: churn cannot be estimated")]
    NoChurn {
        /// Customers in cohorts observed for at least one period.
        customers: u64,
    },
    /// Every customer was lost in the first period, so retention cannot be estimated.
    #[error("all {customers} observed customers were lost in the first period: retention cannot be estimated")]
    AllLostInFirstPeriod {
        /// Customers in cohorts observed for at least one period.
        customers: u64,
    },
    /// Customers are at risk of churning in fewer than two periods, too few for two parameters.
    #[error(
        "too little data: customers are at risk in {periods} period(s), the fit needs at least 2"
    )]
    TooLittleData {
        /// Number of periods in which some customer was observed at risk.
        periods: u32,
    },
    /// The optimizer did not reach its tolerance within its iteration budget.
    #[error("fit did not converge after {iterations} iterations (alpha {alpha:.6}, beta {beta:.6}, log-likelihood {log_likelihood:.4})")]
    NotConverged {
        /// Iterations of the best run.
        iterations: u32,
        /// The best `alpha` found.
        alpha: f64,
        /// The best `beta` found.
        beta: f64,
        /// Log-likelihood at the best estimate.
        log_likelihood: f64,
    },
    /// A tenure is negative or a term length is not positive.
    #[error("tenure of {tenure_days} days with terms of {term_days} days: tenure must not be negative and a term must last at least one day")]
    InvalidTenure {
        /// The tenure given, in days.
        tenure_days: i64,
        /// The term length given, in days.
        term_days: i64,
    },
    /// A computation did not produce a finite number (not expected for valid input; reported
    /// rather than returning NaN or infinity).
    #[error("numerical failure computing {quantity}")]
    Numerical {
        /// What was being computed.
        quantity: String,
    },
}
