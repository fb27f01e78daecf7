//! The main job: assess the shipped sample portfolio in two phases on both cores — cost to
//! serve, fit, quadrant, class, recommendation with levers or exit plan — and print a readable
//! report; `--json` prints the whole report as JSON. Two SVG charts are written: the whale
//! curve, and the profitability × growth matrix colored by recommendation.
//!
//! ```text
//! cargo run --release --example portfolio [--json] [--out DIR] [--decisions PATH] [DATA_DIR]
//! cargo run --release --example portfolio -- --csv PATH [--threads N] [--json] [--out DIR] [--decisions PATH]
//! ```
//!
//! `--decisions PATH` writes every customer's `DecisionRecord` — the decision with its reasons,
//! levers, exit plan, facts to confirm, scores, class and cost lines — as JSON lines, one
//! customer per line in input order, the same bytes whatever the thread count. It streams:
//! each shard writes its lines to a part file as its customers are decided, and the parts are
//! joined in shard order at the end, so a million records are never held in memory.
//!
//! With `--csv` it reads a flat CSV export of any size (write one with the `generate`
//! example) the fast way: the file is cut into one byte range per thread and both phases
//! stream over the ranges (`PortfolioAnalyzer::analyze_shards`), so the customers are never
//! all in memory; a progress line goes to stderr, and the portfolio summary is printed.

#[path = "flat/mod.rs"]
mod flat;

use std::collections::{BTreeMap, HashSet};
use std::error::Error;
use std::fs;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use chrono::NaiveDate;
use custfit::portfolio::{Phase, PortfolioReport, Progress, Tally};
use custfit::{Action, Config, Customer, FitAssessment, Money, Recommendation};
use plotters::prelude::*;
use std::io::Write as _;

/// The whole report as pretty JSON on stdout, written as it is serialized: a large report is
/// never held as one string (that of a million customers is about 370 MB of text).
fn print_json(report: &PortfolioReport) -> Result<(), Box<dyn Error>> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, report)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// A shard's source that notes, for the decision lines, which shard each customer it reads
/// is in: phase 2 decides the customers phase 1 kept, without reading the source again, so the
/// sink finds a customer's part by its id.
struct Noted<'a, S> {
    shard: usize,
    inner: S,
    lines: Option<&'a DecisionLines>,
}

impl<S: custfit::source::CustomerSource> custfit::source::CustomerSource for Noted<'_, S> {
    fn next_customer(&mut self) -> Option<custfit::Result<Customer>> {
        let record = self.inner.next_customer()?;
        if let (Some(lines), Ok(c)) = (self.lines, &record) {
            lines.note(self.shard, c.id());
        }
        Some(record)
    }
}

/// Decision records as JSON lines, one part file per shard, joined in shard order at the end:
/// a shard's customers are decided in their order, by one thread.
struct DecisionLines {
    path: String,
    parts: Vec<Mutex<std::io::BufWriter<fs::File>>>,
    /// The ids each shard's source gave (ids are unique among the customers decided: a
    /// repeated one is refused).
    ids: Vec<Mutex<HashSet<custfit::CustomerId>>>,
}

impl DecisionLines {
    fn create(path: &str, shards: usize) -> std::io::Result<Self> {
        let parts = (0..shards)
            .map(|i| {
                fs::File::create(format!("{path}.part{i}"))
                    .map(|f| Mutex::new(std::io::BufWriter::with_capacity(1 << 16, f)))
            })
            .collect::<std::io::Result<_>>()?;
        Ok(DecisionLines {
            path: path.to_owned(),
            parts,
            ids: (0..shards).map(|_| Mutex::default()).collect(),
        })
    }

    /// Shard `shard` gave the customer `id`.
    fn note(&self, shard: usize, id: &custfit::CustomerId) {
        if let Some(Ok(mut ids)) = self.ids.get(shard).map(|ids| ids.lock()) {
            ids.insert(id.clone());
        }
    }

    /// The sink's work: the customer's record as one line of its shard's part.
    fn write(&self, c: &Customer, a: &FitAssessment, r: &Recommendation) -> custfit::Result<()> {
        let failed = |e: &dyn std::fmt::Display| {
            custfit::Error::source_message(Some(c.id().to_string()), format!("--decisions: {e}"))
        };
        let record = custfit::DecisionRecord::new(c, a, r)?;
        let shard = self
            .ids
            .iter()
            .position(|ids| ids.lock().is_ok_and(|ids| ids.contains(c.id())))
            .ok_or_else(|| failed(&"read by no shard"))?;
        let mut w = self.parts[shard].lock().map_err(|e| failed(&e))?;
        serde_json::to_writer(&mut *w, &record).map_err(|e| failed(&e))?;
        w.write_all(b"\n").map_err(|e| failed(&e))
    }

    /// Join the parts into the file, in shard order, and remove them.
    fn finish(self) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(fs::File::create(&self.path)?);
        for (i, part) in self.parts.into_iter().enumerate() {
            let mut w = part
                .into_inner()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            w.flush()?;
            drop(w);
            let name = format!("{}.part{i}", self.path);
            std::io::copy(&mut fs::File::open(&name)?, &mut out)?;
            fs::remove_file(&name)?;
        }
        out.flush()
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut json = false;
    let mut decisions: Option<String> = None;
    let mut out = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/out").to_owned();
    let mut data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data").to_owned();
    let mut csv = None;
    let mut threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--out" => out = args.next().ok_or("--out needs a directory")?,
            "--csv" => csv = Some(args.next().ok_or("--csv needs a file")?),
            "--threads" => threads = args.next().ok_or("--threads needs a number")?.parse()?,
            "--decisions" => decisions = Some(args.next().ok_or("--decisions needs a file")?),
            other => data = other.to_owned(),
        }
    }
    let read = |name: &str| fs::read_to_string(format!("{data}/{name}"));
    // One configuration: cost model, profile and segmentation, scorecard, policy, portfolio.
    let config: Config = serde_json::from_str(&read("config.json")?)?;
    let lines = (
        config.assessment.segmentation.margin_line,
        config.assessment.segmentation.growth_line,
    );
    let analyzer = config.analyzer()?;
    // The sample's assessment period is 2025; it is assessed two weeks after.
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("bad date")?;

    if let Some(path) = csv {
        let started = Instant::now();
        let file = flat::ShardedCsv::new(std::path::Path::new(&path), threads)?;
        let progress = Ticker::default();
        let decision_lines = match &decisions {
            Some(p) => Some(DecisionLines::create(p, file.shards())?),
            None => None,
        };
        let open = |i: usize| {
            file.open(i).map(|inner| Noted {
                shard: i,
                inner,
                lines: decision_lines.as_ref(),
            })
        };
        let report = analyzer.analyze_shards(
            file.shards(),
            threads,
            open,
            as_of,
            &|c, a, r| decision_lines.as_ref().map_or(Ok(()), |l| l.write(c, a, r)),
            Some(&progress),
        )?;
        if let Some(decision_lines) = decision_lines {
            decision_lines.finish()?;
        }
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "\r{} records in {secs:.2} s on {threads} threads: {:.0} customers/s      ",
            group_thousands(report.records),
            report.records as f64 / secs
        );
        if json {
            return print_json(&report);
        }
        println!("custfit: portfolio assessment of {path}, as of {as_of}");
        print_portfolio(&report)?;
        return charts(&report, lines, &out);
    }

    // Parse record by record: a record that cannot be read is refused and counted in the
    // report like any other; the rest are assessed.
    let values: Vec<serde_json::Value> = serde_json::from_str(&read("customers.json")?)?;
    let records: Vec<custfit::Result<Customer>> = values
        .into_iter()
        .map(|record| {
            let id = record.get("id").and_then(|v| v.as_str()).map(str::to_owned);
            serde_json::from_value::<Customer>(record)
                .map_err(|e| custfit::Error::from_source(id, e))
        })
        .collect();
    let customers: Vec<Customer> = records.iter().filter_map(|r| r.clone().ok()).collect();

    let full: Mutex<Vec<(FitAssessment, Recommendation)>> = Mutex::new(Vec::new());
    // Two shards of consecutive records, on two threads: input order is shard order.
    let shards: Vec<&[custfit::Result<Customer>]> =
        records.chunks(records.len().div_ceil(2).max(1)).collect();
    let decision_lines = match &decisions {
        Some(p) => Some(DecisionLines::create(p, shards.len())?),
        None => None,
    };
    let open = |i: usize| {
        Ok(Noted {
            shard: i,
            inner: custfit::source::IterSource::new(shards[i].iter().cloned()),
            lines: decision_lines.as_ref(),
        })
    };
    let report = analyzer.analyze_shards(
        shards.len(),
        shards.len(),
        open,
        as_of,
        &|c, a, r| {
            if let Ok(mut v) = full.lock() {
                v.push((a.clone(), r.clone()));
            }
            decision_lines.as_ref().map_or(Ok(()), |l| l.write(c, a, r))
        },
        None,
    )?;
    if let Some(decision_lines) = decision_lines {
        decision_lines.finish()?;
    }
    if json {
        return print_json(&report);
    }
    let mut full = full.into_inner().map_err(|_| "sink poisoned")?;
    full.sort_by(|a, b| a.0.customer.cmp(&b.0.customer));
    let names: BTreeMap<_, _> = customers
        .iter()
        .map(|c| (c.id().clone(), c.name().to_owned()))
        .collect();

    println!("custfit: portfolio assessment of {data}/customers.json, as of {as_of}");
    println!();
    println!(
        "{:<6} {:<28} {:>9} {:>9} {:>8}  {:<28} {:<24} {:>5} {:<9} recommendation",
        "id", "name", "revenue", "margin", "margin%", "quadrant", "class", "score", "grade"
    );
    for (a, r) in &full {
        println!(
            "{:<6} {:<28} {:>9} {:>9} {:>8}  {:<28} {:<24} {:>5.1} {:<9} {}",
            a.customer,
            truncate(names.get(&a.customer).map_or("", |n| n.as_str()), 28),
            whole(a.cost.revenue),
            whole(a.cost.gross_margin),
            a.cost.margin.map_or("n/a".into(), |m| m.to_string()),
            a.quadrant,
            a.classification.class,
            a.effective_overall(),
            a.scorecard.grade.to_string(),
            r.action.to_string().to_uppercase(),
        );
        print_recommendation(r);
        if !a.classification.is_certain() {
            println!(
                "{:<10}? class on incomplete facts: {}",
                "", a.classification
            );
        }
        // What to collect next: the unknown facts that would change the decision, decided
        // again in the contexts the report used.
        if let Some(c) = customers.iter().find(|c| *c.id() == a.customer) {
            let collect = analyzer.what_to_collect(c, &report.facts, as_of, r)?;
            for item in collect.iter().take(3) {
                println!("{:<10}? {item}", "");
            }
        }
    }

    print_portfolio(&report)?;
    charts(&report, lines, &out)
}

fn charts(report: &PortfolioReport, lines: (f64, f64), out: &str) -> Result<(), Box<dyn Error>> {
    fs::create_dir_all(out)?;
    let whale = format!("{out}/whale_curve.svg");
    let matrix = format!("{out}/matrix.svg");
    draw_whale_curve(report, &whale)?;
    draw_matrix(report, lines, &matrix)?;
    println!();
    println!("charts               {whale}");
    println!("                     {matrix}");
    Ok(())
}

/// A progress line on stderr, every 100,000 records of each phase.
#[derive(Default)]
struct Ticker {
    summarized: AtomicU64,
    assessed: AtomicU64,
}

impl Progress for Ticker {
    fn advanced(&self, phase: Phase, done: u64) {
        let (counter, name) = match phase {
            Phase::Summarize => (&self.summarized, "priced and summarized"),
            _ => (&self.assessed, "assessed and recommended"),
        };
        let now = counter.fetch_add(done, Ordering::Relaxed) + done;
        if now % 100_000 < done {
            eprint!("\r{} records {name}   ", group_thousands(now));
        }
    }
}

fn print_recommendation(r: &Recommendation) {
    println!(
        "{:<7}=> {} until {}: {}",
        "", r.action, r.review_on, r.reasons[0]
    );
    for reason in r.reasons.iter().skip(1).take(3) {
        println!("{:<10}- {reason}", "");
    }
    if let Some(plan) = &r.levers {
        for lever in plan.levers.iter().take(4) {
            println!("{:<10}* {lever}", "");
        }
        println!(
            "{:<10}  margin after levers {} ({}); target margin {}",
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
    if let Some(p) = &r.provisional {
        println!("{:<10}! {p}", "");
    }
    if let Some(exit) = &r.exit_plan {
        println!("{:<10}* {exit}", "");
        if let Some(sponsor) = &exit.executive_sponsor {
            println!("{:<10}* executive sponsor: {sponsor}", "");
        }
        for item in &exit.compliance {
            println!("{:<10}* [ ] {} (by {})", "", item.obligation, item.due);
        }
        for point in &exit.framing {
            println!("{:<10}> {point}", "");
        }
    }
    if let Some(group) = &r.group_impact {
        println!("{:<10}! {group}", "");
    }
    if let Some(look) = &r.look_back {
        println!("{:<10}* {look}", "");
    }
}

/// The report as text on stdout, buffered: a large portfolio prints a line per account group.
fn print_portfolio(report: &PortfolioReport) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let t = &report.totals;
    writeln!(out)?;
    writeln!(out, "== portfolio")?;
    writeln!(
        out,
        "records              {} read, {} assessed, {} refused",
        report.records,
        t.customers,
        report.bad_records.len()
    )?;
    for b in &report.bad_records {
        writeln!(out, "  refused: {}", b.error)?;
    }
    writeln!(out, "revenue              {}", t.revenue)?;
    writeln!(out, "cost to serve        {}", t.cost)?;
    writeln!(out, "profit               {}", t.margin)?;
    // The headline figures were computed once, when the report was completed.
    let analytics = report
        .analytics
        .clone()
        .unwrap_or_else(|| report.analytics());
    let w = &analytics.whale_curve;
    let pct = |r: Option<custfit::units::Ratio>| {
        r.map_or("undefined (no total profit)".into(), |r| r.to_string())
    };
    writeln!(
        out,
        "whale curve          peak {} = {} of total profit, reached by the top {} customers ({:.0}%)",
        w.peak_profit,
        pct(w.peak_share),
        w.peak_rank,
        w.peak_customer_share * 100.0
    )?;
    writeln!(
        out,
        "top 20% of customers earn {} of total profit",
        pct(w.top_20_share)
    )?;
    let c = &analytics.concentration;
    writeln!(
        out,
        "revenue concentration  top {} customers {}; Herfindahl index {}",
        c.top,
        pct(c.top_share),
        c.herfindahl.map_or("n/a".into(), |h| format!("{h:.4}"))
    )?;
    writeln!(
        out,
        "typical customer     service cost {:.0}% of revenue ({})",
        report.facts.typical_service_ratio * 100.0,
        if report.facts.typical_from_portfolio {
            "portfolio median"
        } else {
            "configured benchmark"
        }
    )?;
    writeln!(out, "systemic signal      {}", report.facts.systemic)?;
    if report.facts.systemic.flagged {
        let ids: Vec<String> = report
            .facts
            .systemic
            .customers
            .iter()
            .map(|c| c.to_string())
            .collect();
        writeln!(out, "                     {}", ids.join(", "))?;
    }
    let section = |out: &mut dyn std::io::Write,
                   title: &str,
                   map: &BTreeMap<String, Tally>|
     -> std::io::Result<()> {
        writeln!(out, "{title}")?;
        for (k, v) in map {
            writeln!(
        out,
                "  {k:<24} {:>3} customers  profit {:>10}  {:>6} h  bad fit {}  bad {}  offboard {}",
                v.customers,
                whole(v.margin),
                v.hours.total().unwrap_or_default().round(),
                v.bad_fit,
                v.bad,
                v.offboard
            )?;
        }
        Ok(())
    };
    writeln!(out, "by quadrant          {}", counts(&report.by_quadrant))?;
    writeln!(out, "by recommendation    {}", counts(&report.by_action))?;
    writeln!(
        out,
        "let go               {} confirmed, {} provisional (revenue at stake {})",
        report.let_go.confirmed.customers,
        report.let_go.provisional.customers,
        whole(report.let_go.provisional.revenue)
    )?;
    // Decide on the facts at hand: provisional let-goes whose facts must be confirmed before
    // a notice deadline passes, the soonest first.
    let week = report.as_of + chrono::Days::new(6);
    writeln!(out, "confirm this week (by {week})")?;
    let mut any = false;
    for t in report.to_confirm_by(week) {
        any = true;
        writeln!(out, "  {:<8} {}", t.customer, t.provisional)?;
    }
    if !any {
        writeln!(out, "  nothing")?;
    }
    writeln!(out, "by class (customers, profit, hours, cost)")?;
    for (k, v) in &report.by_class {
        writeln!(
            out,
            "  {k:<24} {:>3}  profit {:>10}  {:>6} h  cost {:>10}",
            v.customers,
            whole(v.margin),
            v.hours.total().unwrap_or_default().round(),
            whole(v.cost)
        )?;
    }
    section(
        &mut out,
        "by acquisition channel (where bad fits come from)",
        &report.by_channel,
    )?;
    section(
        &mut out,
        "by account owner (who carries the load)",
        &report.by_owner,
    )?;
    section(&mut out, "by segment", &report.by_segment)?;
    let churned = &report.churned;
    writeln!(
        out,
        "lost to churn        {} customers, revenue {}, margin {}",
        churned.customers,
        whole(churned.revenue),
        whole(churned.margin)
    )?;
    for (label, map) in [
        ("  by segment", &report.churned_by_segment),
        ("  by channel", &report.churned_by_channel),
    ] {
        let parts: Vec<String> = map
            .iter()
            .map(|(k, v)| format!("{k} {} ({})", v.customers, whole(v.revenue)))
            .collect();
        writeln!(out, "{label:<20} {}", parts.join(", "))?;
    }
    writeln!(out, "account groups")?;
    for (parent, g) in &report.groups {
        writeln!(
            out,
            "  {parent:<10} {} customers  revenue {:>10}  profit {:>10}  {}",
            g.tally.customers,
            whole(g.tally.revenue),
            whole(g.tally.margin),
            counts(&g.actions)
        )?;
    }
    let p = &report.plan;
    writeln!(out, "effect of the plan")?;
    writeln!(out, "  revenue lost       {}", p.revenue_lost)?;
    writeln!(out, "  margin gained      {}", p.margin_gained)?;
    writeln!(
        out,
        "  margin %           {} before, {} after",
        report
            .margin_before()
            .map_or("n/a".into(), |r| r.to_string()),
        report
            .margin_after()
            .map_or("n/a".into(), |r| r.to_string())
    )?;
    let h = &p.hours_freed;
    writeln!(
        out,
        "  hours freed        support {}, engineering {}, success {}, executive {}, implementation {}",
        h.support.round(), h.engineering.round(), h.success.round(), h.executive.round(), h.implementation.round()
    )?;
    let to: Vec<String> = report
        .potential_for_freed_hours(60.0, 8)
        .iter()
        .map(|c| c.to_string())
        .collect();
    writeln!(
        out,
        "  give freed hours to customers with potential who get little attention: {}",
        to.join(", ")
    )?;
    out.flush()
}

fn counts<K: std::fmt::Display, V: Countable>(map: &BTreeMap<K, V>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k} {}", v.count()))
        .collect::<Vec<_>>()
        .join(", ")
}

trait Countable {
    fn count(&self) -> u64;
}

impl Countable for Tally {
    fn count(&self) -> u64 {
        self.customers
    }
}

impl Countable for u64 {
    fn count(&self) -> u64 {
        *self
    }
}

fn draw_whale_curve(report: &PortfolioReport, path: &str) -> Result<(), Box<dyn Error>> {
    let w = report.whale_curve(400);
    let points: Vec<(f64, f64)> = w
        .points
        .iter()
        .filter_map(|(x, y)| y.map(|y| (x * 100.0, y.to_f64() * 100.0)))
        .collect();
    let top = points.iter().map(|p| p.1).fold(100.0, f64::max) * 1.1;
    let bottom = points.iter().map(|p| p.1).fold(0.0, f64::min).min(0.0) - 5.0;
    let root = SVGBackend::new(path, (800, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Whale curve: cumulative profit by customers ranked by profit",
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..100f64, bottom..top)?;
    chart
        .configure_mesh()
        .x_desc("customers, most profitable first (% of customers)")
        .y_desc("cumulative profit (% of total profit)")
        .draw()?;
    chart
        .draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(2)))?
        .label("cumulative profit")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 100.0), (100.0, 100.0)],
            BLACK.mix(0.5),
        ))?
        .label("100 % of total profit")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
    if let Some(peak) = w.peak_share {
        let at = (w.peak_customer_share * 100.0, peak.to_f64() * 100.0);
        chart
            .draw_series(std::iter::once(Circle::new(at, 6, RED.filled())))?
            .label(format!("peak {} at {:.0}% of customers", peak, at.0))
            .legend(|(x, y)| Circle::new((x + 10, y), 5, RED.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn draw_matrix(
    report: &PortfolioReport,
    (margin_line, growth_line): (f64, f64),
    path: &str,
) -> Result<(), Box<dyn Error>> {
    let color = |a: Action| match a {
        Action::Invest => RGBColor(0x1b, 0x9e, 0x77),
        Action::Retain => RGBColor(0x37, 0x7e, 0xb8),
        Action::Restructure => RGBColor(0xe6, 0xab, 0x02),
        Action::Offboard => RGBColor(0xd9, 0x5f, 0x02),
        _ => RGBColor(0x75, 0x70, 0xb3),
    };
    // At most about 5,000 points (every k-th customer), so that a large run's chart stays
    // small enough to open.
    let every = (report.rows.len() / 5_000).max(1);
    let points: Vec<(f64, f64, Action)> = report
        .rows
        .iter()
        .step_by(every)
        .filter_map(|r| {
            Some((
                r.margin?.to_f64().clamp(-1.5, 1.0) * 100.0,
                r.growth?,
                r.action,
            ))
        })
        .collect();
    let root = SVGBackend::new(path, (800, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            if every > 1 {
                format!("Profitability x growth potential, by recommendation (every {every}th customer)")
            } else {
                "Profitability x growth potential, by recommendation".to_owned()
            },
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d(-150f64..100f64, 0f64..100f64)?;
    chart
        .configure_mesh()
        .x_desc("margin after all costs (%; clamped at -150; prospects without revenue not shown)")
        .y_desc("growth-potential score")
        .draw()?;
    // The dividing lines of the configuration.
    let m = margin_line * 100.0;
    chart.draw_series(LineSeries::new(vec![(m, 0.0), (m, 100.0)], BLACK.mix(0.4)))?;
    chart.draw_series(LineSeries::new(
        vec![(-150.0, growth_line), (100.0, growth_line)],
        BLACK.mix(0.4),
    ))?;
    for (label, at) in [
        ("star", (60.0, 95.0)),
        ("cash cow", (60.0, 5.0)),
        ("question mark", (-140.0, 95.0)),
        ("dog", (-140.0, 5.0)),
    ] {
        chart.draw_series(std::iter::once(Text::new(
            label,
            at,
            ("sans-serif", 16).into_font().color(&BLACK.mix(0.6)),
        )))?;
    }
    for action in Action::ALL {
        let c = color(action);
        let series: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.2 == action)
            .map(|p| (p.0, p.1))
            .collect();
        if series.is_empty() {
            continue;
        }
        chart
            .draw_series(series.into_iter().map(|p| Circle::new(p, 5, c.filled())))?
            .label(action.to_string())
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, c.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::MiddleLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Whole currency units, rounded half to even, with thousands separators, for a compact
/// table: 1,234,567 or -12,345.
fn whole(m: Money) -> String {
    let digits = m
        .amount()
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven)
        .abs()
        .to_string();
    let grouped = group_digits(&digits);
    if m.is_negative() && grouped != "0" {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A count with thousands separators: 1,000,000.
fn group_thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

fn group_digits(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}
