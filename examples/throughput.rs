//! Throughput of a full portfolio run on synthetic customers: customers per second at each size
//! (the median of repeated runs for the small sizes).
//!
//! ```text
//! cargo run --release --example throughput [SIZE ...]      (default: 10000 100000 1000000)
//! ```
//! Peak memory: run one size under `/usr/bin/time -v` and compare with `--hold-only`, which
//! only generates and holds the customers.

#[path = "synthetic/mod.rs"]
mod synthetic;

use std::time::Instant;

use custfit::policy::PolicyConfig;
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig};
use custfit::{Assessor, DefaultPolicy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hold_only = args.iter().any(|a| a == "--hold-only");
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000, 1_000_000];
    }
    let (model, config) = synthetic::setup();
    let analyzer = PortfolioAnalyzer::new(
        Assessor::new(model.clone(), config)?,
        DefaultPolicy::new(PolicyConfig::default(), model)?,
        PortfolioConfig::default(),
    )?;
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!(
        "{:>10} {:>10} {:>14} {:>16}   (threads: {threads})",
        "customers", "seconds", "µs / customer", "customers / s"
    );
    for n in sizes {
        let customers = synthetic::customers(n, 42);
        if hold_only {
            println!("{n:>10} customers generated and held");
            std::hint::black_box(&customers);
            continue;
        }
        // Short runs are repeated and the median is kept: this machine is shared and noisy.
        let runs = (1_000_000 / n.max(1)).clamp(1, 9);
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let report = analyzer.analyze_slice(&customers, as_of, threads, &|_, _, _| Ok(()))?;
            times.push(start.elapsed().as_secs_f64());
            assert!(report.counts_add_up());
        }
        times.sort_by(f64::total_cmp);
        let secs = times[times.len() / 2];
        println!(
            "{n:>10} {secs:>10.3} {:>14.3} {:>16.0}   (median of {runs})",
            secs * 1e6 / n as f64,
            n as f64 / secs
        );
    }
    Ok(())
}
