//! Expected lifetimes and payback periods, which may be infinite or never.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An expected lifetime in periods, which is infinite for some models.
///
/// The undiscounted mean lifetime of the sBG model is finite only when `alpha > 1`; it is
/// represented as [`ExpectedLifetime::Infinite`] otherwise, never as a huge number.
///
/// ```
/// use custfit::retention::{ExpectedLifetime, ShiftedBetaGeometric};
/// let model = ShiftedBetaGeometric::new(2.0, 3.0)?;
/// assert_eq!(model.expected_lifetime(), ExpectedLifetime::Finite(4.0));
/// assert_eq!(ShiftedBetaGeometric::new(0.7, 1.2)?.expected_lifetime(), ExpectedLifetime::Infinite);
/// # Ok::<(), custfit::retention::RetentionError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedLifetime {
    /// A finite expectation, in periods.
    Finite(f64),
    /// The expectation diverges: enough customers are nearly certain to stay forever.
    Infinite,
}

impl ExpectedLifetime {
    /// The value, or `None` when infinite.
    pub fn finite(self) -> Option<f64> {
        match self {
            ExpectedLifetime::Finite(v) => Some(v),
            ExpectedLifetime::Infinite => None,
        }
    }

    /// Whether the expectation is finite.
    pub fn is_finite(self) -> bool {
        matches!(self, ExpectedLifetime::Finite(_))
    }
}

impl fmt::Display for ExpectedLifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedLifetime::Finite(v) => write!(f, "{v} periods"),
            ExpectedLifetime::Infinite => f.write_str("infinite"),
        }
    }
}

/// When acquisition cost is earned back.
///
/// ```
/// use custfit::retention::{Payback, payback_period};
/// let cac: custfit::Money = "12000.00 EUR".parse()?;
/// assert_eq!(payback_period(cac, "5000.00 EUR".parse()?)?, Payback::Periods(3));
/// assert_eq!(payback_period(cac, "-10.00 EUR".parse()?)?, Payback::Never);
/// # Ok::<(), custfit::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payback {
    /// Paid back within this many periods (0 when there is nothing to pay back).
    Periods(u32),
    /// Never paid back: the margin is not positive, or the cost is not recovered within
    /// `u32::MAX` periods (or, with churn, ever).
    Never,
}

impl fmt::Display for Payback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payback::Periods(1) => f.write_str("1 period"),
            Payback::Periods(n) => write!(f, "{n} periods"),
            Payback::Never => f.write_str("never"),
        }
    }
}
