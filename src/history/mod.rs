//! Customers over time: back-testing the assessments of one date against what customers did
//! next.
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

pub use backtest::{
    auc, back_test, BackTest, CalibrationBin, ChurnedWhileGreen, Decile, Discrimination,
    Observation, Outcome,
};
