//! A `CustomerSource` over a CSV file: how to plug a flat export into custfit.
//!
//! Each row becomes a customer through the validating builder, so a bad row is an error that
//! names the customer and the column, and the other rows still load.
//!
//! ```text
//! cargo run --example csv_source [customers.csv]
//! ```

use std::error::Error;
use std::fs::File;

use chrono::NaiveDate;
use custfit::customer::{LifecycleStage, Severity};
use custfit::source::CustomerSource;
use custfit::{CostModel, Customer};
use rust_decimal::Decimal;
use serde::Deserialize;

/// One row of the export; optional columns may be blank.
#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    name: String,
    currency: String,
    industry: Option<String>,
    segment: Option<String>,
    region: Option<String>,
    account_owner: Option<String>,
    acquisition_channel: Option<String>,
    stage: LifecycleStage,
    customer_since: Option<NaiveDate>,
    period_start: NaiveDate,
    period_end: NaiveDate,
    recurring_revenue: Decimal,
    one_time_revenue: Option<Decimal>,
    support_tickets: Option<u32>,
    support_hours: Option<Decimal>,
    engineering_hours: Option<Decimal>,
    success_hours: Option<Decimal>,
    executive_hours: Option<Decimal>,
    escalations: Option<u32>,
    custom_features: Option<u32>,
    meeting_attendance: Option<Decimal>,
    plan_adherence: Option<Decimal>,
    goal_changes: Option<u32>,
    outcomes_achieved: Option<Decimal>,
    content_consumed: Option<Decimal>,
    renewal_intent: Option<f64>,
}

impl Row {
    fn into_customer(self) -> custfit::Result<Customer> {
        let id = self.id.clone();
        let mut b = Customer::builder(self.id, self.name)
            .currency(&self.currency)
            .period(self.period_start, self.period_end)
            .stage(self.stage)
            .recurring_revenue(self.recurring_revenue);
        macro_rules! opt {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { b = b.$field(v); } )* };
        }
        opt!(
            industry,
            segment,
            region,
            account_owner,
            acquisition_channel,
            customer_since
        );
        opt!(
            one_time_revenue,
            engineering_hours,
            success_hours,
            executive_hours,
            escalations
        );
        opt!(
            meeting_attendance,
            plan_adherence,
            goal_changes,
            outcomes_achieved
        );
        opt!(content_consumed, renewal_intent);
        match (self.support_tickets, self.support_hours) {
            (Some(n), hours) => b = b.tickets(Severity::Normal, n, hours),
            (None, Some(_)) => {
                return Err(custfit::Error::source_message(
                    Some(id),
                    "support_hours given without support_tickets",
                ))
            }
            (None, None) => {}
        }
        for i in 0..self.custom_features.unwrap_or(0) {
            b = b.custom_feature(format!("custom feature {}", i + 1));
        }
        b.build()
    }
}

/// Reads rows lazily; a row that cannot be parsed or validated is an error naming it.
struct CsvSource {
    rows: csv::DeserializeRecordsIntoIter<File, Row>,
    line: u64,
}

impl CustomerSource for CsvSource {
    fn next_customer(&mut self) -> Option<custfit::Result<Customer>> {
        let row = self.rows.next()?;
        self.line += 1;
        Some(match row {
            Ok(row) => row.into_customer(),
            Err(e) => Err(custfit::Error::from_source(
                Some(format!("line {}", self.line + 1)),
                e,
            )),
        })
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/customers.csv").to_owned()
    });
    let mut source = CsvSource {
        rows: csv::Reader::from_path(&path)?.into_deserialize(),
        line: 0,
    };
    let config: custfit::Config = serde_json::from_str(&std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/config.json"
    ))?)?;
    let model: CostModel = config.cost_model()?;

    println!("customers from {path}");
    while let Some(record) = source.next_customer() {
        match record.and_then(|c| model.cost_to_serve(&c).map(|cts| (c, cts))) {
            Ok((c, cts)) => println!(
                "{:<7} {:<32} revenue {:>10}  cost {:>10}  margin {:>8}",
                c.id(),
                c.name(),
                cts.revenue.amount(),
                cts.total.amount(),
                cts.margin.map_or("n/a".into(), |m| m.to_string())
            ),
            Err(e) => println!("rejected: {e}"),
        }
    }
    Ok(())
}
