//! The main job: assess the shipped sample portfolio — cost to serve, margin, fit scores,
//! quadrant, class and the reasons behind them — and print a readable report.
//!
//! ```text
//! cargo run --release --example portfolio [customers.json] [cost_model.json] [assessment.json]
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::fs;

use chrono::NaiveDate;
use custfit::source::{CustomerSource, IterSource};
use custfit::{AssessmentConfig, Assessor, CostModel, Customer, FitAssessment, Money, Role};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = |i: usize, name: &str| {
        args.get(i)
            .cloned()
            .unwrap_or_else(|| format!("{DATA}/{name}"))
    };
    let customers_path = path(0, "customers.json");
    let model: CostModel = serde_json::from_str(&fs::read_to_string(path(1, "cost_model.json"))?)?;
    let config: AssessmentConfig =
        serde_json::from_str(&fs::read_to_string(path(2, "assessment.json"))?)?;
    let assessor = Assessor::new(model, config)?;
    // The sample's assessment period is 2025; it is assessed two weeks after.
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("bad date")?;

    // Parse record by record, so that one bad record is reported and the rest still load.
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(&customers_path)?)?;
    let mut source = IterSource::new(records.into_iter().map(|record| {
        let id = record.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        serde_json::from_value::<Customer>(record).map_err(|e| custfit::Error::Source {
            record: id,
            message: e.to_string(),
        })
    }));

    println!("custfit: portfolio assessment of {customers_path}, as of {as_of}");
    println!();
    println!(
        "{:<6} {:<30} {:>9} {:>9} {:>8}  {:<13} {:<24} {:>5} {:<5}",
        "id", "name", "revenue", "margin", "margin%", "quadrant", "class", "score", "grade"
    );
    let mut rows: Vec<(Customer, FitAssessment)> = Vec::new();
    let mut bad = Vec::new();
    while let Some(record) = source.next_customer() {
        match record.and_then(|c| assessor.assess(&c, as_of).map(|a| (c, a))) {
            Ok(row) => rows.push(row),
            Err(e) => bad.push(e),
        }
    }
    for (c, a) in &rows {
        println!(
            "{:<6} {:<30} {:>9} {:>9} {:>8}  {:<13} {:<24} {:>5.1} {:<5}",
            c.id(),
            truncate(c.name(), 30),
            whole(a.cost.revenue),
            whole(a.cost.gross_margin),
            a.cost.margin.map_or("n/a".into(), |m| m.to_string()),
            a.quadrant,
            a.classification.class,
            a.scorecard.overall,
            format!("{} {:?}", a.scorecard.grade.letter, a.scorecard.grade.rag),
        );
        for reason in a.top_reasons(3) {
            println!("{:<8}- {reason}", "");
        }
    }

    let currency = assessor.cost_model().currency();
    let sum = |f: fn(&FitAssessment) -> Money| {
        Money::checked_sum(currency, rows.iter().map(|(_, a)| f(a)))
    };
    let revenue = sum(|a| a.cost.revenue)?;
    let margin = sum(|a| a.cost.gross_margin)?;
    println!();
    println!("customers assessed   {}", rows.len());
    println!("bad records          {}", bad.len());
    for e in &bad {
        println!("  {e}");
    }
    println!("revenue              {revenue}");
    println!("gross margin         {margin}");
    if let Some(r) = margin.ratio_to(revenue)? {
        println!("margin %             {}", custfit::Ratio::new(r));
    }
    let mut by_quadrant = BTreeMap::new();
    let mut by_class = BTreeMap::new();
    for (_, a) in &rows {
        *by_quadrant.entry(a.quadrant).or_insert(0) += 1;
        *by_class.entry(a.classification.class).or_insert(0) += 1;
    }
    println!(
        "by quadrant          {}",
        by_quadrant
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "by class             {}",
        by_class
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut hours = custfit::RoleHours::default();
    for (_, a) in &rows {
        hours = hours.checked_add(&a.cost.hours).ok_or("hours overflow")?;
    }
    for (role, usage) in assessor.cost_model().capacity_usage(&hours)? {
        println!(
            "{role} capacity     {} h used, {} h left ({})",
            usage.used_hours, usage.unused_hours, usage.unused_cost
        );
    }
    for role in [Role::Engineering, Role::Success, Role::Executive] {
        println!("{:<20} {} h", format!("{role} hours"), hours.get(role));
    }
    Ok(())
}

/// Whole currency units, rounded half to even, for a compact table.
fn whole(m: Money) -> String {
    m.amount()
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven)
        .to_string()
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}
