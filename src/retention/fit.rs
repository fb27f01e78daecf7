//! Maximum-likelihood fitting of the sBG model on cohorts: the options, the result and the
//! deterministic Newton optimizer.

use serde::{Deserialize, Serialize};

use super::*;

impl ShiftedBetaGeometric {
    /// Fit a model by maximum likelihood on one or several cohorts (of any ages), with the
    /// default [`FitOptions`].
    ///
    /// # Errors
    ///
    /// As [`fit_with`](Self::fit_with).
    ///
    /// ```
    /// use custfit::retention::{Cohort, ShiftedBetaGeometric};
    /// let cohorts = [
    ///     Cohort::from_survivor_curve(&[1000, 631, 468, 382, 326, 289, 262, 241])?,
    ///     Cohort::from_survivor_curve(&[800, 510, 380])?,
    /// ];
    /// let fit = ShiftedBetaGeometric::fit(&cohorts)?;
    /// assert!(fit.converged && !fit.at_bound);
    /// assert_eq!(fit.customers, 1800);
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn fit(cohorts: &[Cohort]) -> std::result::Result<Fit, RetentionError> {
        Self::fit_with(cohorts, &FitOptions::default())
    }

    /// Fit a model by maximum likelihood on one or several cohorts.
    ///
    /// The optimizer is a damped Newton method on `(ln alpha, ln beta)` with exact first and
    /// second derivatives and a backtracking line search, restricted to parameters in
    /// `[1e-6, 1e6]`, run from four deterministic starting points (`alpha = beta = 1` and three
    /// around the first period's churn rate); the best converged run wins. It stops when every
    /// component of the gradient with respect to `(ln alpha, ln beta)` is at most `1e-9 ×
    /// max(1, |log-likelihood|)`; a parameter pushed against a bound of the range counts as
    /// converged there and is flagged in [`Fit::at_bound`] (the data show no heterogeneity in
    /// that direction). The same data always give the same fit.
    ///
    /// # Errors
    ///
    /// - [`RetentionError::TooLittleData`] when no cohort is observed for a period, or
    ///   customers are at risk in fewer than two periods;
    /// - [`RetentionError::NoChurn`] when nobody was lost;
    /// - [`RetentionError::AllLostInFirstPeriod`] when nobody survived the first period;
    /// - [`RetentionError::NotConverged`] when no run converged within
    ///   [`FitOptions::max_iterations`] and [`FitOptions::require_convergence`] is set.
    pub fn fit_with(
        cohorts: &[Cohort],
        options: &FitOptions,
    ) -> std::result::Result<Fit, RetentionError> {
        let tally = Tally::new(cohorts);
        tally.check()?;
        let lo = FIT_MIN_PARAMETER.ln();
        let hi = FIT_MAX_PARAMETER.ln();
        let p1 = (tally.churned_first / tally.at_risk_first).clamp(0.02, 0.98);
        let starts = [
            [0.0, 0.0],
            [p1.ln(), (1.0 - p1).ln()],
            [(4.0 * p1).ln(), (4.0 * (1.0 - p1)).ln()],
            [(20.0 * p1).ln(), (20.0 * (1.0 - p1)).ln()],
        ];
        let mut best: Option<Run> = None;
        for start in starts {
            let run = newton(&tally, start, options.max_iterations, lo, hi);
            let better = match &best {
                None => true,
                Some(b) => {
                    (run.converged && !b.converged)
                        || (run.converged == b.converged && run.log_likelihood > b.log_likelihood)
                }
            };
            if better {
                best = Some(run);
            }
        }
        let run = best.ok_or_else(|| numerical("fit"))?;
        let alpha = run.x[0].exp().clamp(FIT_MIN_PARAMETER, FIT_MAX_PARAMETER);
        let beta = run.x[1].exp().clamp(FIT_MIN_PARAMETER, FIT_MAX_PARAMETER);
        if !run.log_likelihood.is_finite() || !run.gradient_norm.is_finite() {
            return Err(numerical("fit"));
        }
        if !run.converged && options.require_convergence {
            return Err(RetentionError::NotConverged {
                iterations: run.iterations,
                alpha,
                beta,
                log_likelihood: run.log_likelihood,
            });
        }
        // At the upper bound of the search the likelihood has no finite maximum: it climbs
        // toward the constant-churn model, which is the estimate.
        let outcome = if run.x.iter().any(|&v| v >= hi) {
            FitOutcome::ConstantChurnLimit {
                churn: alpha / (alpha + beta),
            }
        } else {
            FitOutcome::Maximum
        };
        Ok(Fit {
            model: ShiftedBetaGeometric::new(alpha, beta)?,
            log_likelihood: run.log_likelihood,
            iterations: run.iterations,
            converged: run.converged,
            gradient_norm: run.gradient_norm,
            at_bound: run.at_bound,
            outcome,
            customers: tally.customers,
            periods: tally.periods,
        })
    }
}

/// Settings of the fit.
///
/// ```
/// use custfit::retention::FitOptions;
/// let options = FitOptions::default().max_iterations(50).require_convergence(false);
/// assert_eq!(options.max_iterations, 50);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    /// Newton iterations allowed per starting point; default 100 (the fits of typical data
    /// take fewer than 15).
    pub max_iterations: u32,
    /// Whether a fit that did not converge is an error ([`RetentionError::NotConverged`], the
    /// default) or returned with [`Fit::converged`] false.
    pub require_convergence: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            max_iterations: 100,
            require_convergence: true,
        }
    }
}

impl FitOptions {
    /// Set [`max_iterations`](Self::max_iterations).
    pub fn max_iterations(mut self, iterations: u32) -> Self {
        self.max_iterations = iterations;
        self
    }

    /// Set [`require_convergence`](Self::require_convergence).
    pub fn require_convergence(mut self, require: bool) -> Self {
        self.require_convergence = require;
        self
    }
}

/// The result of fitting a model: the estimate and how the optimizer got there.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// The maximum-likelihood model.
    pub model: ShiftedBetaGeometric,
    /// Log-likelihood of the data at [`model`](Self::model).
    pub log_likelihood: f64,
    /// Newton iterations of the run that gave the estimate.
    pub iterations: u32,
    /// Whether the gradient reached the tolerance (always true unless
    /// [`FitOptions::require_convergence`] was turned off).
    pub converged: bool,
    /// Largest component of the gradient with respect to `(ln alpha, ln beta)` at the
    /// estimate, leaving out components that push against a bound of the search range.
    pub gradient_norm: f64,
    /// Whether a parameter sits at a bound of the search range `[1e-6, 1e6]`: the data show no
    /// (or extreme) heterogeneity and the likelihood keeps rising toward the bound.
    pub at_bound: bool,
    /// What the estimate is: a maximum of the likelihood, or the constant-churn limit the
    /// likelihood climbs toward without a finite maximum.
    pub outcome: FitOutcome,
    /// Customers in cohorts observed for at least one period.
    pub customers: u64,
    /// The oldest cohort's age, in periods.
    pub periods: u32,
}

/// What a fit found.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum FitOutcome {
    /// A maximum of the likelihood at finite parameters (possibly with a parameter at the
    /// lower bound of the search range: extreme heterogeneity, flagged in [`Fit::at_bound`]).
    Maximum,
    /// No finite maximum: the likelihood keeps rising as `alpha` or `beta` grow, toward the
    /// constant-churn model (every customer churns with the same probability). The estimate
    /// is that limit, with this churn probability per period; [`Fit::model`] holds the
    /// parameters where the search stopped and should not be read as estimates.
    ConstantChurnLimit {
        /// The churn probability per period, `alpha / (alpha + beta)` at the bound.
        churn: f64,
    },
}

impl Fit {
    /// The fitted model as a [`RetentionModel`] whose periods last `period_months`: the sBG
    /// model for a [`FitOutcome::Maximum`], the constant-churn model for a
    /// [`FitOutcome::ConstantChurnLimit`].
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidParameter`] for a period outside 1..=[`MAX_PERIOD_MONTHS`].
    pub fn retention_model(
        &self,
        period_months: u32,
    ) -> std::result::Result<RetentionModel, RetentionError> {
        match self.outcome {
            FitOutcome::ConstantChurnLimit { churn } => {
                RetentionModel::constant_churn(churn, period_months)
            }
            FitOutcome::Maximum => RetentionModel::new(self.model, period_months),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------------------------

/// Cohort data pooled by period: churners in each period and customers censored (still alive
/// at the end of observation) at each age.
pub(super) struct Tally {
    pub(super) churned: Vec<f64>,
    pub(super) censored: Vec<f64>,
    pub(super) customers: u64,
    pub(super) total_churned: u64,
    pub(super) first_survivors: u64,
    pub(super) churned_first: f64,
    pub(super) at_risk_first: f64,
    /// Oldest cohort age.
    pub(super) periods: u32,
    /// Number of periods in which some customer is at risk.
    pub(super) at_risk_periods: u32,
}

impl Tally {
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn new(cohorts: &[Cohort]) -> Tally {
        let max_age = cohorts.iter().map(|c| c.survivors.len()).max().unwrap_or(0);
        let mut churned = vec![0.0; max_age + 1];
        let mut censored = vec![0.0; max_age + 1];
        let mut tally = Tally {
            churned: Vec::new(),
            censored: Vec::new(),
            customers: 0,
            total_churned: 0,
            first_survivors: 0,
            churned_first: 0.0,
            at_risk_first: 0.0,
            periods: u32::try_from(max_age).unwrap_or(u32::MAX),
            at_risk_periods: 0,
        };
        for cohort in cohorts {
            let age = cohort.survivors.len();
            let mut before = cohort.size;
            for (i, &after) in cohort.survivors.iter().enumerate() {
                churned[i + 1] += (before - after) as f64;
                before = after;
            }
            censored[age] += before as f64;
            if age == 0 {
                continue;
            }
            tally.customers = tally.customers.saturating_add(cohort.size);
            tally.total_churned = tally.total_churned.saturating_add(cohort.size - before);
            let first = cohort.survivors[0];
            tally.first_survivors = tally.first_survivors.saturating_add(first);
            tally.churned_first += (cohort.size - first) as f64;
            tally.at_risk_first += cohort.size as f64;
            // At risk in period t when alive after t - 1 and observed through t.
            let alive_before_last = cohort.survivors[..age - 1]
                .iter()
                .take_while(|&&s| s > 0)
                .count();
            let at_risk = u32::try_from(alive_before_last + 1).unwrap_or(u32::MAX);
            tally.at_risk_periods = tally.at_risk_periods.max(at_risk);
        }
        tally.churned = churned;
        tally.censored = censored;
        tally
    }

    pub(super) fn check(&self) -> std::result::Result<(), RetentionError> {
        if self.customers == 0 {
            return Err(RetentionError::TooLittleData { periods: 0 });
        }
        if self.total_churned == 0 {
            return Err(RetentionError::NoChurn {
                customers: self.customers,
            });
        }
        if self.first_survivors == 0 {
            return Err(RetentionError::AllLostInFirstPeriod {
                customers: self.customers,
            });
        }
        if self.at_risk_periods < 2 {
            return Err(RetentionError::TooLittleData {
                periods: self.at_risk_periods,
            });
        }
        Ok(())
    }

    pub(super) fn log_likelihood(&self, a: f64, b: f64) -> f64 {
        let mut ll = 0.0;
        let mut ln_s = 0.0;
        let ln_a = a.ln();
        for t in 1..self.churned.len() {
            #[allow(clippy::cast_precision_loss)]
            let bt = b + (t - 1) as f64;
            let ln_den = (a + bt).ln();
            let ln_p = ln_s + ln_a - ln_den;
            ln_s += bt.ln() - ln_den;
            if self.churned[t] > 0.0 {
                ll += self.churned[t] * ln_p;
            }
            if self.censored[t] > 0.0 {
                ll += self.censored[t] * ln_s;
            }
        }
        ll
    }

    /// Log-likelihood with gradient and Hessian with respect to `(ln a, ln b)`.
    pub(super) fn evaluate(&self, x: [f64; 2]) -> Eval {
        let (a, b) = (x[0].exp(), x[1].exp());
        let ln_a = a.ln();
        let mut ll = 0.0;
        let (mut ga, mut gb) = (0.0, 0.0);
        let (mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0);
        // ln S(t-1) and its derivatives with respect to (a, b).
        let mut ln_s = 0.0;
        let (mut sa, mut sb) = (0.0, 0.0);
        let (mut saa, mut sab, mut sbb) = (0.0, 0.0, 0.0);
        for t in 1..self.churned.len() {
            #[allow(clippy::cast_precision_loss)]
            let bt = b + (t - 1) as f64;
            let den = a + bt;
            let (id, ibt) = (1.0 / den, 1.0 / bt);
            let id2 = id * id;
            let w_p = self.churned[t];
            if w_p > 0.0 {
                ll += w_p * (ln_s + ln_a - den.ln());
                ga += w_p * (sa + 1.0 / a - id);
                gb += w_p * (sb - id);
                haa += w_p * (saa - 1.0 / (a * a) + id2);
                hab += w_p * (sab + id2);
                hbb += w_p * (sbb + id2);
            }
            ln_s += bt.ln() - den.ln();
            sa -= id;
            sb += ibt - id;
            saa += id2;
            sab += id2;
            sbb += id2 - ibt * ibt;
            let w_s = self.censored[t];
            if w_s > 0.0 {
                ll += w_s * ln_s;
                ga += w_s * sa;
                gb += w_s * sb;
                haa += w_s * saa;
                hab += w_s * sab;
                hbb += w_s * sbb;
            }
        }
        Eval {
            ll,
            g: [a * ga, b * gb],
            h: [
                [a * a * haa + a * ga, a * b * hab],
                [a * b * hab, b * b * hbb + b * gb],
            ],
        }
    }
}

pub(super) struct Eval {
    pub(super) ll: f64,
    pub(super) g: [f64; 2],
    pub(super) h: [[f64; 2]; 2],
}

pub(super) struct Run {
    pub(super) x: [f64; 2],
    pub(super) log_likelihood: f64,
    pub(super) iterations: u32,
    pub(super) converged: bool,
    pub(super) gradient_norm: f64,
    pub(super) at_bound: bool,
}

/// Damped projected Newton ascent on `(ln a, ln b)` within `[lo, hi]²`.
pub(super) fn newton(tally: &Tally, start: [f64; 2], max_iterations: u32, lo: f64, hi: f64) -> Run {
    let clamp = |x: [f64; 2]| [x[0].clamp(lo, hi), x[1].clamp(lo, hi)];
    let mut x = clamp(start);
    let mut iterations = 0;
    loop {
        let e = tally.evaluate(x);
        // Components pushing against a bound are held fixed.
        let free = [0, 1].map(|i| !((x[i] <= lo && e.g[i] < 0.0) || (x[i] >= hi && e.g[i] > 0.0)));
        let pg = [0, 1].map(|i| if free[i] { e.g[i] } else { 0.0 });
        let gradient_norm = pg[0].abs().max(pg[1].abs());
        let tolerance = FIT_TOLERANCE * e.ll.abs().max(1.0);
        let finish = |converged: bool, iterations: u32| Run {
            x,
            log_likelihood: e.ll,
            iterations,
            converged,
            gradient_norm,
            at_bound: x.iter().any(|&v| v <= lo || v >= hi),
        };
        if !e.ll.is_finite() || !gradient_norm.is_finite() {
            return finish(false, iterations);
        }
        if gradient_norm <= tolerance {
            return finish(true, iterations);
        }
        if iterations >= max_iterations {
            return finish(false, iterations);
        }
        iterations += 1;
        let mut p = newton_direction(&e, pg, free);
        let longest = p[0].abs().max(p[1].abs());
        if longest > 5.0 {
            p = [p[0] * 5.0 / longest, p[1] * 5.0 / longest];
        }
        // Backtracking line search with the Armijo condition on the projected step.
        let mut step = 1.0;
        let mut next = None;
        while step >= 1e-12 {
            let candidate = clamp([x[0] + step * p[0], x[1] + step * p[1]]);
            let gain = e.g[0] * (candidate[0] - x[0]) + e.g[1] * (candidate[1] - x[1]);
            let ll = tally.log_likelihood(candidate[0].exp(), candidate[1].exp());
            if ll.is_finite() && ll >= e.ll + 1e-4 * gain && candidate != x {
                next = Some(candidate);
                break;
            }
            step *= 0.5;
        }
        match next {
            Some(candidate) => x = candidate,
            // No measurable progress: converged only if the documented stop rule holds.
            None => return finish(gradient_norm <= tolerance, iterations),
        }
    }
}

/// Newton direction on the free components when the Hessian there is negative definite,
/// otherwise the normalized gradient.
pub(super) fn newton_direction(e: &Eval, pg: [f64; 2], free: [bool; 2]) -> [f64; 2] {
    let ascent = || {
        let norm = pg[0].hypot(pg[1]);
        [pg[0] / norm, pg[1] / norm]
    };
    match free {
        [true, true] => {
            let [[h00, h01], [h10, h11]] = e.h;
            let det = h00 * h11 - h01 * h10;
            if h00 < 0.0 && det > 0.0 {
                [
                    -(h11 * pg[0] - h01 * pg[1]) / det,
                    -(-h10 * pg[0] + h00 * pg[1]) / det,
                ]
            } else {
                ascent()
            }
        }
        [true, false] if e.h[0][0] < 0.0 => [-pg[0] / e.h[0][0], 0.0],
        [false, true] if e.h[1][1] < 0.0 => [0.0, -pg[1] / e.h[1][1]],
        _ => ascent(),
    }
}
