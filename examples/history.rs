//! The main job's companion: a portfolio over four years (a seeded synthetic history), one
//! customer's trends and warnings, the portfolio's transitions and margin bridge from one year
//! to the next, and a back-test of the scorecard against who churned — with a re-weighting
//! chosen on one year and checked on the next. Two SVG charts: the customer's scores over the
//! years, and churn by score decile.
//!
//! ```text
//! cargo run --release --example history [--out DIR] [CUSTOMERS]
//! ```

#[path = "synthetic/mod.rs"]
mod synthetic;

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::sync::Mutex;

use chrono::{Datelike, NaiveDate};
use custfit::assessment::{Dimension, PerDimension};
use custfit::customer::LifecycleStage;
use custfit::history::{
    back_test, BackTest, CustomerHistory, HistoryConfig, Observation, Outcome, PeriodAssessment,
    PeriodChange,
};
use custfit::portfolio::PortfolioReport;
use custfit::{Config, Customer, CustomerId};
use plotters::prelude::*;

/// One year: its report, and each customer's period assessment.
struct Year {
    report: PortfolioReport,
    periods: BTreeMap<CustomerId, PeriodAssessment>,
}

fn run(config: &Config, customers: &[Customer]) -> Result<Year, Box<dyn Error>> {
    let analyzer = config.analyzer()?;
    let year = customers[0].period().end();
    let as_of = NaiveDate::from_ymd_opt(year.year() + 1, 1, 15).ok_or("date")?;
    let seen = Mutex::new(BTreeMap::new());
    let report = analyzer.analyze_slice(customers, as_of, 2, &|c, a, r| {
        if let Ok(mut seen) = seen.lock() {
            seen.insert(
                c.id().clone(),
                PeriodAssessment::new(c, a.clone(), r.clone()),
            );
        }
        Ok(())
    })?;
    let periods = seen.into_inner().map_err(|_| "sink poisoned")?;
    Ok(Year { report, periods })
}

/// The observations of year `t` with what the customers did in year `t + 1`: churned when
/// their next record is churned, or when there is none.
fn observations(t: &Year, next: &Year) -> Vec<Observation> {
    t.periods
        .values()
        .map(|p| {
            let gone = next
                .periods
                .get(&p.assessment.customer)
                .is_none_or(|n| n.assessment.stage == LifecycleStage::Churned);
            let outcome = if gone {
                Outcome::CHURNED
            } else {
                Outcome::STAYED
            };
            Observation::new(&p.assessment, &p.recommendation, outcome)
        })
        .collect()
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut out = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/out").to_owned();
    let mut n = 3_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().ok_or("--out needs a directory")?,
            other => n = other.parse()?,
        }
    }
    let config: Config = serde_json::from_str(include_str!("data/config.json"))?;
    let history = synthetic::history::history(n, 4, 7);
    let years: Vec<Year> = history
        .iter()
        .map(|customers| run(&config, customers))
        .collect::<Result<_, _>>()?;
    println!(
        "custfit: a synthetic portfolio over {} years ({} customers at the start)",
        years.len(),
        n
    );

    // One customer: the one present every year with the most warnings.
    let hc = HistoryConfig::default();
    let ids: BTreeSet<&CustomerId> = years[0].periods.keys().collect();
    let mut best: Option<(usize, CustomerHistory)> = None;
    for id in ids {
        let periods: Option<Vec<PeriodAssessment>> =
            years.iter().map(|y| y.periods.get(id).cloned()).collect();
        let Some(periods) = periods else { continue };
        let h = CustomerHistory::new(periods)?;
        let warnings = h.warnings(&hc).len();
        if best.as_ref().is_none_or(|(w, _)| warnings > *w) {
            best = Some((warnings, h));
        }
    }
    if let Some((_, h)) = &best {
        println!();
        println!(
            "== customer {} over {} years",
            h.customer(),
            h.periods().len()
        );
        let t = h.trends(&hc);
        if let Some(overall) = t.overall {
            println!("overall score        {overall}");
        }
        for d in Dimension::ALL {
            if let Some(trend) = t.dimensions.get(d) {
                println!("  {:<20} {trend}", d.to_string());
            }
        }
        for w in h.warnings(&hc) {
            println!("warning              {w}");
        }
        if let Some(change) = h.changes().last() {
            println!("last year            {change}");
        }
        draw_scores(h, &format!("{out}/history_scores.svg"))?;
    }

    // The portfolio from the third year to the fourth.
    let (before, after) = (&years[2].report, &years[3].report);
    let change = PeriodChange::between(before, after)?;
    println!();
    println!(
        "== portfolio {} -> {}: {} gained, {} lost, {} churned",
        before.as_of,
        after.as_of,
        change.gained.len(),
        change.lost.len(),
        change.churned.len()
    );
    println!("quadrant transitions (customers)");
    for t in change.quadrants.iter().filter(|t| t.customers > 0) {
        let show = |q: Option<custfit::assessment::Quadrant>| {
            q.map_or("(none)".to_owned(), |q| q.to_string())
        };
        println!(
            "  {:<30} -> {:<30} {:>6}",
            show(t.from),
            show(t.to),
            t.customers
        );
    }
    let b = &change.bridge;
    println!("margin bridge");
    for (name, m) in [
        ("margin before", b.before),
        ("price and volume", b.price_volume),
        ("  of it volume", b.volume),
        ("  of it mix", b.mix),
        ("cost to serve", b.cost_to_serve),
        ("churn", b.churn),
        ("new customers", b.new_customers),
        ("unassessed", b.unassessed),
        ("margin after", b.after),
    ] {
        println!("  {name:<18} {m:>22}");
    }

    // Back-test: the second year's assessments against the third year's churn.
    let test = back_test(&observations(&years[1], &years[2]))?;
    println!();
    print_back_test("back-test: year 2 assessments against year 3 churn", &test);
    draw_deciles(&test, &format!("{out}/history_deciles.svg"))?;

    // Re-weighting, honestly: weights chosen on year 1 -> 2, checked on year 3 -> 4.
    let fit = back_test(&observations(&years[0], &years[1]))?;
    let mut reweighted = config.clone();
    reweighted.scorecard.weights = PerDimension::from_fn(|d| {
        // What a dimension told apart beyond chance; a little for the rest.
        fit.dimensions
            .get(d)
            .auc
            .map_or(0.05, |a| (a - 0.5).max(0.05))
    });
    let check = |config: &Config| -> Result<BackTest, Box<dyn Error>> {
        let (y3, y4) = (run(config, &history[2])?, run(config, &history[3])?);
        Ok(back_test(&observations(&y3, &y4))?)
    };
    let (default_auc, new_auc) = (check(&config)?.overall.auc, check(&reweighted)?.overall.auc);
    let show = |a: Option<f64>| a.map_or("n/a".to_owned(), |a| format!("{a:.3}"));
    println!();
    println!("re-weighting chosen on year 1 -> 2, checked on year 3 -> 4 (overall score's AUC)");
    println!("  default weights    {}", show(default_auc));
    println!("  re-weighted        {}", show(new_auc));
    println!();
    println!("charts               {out}/history_scores.svg");
    println!("                     {out}/history_deciles.svg");
    Ok(())
}

fn print_back_test(title: &str, t: &BackTest) {
    println!("== {title}");
    println!(
        "customers            {} ({} churned, {:.1}%; {} left out)",
        t.customers,
        t.churned,
        t.churn_rate.unwrap_or(0.0) * 100.0,
        t.left_out
    );
    println!("overall score        {}", t.overall);
    println!("recommended action   {}", t.action);
    for d in Dimension::ALL {
        println!("  {:<20} {}", d.to_string(), t.dimensions.get(d));
    }
    println!("churn by score decile (1 = lowest scores)");
    for d in &t.deciles {
        println!(
            "  {:>2}  scores {:>5.1}-{:<5.1} {:>5} customers  churn {:>5.1}%  lift {}",
            d.decile,
            d.min_score,
            d.max_score,
            d.customers,
            d.churn_rate * 100.0,
            d.lift.map_or("n/a".into(), |l| format!("{l:.2}"))
        );
    }
    if !t.calibration.is_empty() {
        println!(
            "stated renewal intent against renewals (Brier score {:.3})",
            t.brier_score.unwrap_or(0.0)
        );
        for b in &t.calibration {
            println!(
                "  {:>3.0}-{:<3.0}% {:>5} customers  stated {:>5.1}%  renewed {:>5.1}%",
                b.from * 100.0,
                b.from * 100.0 + 10.0,
                b.customers,
                b.stated * 100.0,
                b.observed * 100.0
            );
        }
    }
    println!(
        "churned while green  {} customers{}",
        t.churned_while_green.len(),
        t.churned_while_green
            .first()
            .map_or(String::new(), |c| format!(
                ", highest score {:.1} ({})",
                c.overall, c.customer
            ))
    );
}

fn draw_scores(h: &CustomerHistory, path: &str) -> Result<(), Box<dyn Error>> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let root = SVGBackend::new(path, (800, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let years: Vec<i32> = h.periods().iter().map(|p| p.period.end().year()).collect();
    let (x0, x1) = (years[0] as f64 - 0.5, years[years.len() - 1] as f64 + 0.5);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Scores of {} by year", h.customer()),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(x0..x1, 0f64..100f64)?;
    chart
        .configure_mesh()
        .x_desc("year")
        .y_desc("score (0-100, higher is better)")
        .x_labels(years.len() * 2 + 1)
        // Only whole years are labelled.
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-9 {
                format!("{x:.0}")
            } else {
                String::new()
            }
        })
        .draw()?;
    let mut series: Vec<(String, Vec<(f64, f64)>)> = vec![(
        "overall".into(),
        h.periods()
            .iter()
            .zip(&years)
            .map(|(p, y)| (*y as f64, p.assessment.effective_overall()))
            .collect(),
    )];
    for d in Dimension::ALL {
        let points: Vec<(f64, f64)> = h
            .periods()
            .iter()
            .zip(&years)
            .filter_map(|(p, y)| Some((*y as f64, p.assessment.effective_score(d)?)))
            .collect();
        if points.len() > 1 {
            series.push((d.to_string(), points));
        }
    }
    for (i, (name, points)) in series.into_iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let width = if i == 0 { 4 } else { 2 };
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(width)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(width))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn draw_deciles(t: &BackTest, path: &str) -> Result<(), Box<dyn Error>> {
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let top = t
        .deciles
        .iter()
        .map(|d| d.churn_rate * 100.0)
        .fold(10.0, f64::max)
        * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Churn by overall-score decile (back-test)",
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(0.5f64..10.5f64, 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc("score decile (1 = lowest scores)")
        .y_desc("churned by the next year (%)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    chart.draw_series(t.deciles.iter().map(|d| {
        let x = f64::from(d.decile);
        Rectangle::new(
            [(x - 0.4, 0.0), (x + 0.4, d.churn_rate * 100.0)],
            BLUE.mix(0.7).filled(),
        )
    }))?;
    if let Some(rate) = t.churn_rate {
        chart
            .draw_series(LineSeries::new(
                vec![(0.5, rate * 100.0), (10.5, rate * 100.0)],
                RED.stroke_width(2),
            ))?
            .label(format!("portfolio churn {:.1}%", rate * 100.0))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
