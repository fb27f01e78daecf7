//! The main job: read the shipped sample portfolio and print each customer's cost to serve
//! and margin, then the totals.
//!
//! ```text
//! cargo run --release --example portfolio [customers.json] [cost_model.json]
//! ```

use std::error::Error;
use std::fs;

use custfit::source::{CustomerSource, IterSource};
use custfit::{CostModel, CostToServe, Customer, Money, Role};
use rust_decimal::Decimal;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let customers_path = args
        .first()
        .cloned()
        .unwrap_or_else(|| format!("{DATA}/customers.json"));
    let model_path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| format!("{DATA}/cost_model.json"));

    let model: CostModel = serde_json::from_str(&fs::read_to_string(&model_path)?)?;
    // Parse record by record, so that one bad record is reported and the rest still load.
    let records: Vec<serde_json::Value> = serde_json::from_str(&fs::read_to_string(&customers_path)?)?;
    let mut source = IterSource::new(records.into_iter().map(|record| {
        let id = record.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        serde_json::from_value::<Customer>(record).map_err(|e| custfit::Error::Source {
            record: id,
            message: e.to_string(),
        })
    }));

    println!("custfit: cost to serve and margin, {customers_path}");
    println!();
    println!(
        "{:<7} {:<34} {:>12} {:>12} {:>12} {:>9}  top cost",
        "id", "name", "revenue", "cost", "margin", "margin %"
    );
    let mut rows: Vec<(Customer, CostToServe)> = Vec::new();
    let mut bad = Vec::new();
    while let Some(record) = source.next_customer() {
        match record.and_then(|c| model.cost_to_serve(&c).map(|cts| (c, cts))) {
            Ok(row) => rows.push(row),
            Err(e) => bad.push(e),
        }
    }
    for (c, cts) in &rows {
        let top = cts
            .lines
            .iter()
            .max_by_key(|l| l.amount.amount())
            .map(|l| format!("{} ({})", l.item, l.amount))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<7} {:<34} {:>12} {:>12} {:>12} {:>9}  {}",
            c.id(),
            truncate(c.name(), 34),
            amount(cts.revenue),
            amount(cts.total),
            amount(cts.gross_margin),
            cts.margin.map_or("n/a".into(), |m| m.to_string()),
            top
        );
    }

    let currency = model.currency();
    let sum = |f: fn(&CostToServe) -> Money| {
        Money::checked_sum(currency, rows.iter().map(|(_, cts)| f(cts)))
    };
    let revenue = sum(|c| c.revenue)?;
    let cost = sum(|c| c.total)?;
    let margin = sum(|c| c.gross_margin)?;
    let losing = rows.iter().filter(|(_, c)| c.gross_margin.is_negative()).count();
    println!();
    println!("customers assessed   {}", rows.len());
    println!("bad records          {}", bad.len());
    for e in &bad {
        println!("  {e}");
    }
    println!("revenue              {revenue}");
    println!("cost to serve        {cost}");
    println!("gross margin         {margin}");
    if let Some(r) = margin.ratio_to(revenue)? {
        println!("margin %             {:.1}%", r * Decimal::ONE_HUNDRED);
    }
    println!("loss-making          {losing} of {}", rows.len());
    let mut hours = custfit::RoleHours::default();
    for (_, cts) in &rows {
        hours = hours.checked_add(&cts.hours).ok_or("hours overflow")?;
    }
    for (role, usage) in model.capacity_usage(&hours)? {
        println!(
            "{role:<20} {} h used by these customers, {} h of practical capacity left ({})",
            usage.used_hours, usage.unused_hours, usage.unused_cost
        );
    }
    for role in [Role::Engineering, Role::Success, Role::Executive] {
        println!("{:<20} {} h", format!("{role} hours"), hours.get(role));
    }
    Ok(())
}

/// Whole currency units, rounded half to even, for a compact table.
fn amount(m: Money) -> String {
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
