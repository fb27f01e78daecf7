//! Back-testing: did the scores and the recommendations of one date predict what customers did
//! next?

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::assessment::scoring::Rag;
use crate::assessment::{Dimension, FitAssessment, Input, PerDimension};
use crate::customer::{CustomerId, LifecycleStage};
use crate::error::{Error, Problem, Result};
use crate::history::wire::strict_serde;
use crate::policy::{Action, Recommendation};
use crate::units::Probability;

/// What a customer did after it was assessed, by a later date.
///
/// Read back strictly: a misspelt field (`expandd`) or a list (`[true, null]`) is refused,
/// not read as "unknown".
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Outcome {
    /// It churned (did not renew, or left) by the later date.
    pub churned: bool,
    /// It expanded (bought more) by the later date, when known.
    pub expanded: Option<bool>,
}

impl Outcome {
    /// It stayed; whether it expanded is unknown.
    pub const STAYED: Outcome = Outcome {
        churned: false,
        expanded: None,
    };
    /// It churned.
    pub const CHURNED: Outcome = Outcome {
        churned: true,
        expanded: None,
    };

    /// This outcome, with whether the customer expanded.
    pub fn with_expanded(self, expanded: bool) -> Self {
        Outcome {
            expanded: Some(expanded),
            ..self
        }
    }
}

/// One assessed customer, what was said of it, and what it did next.
///
/// Read back strictly, as [`Outcome`]: a misspelt optional field would silently leave out a
/// stated probability or a dimension score.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Observation {
    /// The customer.
    pub customer: CustomerId,
    /// Its lifecycle stage when assessed: churned customers and prospects are left out of a
    /// back-test (there was nothing to predict).
    pub stage: LifecycleStage,
    /// The effective overall score.
    pub overall: f64,
    /// The effective score of each dimension, where it was known.
    pub dimensions: PerDimension<Option<f64>>,
    /// The traffic light the scorecard gave: the grade of the computed overall score, before
    /// any override of it (from [`Observation::new`]).
    pub rag: Rag,
    /// The recommended action.
    pub action: Action,
    /// A probability of renewing stated for the customer — its renewal intent, or a retention
    /// model's rate — if any, to check calibration.
    pub renewal_probability: Option<Probability>,
    /// What it did next.
    pub outcome: Outcome,
}

strict_serde!(
    Outcome,
    Observation,
    Discrimination,
    Decile,
    CalibrationBin,
    ChurnedWhileGreen,
    BackTest,
);

impl Observation {
    /// The observation of an assessment and its recommendation, with the outcome. The stated
    /// renewal probability is the customer's renewal intent, when it is known; set another
    /// (a retention model's rate) with [`with_renewal_probability`](Self::with_renewal_probability).
    pub fn new(a: &FitAssessment, r: &Recommendation, outcome: Outcome) -> Self {
        Observation {
            customer: a.customer.clone(),
            stage: a.stage,
            overall: a.effective_overall(),
            dimensions: PerDimension::from_fn(|d| a.effective_score(d)),
            rag: a.scorecard.grade.rag,
            action: r.action,
            renewal_probability: a
                .inputs
                .get(Input::RenewalIntent)
                .and_then(|p| Probability::new(p).ok()),
            outcome,
        }
    }

    /// An observation made of its parts, for scores kept elsewhere (a data warehouse, an
    /// earlier run): an active customer with no dimension scores; add them with
    /// [`with_dimension`](Self::with_dimension).
    pub fn of(
        customer: CustomerId,
        overall: f64,
        rag: Rag,
        action: Action,
        outcome: Outcome,
    ) -> Self {
        Observation {
            customer,
            stage: LifecycleStage::Active,
            overall,
            dimensions: PerDimension::default(),
            rag,
            action,
            renewal_probability: None,
            outcome,
        }
    }

    /// This observation with the score of one dimension.
    pub fn with_dimension(mut self, dimension: Dimension, score: f64) -> Self {
        *self.dimensions.get_mut(dimension) = Some(score);
        self
    }

    /// This observation with the lifecycle stage the customer had when assessed.
    pub fn with_stage(self, stage: LifecycleStage) -> Self {
        Observation { stage, ..self }
    }

    /// This observation with a stated renewal probability.
    pub fn with_renewal_probability(self, p: Probability) -> Self {
        Observation {
            renewal_probability: Some(p),
            ..self
        }
    }
}

/// How well one score told two groups apart.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Discrimination {
    /// The area under the ROC curve: the chance that a customer of the favorable group (stayed,
    /// expanded) scored higher than one of the other, ties counted half. 1 is a perfect
    /// ranking, 0.5 no better than chance, 0 perfectly reversed. `None` when either group is
    /// empty.
    pub auc: Option<f64>,
    /// Customers with the score.
    pub customers: u64,
    /// Of them, in the favorable group.
    pub favorable: u64,
}

impl fmt::Display for Discrimination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.auc {
            Some(auc) => write!(f, "AUC {auc:.3} ({} customers)", self.customers),
            None => write!(
                f,
                "AUC undefined ({} customers, one group empty)",
                self.customers
            ),
        }
    }
}

/// The exact area under the ROC curve of `(score, favorable)` pairs: the share of
/// (favorable, other) pairs in which the favorable one scored higher, ties counted half.
///
/// Computed from counts, not from a curve: it depends only on the order of the scores, so any
/// strictly increasing transform of them gives the same value. A NaN score, whatever its sign
/// or payload, ranks above every number and ties with other NaNs ([`back_test`] refuses
/// them).
///
/// ```
/// use custfit::history::auc;
/// // Customers who stayed (true) scored higher than those who churned, but for one tie.
/// let d = auc([(80.0, true), (70.0, true), (70.0, false), (20.0, false)]);
/// assert_eq!(d.auc, Some(0.875)); // 3.5 of 4 pairs
/// assert_eq!(auc([(1.0, true), (2.0, true)]).auc, None); // no other group
/// ```
pub fn auc(scores: impl IntoIterator<Item = (f64, bool)>) -> Discrimination {
    // Every NaN as one, the positive: `total_cmp` alone would rank a negative NaN below every
    // number, and NaNs of other payloads apart.
    let mut pairs: Vec<(f64, bool)> = scores
        .into_iter()
        .map(|(s, f)| (if s.is_nan() { f64::NAN } else { s }, f))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let favorable = pairs.iter().filter(|p| p.1).count() as u128;
    let other = pairs.len() as u128 - favorable;
    // Twice the Mann-Whitney U: each favorable customer counts 2 per lower other one and 1
    // per tied one. In u128 it cannot overflow for any number of customers a u64 can count.
    let (mut twice_u, mut others_below, mut i) = (0u128, 0u128, 0);
    while i < pairs.len() {
        let score = pairs[i].0;
        // NaN is tied with NaN (it sorts last), so every group has a member.
        let tied = |p: &&(f64, bool)| p.0 == score || (p.0.is_nan() && score.is_nan());
        let group = pairs[i..].iter().take_while(tied).count();
        let fav = pairs[i..i + group].iter().filter(|p| p.1).count() as u128;
        let oth = group as u128 - fav;
        twice_u += fav * (2 * others_below + oth);
        others_below += oth;
        i += group;
    }
    let auc = (favorable > 0 && other > 0).then(|| twice_u as f64 / (2 * favorable * other) as f64);
    Discrimination {
        auc,
        customers: pairs.len() as u64,
        favorable: favorable as u64,
    }
}

/// Churn by score decile: decile 1 holds the lowest scores.
///
/// Customers are ranked by overall score, ties by id, and position `i` of `n` falls in decile
/// `floor(10 i / n) + 1`, so deciles differ in size by at most one and a run of equal scores
/// may straddle two; with fewer than ten customers some decile numbers are skipped.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Decile {
    /// 1 (lowest scores) to 10.
    pub decile: u8,
    /// Customers in it.
    pub customers: u64,
    /// Of them, churned.
    pub churned: u64,
    /// `churned / customers`.
    pub churn_rate: f64,
    /// The churn rate over the whole back-test's: above 1 where churn concentrates. `None`
    /// when nobody churned.
    pub lift: Option<f64>,
    /// Lowest overall score in it.
    pub min_score: f64,
    /// Highest overall score in it.
    pub max_score: f64,
}

/// Stated renewal probabilities against what happened, in bins of a tenth.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct CalibrationBin {
    /// Lower end of the bin (0.0, 0.1, ... 0.9); the last bin includes 1.
    pub from: f64,
    /// Customers whose stated probability falls in it.
    pub customers: u64,
    /// Their mean stated probability of renewing.
    pub stated: f64,
    /// The share of them that did renew.
    pub observed: f64,
}

/// A customer rated green that churned all the same.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ChurnedWhileGreen {
    /// The customer.
    pub customer: CustomerId,
    /// Its overall score.
    pub overall: f64,
    /// Its dimension scores.
    pub dimensions: PerDimension<Option<f64>>,
    /// What was recommended.
    pub action: Action,
}

/// How well the assessments of one date predicted what customers did next.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct BackTest {
    /// Customers back-tested (live when assessed).
    pub customers: u64,
    /// Observations left out: churned customers and prospects when assessed.
    pub left_out: u64,
    /// Of the customers, churned.
    pub churned: u64,
    /// `churned / customers`, `None` without customers.
    pub churn_rate: Option<f64>,
    /// The overall score against churn (favorable: stayed).
    pub overall: Discrimination,
    /// Each dimension's score against churn, over the customers where it was known.
    pub dimensions: PerDimension<Discrimination>,
    /// The recommendation against churn: a milder action ranks higher (invest above retain
    /// above restructure above offboard).
    pub action: Discrimination,
    /// The growth-potential score against expansion (favorable: expanded), over the
    /// customers whose expansion is known.
    pub growth_vs_expansion: Discrimination,
    /// Churn by overall-score decile.
    pub deciles: Vec<Decile>,
    /// Stated renewal probabilities against renewals (bins with customers only).
    pub calibration: Vec<CalibrationBin>,
    /// The mean squared error of the stated renewal probabilities (0 is perfect), `None`
    /// when none was stated.
    pub brier_score: Option<f64>,
    /// Customers rated green that churned, highest score first.
    pub churned_while_green: Vec<ChurnedWhileGreen>,
}

/// Back-test the assessments of one date against the outcomes after it.
///
/// Observations of churned customers and prospects are left out (counted in
/// [`BackTest::left_out`]). A team can read, per dimension, whether its score tells the
/// customers who stayed from those who churned (an AUC near 0.5 says it does not), whether
/// churn concentrates in the low deciles, and which customers churned while green — and
/// re-weight the scorecard accordingly, fitting on one period and checking on the next.
///
/// ```
/// use custfit::assessment::scoring::Rag;
/// use custfit::history::{back_test, Observation, Outcome};
/// use custfit::Action;
/// # fn main() -> custfit::Result<()> {
/// let seen = |id: &str, overall, rag, outcome| {
///     Ok::<_, custfit::Error>(Observation::of(id.parse()?, overall, rag, Action::Retain, outcome))
/// };
/// let observations = vec![
///     seen("a", 90.0, Rag::Green, Outcome::STAYED)?,
///     seen("b", 75.0, Rag::Green, Outcome::CHURNED)?,
///     seen("c", 40.0, Rag::Red, Outcome::CHURNED)?,
/// ];
/// let test = back_test(&observations)?;
/// assert_eq!(test.overall.auc, Some(1.0)); // the one who stayed scored highest
/// assert_eq!(test.churned_while_green[0].customer.as_str(), "b");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`Error::DuplicateCustomer`] for a customer observed twice (the first in id order): one
/// customer counted twice would weigh double, and the deciles and the customers churned while
/// green would depend on the order of the observations. [`Error::InvalidField`] naming the
/// customer and the score for a score that is not a finite number.
///
/// The result does not depend on the order of the observations, to the last bit: float sums
/// are taken in an order of their own.
pub fn back_test(observations: &[Observation]) -> Result<BackTest> {
    let mut ids: Vec<&CustomerId> = observations.iter().map(|o| &o.customer).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::DuplicateCustomer {
            customer: w[0].clone(),
        });
    }
    for o in observations {
        let bad = |field: String, value: f64| {
            Err(Error::invalid(
                Some(&o.customer),
                field,
                Problem::OutOfRange {
                    value: value.to_string(),
                    allowed: "a finite score".into(),
                },
            ))
        };
        if !o.overall.is_finite() {
            return bad("overall".into(), o.overall);
        }
        for d in Dimension::ALL {
            if let Some(s) = (*o.dimensions.get(d)).filter(|s| !s.is_finite()) {
                return bad(format!("dimensions.{}", d.as_str()), s);
            }
        }
    }
    let live: Vec<&Observation> = observations
        .iter()
        .filter(|o| !matches!(o.stage, LifecycleStage::Churned | LifecycleStage::Prospect))
        .collect();
    let customers = live.len() as u64;
    let churned = live.iter().filter(|o| o.outcome.churned).count() as u64;
    let churn_rate = (customers > 0).then(|| churned as f64 / customers as f64);
    let stayed = |o: &&Observation| !o.outcome.churned;
    Ok(BackTest {
        customers,
        left_out: observations.len() as u64 - customers,
        churned,
        churn_rate,
        overall: auc(live.iter().map(|o| (o.overall, stayed(o)))),
        dimensions: PerDimension::from_fn(|d| {
            auc(live
                .iter()
                .filter_map(|o| (*o.dimensions.get(d)).map(|s| (s, stayed(o)))))
        }),
        action: auc(live
            .iter()
            .map(|o| (-f64::from(o.action.harshness()), stayed(o)))),
        growth_vs_expansion: auc(live.iter().filter_map(|o| {
            let growth = (*o.dimensions.get(Dimension::GrowthPotential))?;
            Some((growth, o.outcome.expanded?))
        })),
        deciles: deciles(&live, churn_rate),
        calibration: calibration(&live),
        brier_score: brier(&live),
        churned_while_green: churned_while_green(&live),
    })
}

fn by_score(a: &&Observation, b: &&Observation) -> Ordering {
    a.overall
        .total_cmp(&b.overall)
        .then_with(|| a.customer.cmp(&b.customer))
}

fn deciles(live: &[&Observation], churn_rate: Option<f64>) -> Vec<Decile> {
    let mut sorted = live.to_vec();
    sorted.sort_by(by_score);
    let n = sorted.len();
    let mut out: Vec<Decile> = Vec::new();
    for (i, o) in sorted.iter().enumerate() {
        // Position i of n falls in decile floor(10 i / n) + 1: sizes differ by at most one.
        let decile = (i * 10 / n) as u8 + 1;
        if out.last().is_none_or(|d| d.decile != decile) {
            out.push(Decile {
                decile,
                customers: 0,
                churned: 0,
                churn_rate: 0.0,
                lift: None,
                min_score: o.overall,
                max_score: o.overall,
            });
        }
        if let Some(d) = out.last_mut() {
            d.customers += 1;
            d.churned += u64::from(o.outcome.churned);
            d.max_score = o.overall;
        }
    }
    for d in &mut out {
        d.churn_rate = d.churned as f64 / d.customers as f64;
        d.lift = churn_rate.filter(|r| *r > 0.0).map(|r| d.churn_rate / r);
    }
    out
}

fn calibration(live: &[&Observation]) -> Vec<CalibrationBin> {
    // Summed in the order of the probabilities, not of the observations: a float sum depends
    // on its order.
    let mut stated: Vec<(f64, bool)> = live
        .iter()
        .filter_map(|o| Some((o.renewal_probability?.get(), !o.outcome.churned)))
        .collect();
    stated.sort_by(|a, b| a.0.total_cmp(&b.0));
    // (customers, sum of stated, renewed) per tenth.
    let mut bins = [(0u64, 0.0f64, 0u64); 10];
    for (p, renewed) in stated {
        let bin = &mut bins[((p * 10.0) as usize).min(9)];
        bin.0 += 1;
        bin.1 += p;
        bin.2 += u64::from(renewed);
    }
    bins.iter()
        .enumerate()
        .filter(|(_, b)| b.0 > 0)
        .map(|(i, &(n, sum, renewed))| CalibrationBin {
            from: i as f64 / 10.0,
            customers: n,
            stated: sum / n as f64,
            observed: renewed as f64 / n as f64,
        })
        .collect()
}

fn brier(live: &[&Observation]) -> Option<f64> {
    let mut errors: Vec<f64> = live
        .iter()
        .filter_map(|o| {
            let p = o.renewal_probability?.get();
            let renewed = if o.outcome.churned { 0.0 } else { 1.0 };
            Some((p - renewed).powi(2))
        })
        .collect();
    // Summed in their own order, not the observations': a float sum depends on its order.
    errors.sort_by(f64::total_cmp);
    (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64)
}

fn churned_while_green(live: &[&Observation]) -> Vec<ChurnedWhileGreen> {
    let mut out: Vec<&&Observation> = live
        .iter()
        .filter(|o| o.outcome.churned && o.rag == Rag::Green)
        .collect();
    out.sort_by(|a, b| by_score(b, a));
    out.into_iter()
        .map(|o| ChurnedWhileGreen {
            customer: o.customer.clone(),
            overall: o.overall,
            dimensions: o.dimensions,
            action: o.action,
        })
        .collect()
}
