//! Fit the shifted-beta-geometric retention model on annual cohorts, project retention, and
//! value a few customers: residual lifetime value, LTV:CAC and payback.
//!
//! Run with `cargo run --example lifetime_value`. The cohorts are read from
//! `examples/data/cohorts.csv` (one row per cohort and year: `cohort,period,survivors`); the
//! 2017 cohort is the "regular" segment of Fader & Hardie (2007).

use std::collections::BTreeMap;
use std::error::Error;

use custfit::retention::{
    ltv_to_cac, payback_period, renewals_from_tenure, Cohort, ExpectedLifetime, FitOutcome,
    ShiftedBetaGeometric,
};
use custfit::Money;
use serde::Deserialize;

/// Discount rate per contract year.
const DISCOUNT_RATE: f64 = 0.10;
/// Contract term in days (annual contracts).
const TERM_DAYS: i64 = 365;

#[derive(Deserialize)]
struct Row {
    cohort: String,
    period: u32,
    survivors: u64,
}

/// A hypothetical customer to value.
struct Customer {
    name: &'static str,
    tenure_days: i64,
    margin_per_year: &'static str,
    acquisition_cost: &'static str,
}

fn read_cohorts() -> Result<BTreeMap<String, Cohort>, Box<dyn Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/cohorts.csv");
    let mut curves: BTreeMap<String, Vec<(u32, u64)>> = BTreeMap::new();
    for row in csv::Reader::from_path(path)?.deserialize() {
        let row: Row = row?;
        curves
            .entry(row.cohort)
            .or_default()
            .push((row.period, row.survivors));
    }
    let mut cohorts = BTreeMap::new();
    for (name, mut points) in curves {
        points.sort_unstable();
        if points
            .iter()
            .enumerate()
            .any(|(i, &(p, _))| p as usize != i)
        {
            return Err(
                format!("cohort {name}: periods must run 0, 1, 2, ... without gaps").into(),
            );
        }
        let curve: Vec<u64> = points.iter().map(|&(_, s)| s).collect();
        let cohort =
            Cohort::from_survivor_curve(&curve).map_err(|e| format!("cohort {name}: {e}"))?;
        cohorts.insert(name, cohort);
    }
    Ok(cohorts)
}

fn main() -> Result<(), Box<dyn Error>> {
    let cohorts = read_cohorts()?;
    let all: Vec<Cohort> = cohorts.values().cloned().collect();

    // 1. Fit.
    let fit = ShiftedBetaGeometric::fit(&all)?;
    let model = fit.model;
    println!("Shifted-beta-geometric fit on {} cohorts", cohorts.len());
    println!("  customers observed   {}", fit.customers);
    println!("  oldest cohort        {} years", fit.periods);
    println!("  alpha                {:.4}", model.alpha());
    println!("  beta                 {:.4}", model.beta());
    println!("  log-likelihood       {:.2}", fit.log_likelihood);
    println!(
        "  converged            {} after {} iterations (gradient {:.1e}{})",
        fit.converged,
        fit.iterations,
        fit.gradient_norm,
        if fit.at_bound { ", at a bound" } else { "" }
    );
    // The cohorts are annual: the model's period is 12 months.
    let retention = fit.retention_model(12)?;
    match fit.outcome {
        FitOutcome::ConstantChurnLimit { churn } => println!(
            "  no finite maximum: the constant-churn limit, {:.1} % a year",
            100.0 * churn
        ),
        _ => println!("  model for lifetime value: {retention}"),
    }
    println!("  first-year churn     {:.1} %", 100.0 * model.mean_churn());
    match model.expected_lifetime() {
        ExpectedLifetime::Finite(years) => println!("  expected lifetime    {years:.1} years"),
        ExpectedLifetime::Infinite => println!(
            "  expected lifetime    unbounded (alpha <= 1: some customers practically never leave)"
        ),
        _ => println!("  expected lifetime    {}", model.expected_lifetime()),
    }

    // 2. Observed against fitted survivors, and the projection for the next five years.
    println!();
    println!("Survivors per 1,000 customers (observed by cohort, then the model)");
    print!("  year ");
    for name in cohorts.keys() {
        print!("{name:>8}");
    }
    println!("{:>9}{:>11}", "model", "retention");
    for year in 0..=12u32 {
        print!("  {year:>4} ");
        for cohort in cohorts.values() {
            let observed = if year == 0 {
                Some(cohort.size())
            } else {
                cohort.survivors().get(year as usize - 1).copied()
            };
            match observed {
                Some(s) => print!("{:>8.1}", 1000.0 * s as f64 / cohort.size() as f64),
                None => print!("{:>8}", "."),
            }
        }
        let rate = match model.retention_rate(year) {
            Ok(r) => format!("{:.1} %", 100.0 * r),
            Err(_) => String::new(),
        };
        let marker = if year > fit.periods {
            " (projected)"
        } else {
            ""
        };
        println!(
            "{:>9.1}{:>11}{marker}",
            model.projected_survivors(1000, year),
            rate
        );
    }

    // 3. Value a few customers on annual contracts.
    let customers = [
        Customer {
            name: "Prospect Nordwind AG",
            tenure_days: 0,
            margin_per_year: "18000.00 EUR",
            acquisition_cost: "25000.00 EUR",
        },
        Customer {
            name: "Brightline GmbH",
            tenure_days: 400,
            margin_per_year: "12000.00 EUR",
            acquisition_cost: "20000.00 EUR",
        },
        Customer {
            name: "Kestrel Logistics",
            tenure_days: 1900,
            margin_per_year: "9500.00 EUR",
            acquisition_cost: "15000.00 EUR",
        },
        Customer {
            name: "Halcyon Retail",
            tenure_days: 3000,
            margin_per_year: "-2500.00 EUR",
            acquisition_cost: "30000.00 EUR",
        },
    ];
    println!();
    println!(
        "Customer value at {:.0} % discount per year",
        100.0 * DISCOUNT_RATE
    );
    println!(
        "  {:<22}{:>9}{:>8}{:>16}{:>16}{:>9}{:>10}{:>10}",
        "customer",
        "renewals",
        "DERL",
        "residual LTV",
        "LTV at signing",
        "LTV:CAC",
        "payback",
        "expected"
    );
    for c in &customers {
        let margin: Money = c.margin_per_year.parse()?;
        let cac: Money = c.acquisition_cost.parse()?;
        let renewals = renewals_from_tenure(c.tenure_days, TERM_DAYS)?;
        let derl = model.derl(DISCOUNT_RATE, renewals)?;
        let residual = model.lifetime_value(margin, renewals, DISCOUNT_RATE)?;
        let at_signing = model.prospect_lifetime_value(margin, DISCOUNT_RATE)?;
        let ratio = match ltv_to_cac(at_signing, cac)? {
            Some(r) => format!("{:.2}", r.round_dp(2)),
            None => "n/a".to_owned(),
        };
        let simple = payback_period(cac, margin)?;
        let expected = model.expected_payback_period(cac, margin, DISCOUNT_RATE)?;
        println!(
            "  {:<22}{:>9}{:>8.3}{:>16}{:>16}{:>9}{:>10}{:>10}",
            c.name,
            renewals,
            derl,
            residual.amount().to_string(),
            at_signing.amount().to_string(),
            ratio,
            simple.to_string(),
            expected.to_string()
        );
    }
    println!();
    println!("  renewals: completed terms (tenure / {TERM_DAYS} days); DERL: discounted expected");
    println!(
        "  further renewals; residual LTV = margin x DERL; LTV at signing = margin x discounted"
    );
    println!(
        "  expected lifetime; payback: churn-free, expected: allowing for churn and discounting"
    );
    Ok(())
}
