//! A seeded generator of large flat CSV exports, in the format of the shipped sample
//! (`examples/data/customers.csv`) with every column a real export has, and its gaps: growth
//! facts are missing for 60 % of customers, behavior for 40 %, NPS for 70 %; some customers
//! are churned, onboarding or prospects; a few belong to an account group. The same seed gives
//! the same file.
//!
//! ```text
//! cargo run --release --example generate -- ROWS PATH [--seed N]
//! cargo run --release --example portfolio -- --csv PATH
//! ```

#[path = "flat/mod.rs"]
mod flat;

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: generate ROWS PATH [--seed N]";
    let rows: usize = args.next().ok_or(usage)?.parse()?;
    let path = args.next().ok_or(usage)?;
    let seed = match (args.next().as_deref(), args.next()) {
        (Some("--seed"), Some(n)) => n.parse()?,
        (None, _) => 42,
        _ => return Err(usage.into()),
    };
    flat::generate::write_csv(rows, seed, std::fs::File::create(&path)?)?;
    eprintln!("{rows} customers written to {path} (seed {seed})");
    Ok(())
}
