//! A `CustomerSource` over a CSV file: how to plug a flat export into custfit.
//!
//! Each row becomes a customer through the validating builder, so a bad row is an error that
//! names the customer and the column, and the other rows still load. The row type and the
//! reader are the library's (`custfit::source::flat`); the main example's `--csv` mode reads
//! the same format on threads.
//!
//! ```text
//! cargo run --example csv_source [customers.csv]
//! ```

use std::error::Error;
use std::fs::File;
use std::io::BufReader;

use custfit::source::flat::FlatReader;
use custfit::source::CustomerSource;
use custfit::CostModel;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/customers.csv").to_owned()
    });
    let mut source = FlatReader::new(BufReader::new(File::open(&path)?))?;
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
