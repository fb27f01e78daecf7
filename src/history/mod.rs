//! Customers over time: one customer's trends and early warnings, the portfolio from one
//! period to the next, and back-testing the assessments of one date against what customers did
//! next.
//!
//! A [`CustomerHistory`] holds a customer's assessments of consecutive periods (of any length;
//! gaps are allowed and shown by [`CustomerHistory::gaps`]) and gives the [`Trend`] of the
//! overall score and of each dimension over a window of periods, and the early [`Warning`]s of
//! the articles' logic: a star whose margin erodes, growth potential falling, behavior slipping
//! after an expectation reset, cost to serve rising faster than revenue.
//!
//! [`PeriodChange::between`] two portfolio reports gives the transition matrices between
//! quadrants, classes and actions (customers and revenue), the customers gained, lost and
//! churned, and a [`MarginBridge`] from one period's total margin to the next's — price and
//! volume (volume and mix), cost to serve, churn and new customers — exact to the cent.
//!
//! Health scores are often said not to predict churn, and nobody can show whether they do.
//! [`back_test`] measures it for this crate's scores and recommendations: given the
//! assessments at one date and each customer's [`Outcome`] by a later date (churned or
//! renewed, expanded or not), it reports how well the overall score, each dimension and the
//! recommended action told the customers who stayed from those who churned ([`auc`], exact,
//! ties counted half), churn by score decile with its lift, the calibration of any stated
//! renewal probability, and the customers who churned while rated green.
//!
//! Use it honestly: choose weights on one period's outcomes and check them on the next
//! period's, never on the same customers they were fitted to.

mod backtest;
mod customer;
mod diff;
mod periods;
mod wire;

pub use backtest::{
    auc, back_test, BackTest, CalibrationBin, ChurnedWhileGreen, Decile, Discrimination,
    Observation, Outcome,
};
pub use customer::{
    CustomerHistory, Direction, Gap, HistoryConfig, PeriodAssessment, Trend, Trends, Warning,
};
pub use diff::{CostCause, CostLineChange, LeverChange, PeriodDiff};
pub use periods::{ContinuingTotals, MarginBridge, PeriodChange, Transition};
