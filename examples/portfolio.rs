//! The main job: assess the shipped sample portfolio — cost to serve, margin, fit scores,
//! quadrant, class and the reasons behind them — and print a readable report.
//!
//! ```text
//! cargo run --release --example portfolio [customers.json] [cost_model.json] [assessment.json] [policy.json]
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::fs;

use chrono::NaiveDate;
use custfit::source::{CustomerSource, IterSource};
use custfit::{
    AssessmentConfig, Assessor, CostModel, Customer, DefaultPolicy, FitAssessment, Money,
    PolicyConfig, PolicyContext, Recommendation, RecommendationPolicy, Role,
};

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
    let policy_config: PolicyConfig =
        serde_json::from_str(&fs::read_to_string(path(3, "policy.json"))?)?;
    let policy = DefaultPolicy::new(policy_config, model.clone())?;
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
    let mut rows: Vec<(Customer, FitAssessment, Recommendation)> = Vec::new();
    let mut bad = Vec::new();
    while let Some(record) = source.next_customer() {
        let row = record.and_then(|c| {
            let a = assessor.assess(&c, as_of)?;
            // The systemic signal comes from portfolio analysis; none is assumed here.
            let r = policy.recommend(&c, &a, &PolicyContext::default())?;
            Ok((c, a, r))
        });
        match row {
            Ok(row) => rows.push(row),
            Err(e) => bad.push(e),
        }
    }
    for (c, a, r) in &rows {
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
        println!(
            "{:<7}=> {} (review {}): {}",
            "",
            r.action.to_string().to_uppercase(),
            r.review_on,
            r.reasons[0]
        );
        for reason in r.reasons.iter().skip(1).take(3) {
            println!("{:<10}- {reason}", "");
        }
        if let Some(plan) = &r.levers {
            for lever in plan.levers.iter().take(4) {
                println!("{:<10}* {lever}", "");
            }
            println!(
                "{:<10}  margin after levers {} ({}); target {}",
                "",
                whole(plan.margin_after),
                plan.margin_ratio_after
                    .map_or("n/a".into(), |m| m.to_string()),
                if plan.reaches_target {
                    "reached"
                } else {
                    "not reached"
                }
            );
        }
        if let Some(exit) = &r.exit_plan {
            println!("{:<10}* {exit}", "");
            if let Some(sponsor) = &exit.executive_sponsor {
                println!("{:<10}* sponsor: {sponsor}", "");
            }
            for item in &exit.compliance {
                println!("{:<10}* [ ] {} (by {})", "", item.obligation, item.due);
            }
            for point in &exit.framing {
                println!("{:<10}> {point}", "");
            }
        }
    }

    let currency = assessor.cost_model().currency();
    let sum = |f: fn(&FitAssessment) -> Money| {
        Money::checked_sum(currency, rows.iter().map(|(_, a, _)| f(a)))
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
    let mut by_action = BTreeMap::new();
    for (_, a, r) in &rows {
        *by_quadrant.entry(a.quadrant).or_insert(0) += 1;
        *by_class.entry(a.classification.class).or_insert(0) += 1;
        *by_action.entry(r.action).or_insert(0) += 1;
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
    println!(
        "by recommendation    {}",
        by_action
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut hours = custfit::RoleHours::default();
    for (_, a, _) in &rows {
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
