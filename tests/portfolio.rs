//! Portfolio analysis: the shipped sample, the systemic signal (seed 002), account groups, bad
//! records, the whale curve and concentration by hand, and the merge rules.

mod common;

use common::*;
use custfit::assessment::scoring::WeightedScorecard;
use custfit::customer::Severity;
use custfit::policy::Rule;
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig, PortfolioReport};
use custfit::source::IterSource;
use custfit::{Action, Customer, DefaultPolicy, Error};

type Analyzer = PortfolioAnalyzer<WeightedScorecard, DefaultPolicy>;

fn analyzer() -> Analyzer {
    PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap()
}

fn run(customers: &[Customer]) -> PortfolioReport {
    analyzer()
        .analyze_slice(customers, as_of(), 1, &|_, _, _| Ok(()))
        .unwrap()
}

/// Seed 002: "If you have dozens of customers who need a lot of additional help despite
/// consuming the recommended content, it's likely not them who are the problem."
#[test]
fn seed_002_systemic_signal_flags_names_and_protects() {
    let mut customers: Vec<Customer> = (0..8)
        .map(|i| healthy(&format!("ok-{i}")).build().unwrap())
        .collect();
    // Four customers (a third) drown in support although they consume the content.
    for i in 0..4 {
        customers.push(
            healthy(&format!("v2-{i}"))
                .recurring_revenue(dec("30000"))
                .tickets(Severity::High, 80, Some(dec("400")))
                .success_hours(dec("200"))
                .content_consumed(dec("0.9"))
                .expansion_whitespace(dec("100"))
                .growth_likelihood(0.1)
                .build()
                .unwrap(),
        );
    }
    let report = run(&customers);
    let s = &report.facts.systemic;
    assert!(s.flagged, "{s}");
    assert_eq!(s.customers.len(), 4);
    assert!(s.customers.iter().all(|id| id.as_str().starts_with("v2-")));
    // None of them is let go for it.
    for row in report
        .rows
        .iter()
        .filter(|r| r.id.as_str().starts_with("v2-"))
    {
        assert_ne!(row.action, Action::Offboard, "{}", row.id);
    }
    // Below the threshold the same customers are not protected by the signal.
    let strict = PortfolioAnalyzer::new(
        assessor(),
        policy(),
        PortfolioConfig {
            systemic_share_threshold: 0.5,
            ..Default::default()
        },
    )
    .unwrap()
    .analyze_slice(&customers, as_of(), 1, &|_, _, _| Ok(()))
    .unwrap();
    assert!(!strict.facts.systemic.flagged);
    assert!(strict.rows.iter().any(|r| r.action == Action::Offboard));
}

#[test]
fn account_groups_roll_up_and_a_subsidiary_is_not_let_go_silently() {
    let customers = vec![
        healthy("g-a").parent("G").build().unwrap(),
        healthy("g-b")
            .parent("G")
            .recurring_revenue(dec("50000"))
            .build()
            .unwrap(),
        dog("g-loss")
            .parent("G")
            .contract(custfit::Contract::builder(d(2025, 4, 1), d(2026, 3, 31)))
            .build()
            .unwrap(),
        healthy("solo").build().unwrap(),
    ];
    let recommendations = std::sync::Mutex::new(Vec::new());
    let report = analyzer()
        .analyze_slice(&customers, as_of(), 1, &|_, _, r| {
            recommendations.lock().unwrap().push(r.clone());
            Ok(())
        })
        .unwrap();
    let group = &report.groups[&custfit::CustomerId::new("G").unwrap()];
    assert_eq!(group.tally.customers, 3);
    let sum = report
        .rows
        .iter()
        .filter(|r| r.id.as_str().starts_with("g-"))
        .map(|r| r.revenue.amount())
        .sum::<rust_decimal::Decimal>();
    assert_eq!(group.tally.revenue.amount(), sum);
    assert_eq!(group.actions.values().sum::<u64>(), 3);
    let recs = recommendations.into_inner().unwrap();
    let loss = recs
        .iter()
        .find(|r| r.customer.as_str() == "g-loss")
        .unwrap();
    assert_eq!(loss.action, Action::Offboard);
    let impact = loss
        .group_impact
        .as_ref()
        .expect("the group impact is stated");
    assert_eq!(impact.group.members, 3);
    assert!(impact.margin_without.amount() > impact.group.margin.amount());
    assert!(impact
        .to_string()
        .starts_with("part of group G (3 customers"));
}

#[test]
fn bad_records_are_reported_and_the_counts_add_up() {
    let good: Vec<Customer> = (0..5)
        .map(|i| healthy(&format!("c{i}")).build().unwrap())
        .collect();
    let records = || {
        let mut v: Vec<custfit::Result<Customer>> = good.iter().cloned().map(Ok).collect();
        v.insert(2, base("neg").engineering_hours(dec("-1")).build());
        v.push(Err(Error::source_message(
            Some("row 9".into()),
            "unreadable",
        )));
        Ok(IterSource::new(v.into_iter()))
    };
    let report = analyzer()
        .analyze(records, as_of(), &|_, _, _| Ok(()), None)
        .unwrap();
    assert_eq!(report.records, 7);
    assert_eq!(report.totals.customers, 5);
    assert_eq!(report.bad_records.len(), 2);
    assert!(report.counts_add_up());
    assert_eq!(report.bad_records[0].record.as_deref(), Some("neg"));
    assert_eq!(
        report.bad_records[0].error.to_string(),
        "customer `neg`: field `activity.engineering_hours`: must not be negative, got -1"
    );
    assert_eq!(report.bad_records[1].record.as_deref(), Some("row 9"));
}

/// A customer whose profit is its revenue less 10 % COGS and 100 an engineering hour.
fn c(id: &str, revenue: &str, hours: &str) -> Customer {
    base(id)
        .recurring_revenue(dec(revenue))
        .engineering_hours(dec(hours))
        .build()
        .unwrap()
}

#[test]
fn whale_curve_and_concentration_by_hand() {
    // Profits 300, 100 and -200 (revenue 400, 400, 200; costs from engineering hours).
    // COGS 10 %: 400 - 40 - 0.6 h x 100 = 300; 400 - 40 - 2.6 h = 100; 200 - 20 - 3.8 h = -200.
    let report = run(&[
        c("a", "400", "0.6"),
        c("b", "400", "2.6"),
        c("c", "200", "3.8"),
    ]);
    let profits: Vec<String> = report.rows.iter().map(|r| r.profit.to_string()).collect();
    assert_eq!(profits, ["300.00 USD", "100.00 USD", "-200.00 USD"]);
    let w = report.whale_curve(100);
    assert_eq!(w.total_profit, usd("200"));
    assert_eq!(w.peak_profit, usd("400"));
    assert_eq!(w.peak_rank, 2);
    assert_eq!(w.peak_share.unwrap().get(), dec("2"));
    assert_eq!(w.top_20_share.unwrap().get(), dec("1.5")); // the top customer: 300 of 200
                                                           // Revenue 400, 400, 200 of 1,000: top-2 share 80 %, HHI 0.16 + 0.16 + 0.04.
    let conc = report.revenue_concentration(2);
    assert_eq!(conc.top_share.unwrap().get(), dec("0.8"));
    assert!((conc.herfindahl.unwrap() - 0.36).abs() < 1e-12);
    // With no profit overall, shares of it are undefined, not numbers.
    let losing = run(&[c("a", "100", "5"), c("b", "100", "5")]);
    let w = losing.whale_curve(10);
    assert_eq!(w.peak_share, None);
    assert_eq!(w.top_20_share, None);
    assert!(w.points.iter().all(|(_, s)| s.is_none()));
}

#[test]
fn the_plan_effect_and_margins_before_and_after() {
    let customers = vec![
        healthy("keep").build().unwrap(),
        dog("drop").build().unwrap(),
    ];
    let report = run(&customers);
    let drop = report
        .rows
        .iter()
        .find(|r| r.id.as_str() == "drop")
        .unwrap();
    assert_eq!(drop.action, Action::Offboard);
    assert_eq!(report.plan.revenue_lost, drop.revenue);
    assert!(report.margin_after().unwrap() > report.margin_before().unwrap());
    assert!(report.plan.hours_freed.engineering >= dec("150"));
    assert_eq!(report.potential_for_freed_hours(0.0, 5).len(), 1);
}

#[test]
fn the_shipped_sample_exercises_the_whole_flow() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");
    let read = |f: &str| std::fs::read_to_string(format!("{data}{f}")).unwrap();
    let config: custfit::Config = serde_json::from_str(&read("config.json")).unwrap();
    let customers: Vec<Customer> = serde_json::from_str(&read("customers.json")).unwrap();
    let analyzer = config.analyzer().unwrap();
    let report = analyzer
        .analyze_slice(&customers, as_of(), 2, &|_, _, _| Ok(()))
        .unwrap();
    assert!(report.counts_add_up());
    assert_eq!(report.totals.customers, 63);
    assert_eq!(
        report.by_quadrant.len(),
        6,
        "every quadrant, growth unknown included"
    );
    assert_eq!(report.by_class.len(), 4, "every class");
    for action in Action::ALL {
        assert!(report.by_action.contains_key(&action), "no {action}");
    }
    assert_eq!(
        report.by_action[&Action::LookBack].customers,
        3,
        "the churned ones"
    );
    assert!(report.facts.systemic.flagged, "{}", report.facts.systemic);
    assert_eq!(report.groups.len(), 2);
    // Let-goes confirmed and provisional, apart; what to confirm this week, soonest first:
    // C-063 now (its renewal notice is due in two days), C-062 on 18 January.
    let let_go = &report.let_go;
    assert_eq!(
        let_go.confirmed.customers + let_go.provisional.customers,
        report.by_action[&Action::Offboard].customers
    );
    assert!(let_go.confirmed.customers > 0 && let_go.provisional.customers > 0);
    let week: Vec<(&str, chrono::NaiveDate, bool)> = report
        .to_confirm_by(as_of() + chrono::Days::new(6))
        .map(|t| {
            let p = &t.provisional;
            (t.customer.as_str(), p.confirm_by, p.urgent)
        })
        .collect();
    assert_eq!(
        week,
        [("C-063", as_of(), true), ("C-062", d(2026, 1, 18), false)]
    );
    assert_eq!(report.to_confirm.len() as u64, let_go.provisional.customers);
}

#[test]
fn a_progress_observer_hears_about_long_runs() {
    use custfit::portfolio::{Phase, Progress, PROGRESS_EVERY};
    use std::sync::atomic::{AtomicU64, Ordering};
    #[derive(Default)]
    struct Count(AtomicU64, AtomicU64);
    impl Progress for Count {
        fn advanced(&self, phase: Phase, done: u64) {
            match phase {
                Phase::Summarize => self.0.fetch_add(done, Ordering::Relaxed),
                _ => self.1.fetch_add(done, Ordering::Relaxed),
            };
        }
    }
    let n = usize::try_from(PROGRESS_EVERY * 2 + 7).unwrap();
    let one = healthy("p").build().unwrap();
    let customers: Vec<Customer> = (0..n)
        .map(|i| {
            healthy(&format!("p{i:05}"))
                .recurring_revenue(
                    one.recurring_revenue().amount() + rust_decimal::Decimal::from(i),
                )
                .build()
                .unwrap()
        })
        .collect();
    let count = Count::default();
    let report = analyzer()
        .analyze(
            || Ok(custfit::source::SliceSource::new(&customers)),
            as_of(),
            &|_, _, _| Ok(()),
            Some(&count),
        )
        .unwrap();
    assert_eq!(report.totals.customers, n as u64);
    assert_eq!(count.0.load(Ordering::Relaxed), PROGRESS_EVERY * 2);
    assert_eq!(count.1.load(Ordering::Relaxed), PROGRESS_EVERY * 2);
}

#[test]
fn a_customer_refused_in_phase_one_is_reported_once() {
    let customers = vec![
        healthy("a").build().unwrap(),
        custfit::Customer::builder("b", "Euro Ltd")
            .currency("EUR")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(d(2024, 1, 1))
            .build()
            .unwrap(),
    ];
    let report = run(&customers);
    assert_eq!(report.records, 2);
    assert_eq!(report.bad_records.len(), 1);
    assert_eq!(
        report.bad_records[0].error.to_string(),
        "customer `b`: field `currency`: is in EUR, expected USD"
    );
    assert!(report.counts_add_up());
}

#[test]
fn a_subsidiary_is_not_let_go_when_its_group_is_unknown() {
    use custfit::{PolicyContext, RecommendationPolicy};
    let c = dog("sub").parent("G").build().unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let r = policy()
        .recommend(&c, &a, &PolicyContext::default())
        .unwrap();
    assert_eq!(r.action, Action::Restructure);
    assert_eq!(r.rule(), Some(Rule::GroupImpactUnknown));
    assert!(r.group_impact.is_none());
}

/// A parent account that is itself a customer is part of its own group: the group margin a
/// subsidiary's exit plan shows includes it, in any sharding.
#[test]
fn a_parent_that_is_a_customer_is_in_its_group() {
    let customers = [
        healthy("P")
            .recurring_revenue(dec("200000"))
            .build()
            .unwrap(),
        healthy("p-a").parent("P").build().unwrap(),
        dog("p-loss")
            .parent("P")
            .contract(custfit::Contract::builder(d(2025, 4, 1), d(2026, 3, 31)))
            .build()
            .unwrap(),
    ];
    let impacts = |threads: usize, order: &[usize]| {
        let ordered: Vec<Customer> = order.iter().map(|i| customers[*i].clone()).collect();
        let recs = std::sync::Mutex::new(Vec::new());
        let report = analyzer()
            .analyze_slice(&ordered, as_of(), threads, &|_, _, r| {
                recs.lock().unwrap().push(r.clone());
                Ok(())
            })
            .unwrap();
        let impact = recs
            .into_inner()
            .unwrap()
            .into_iter()
            .find(|r| r.customer.as_str() == "p-loss")
            .and_then(|r| r.group_impact)
            .expect("the subsidiary's group impact");
        (report, impact)
    };
    let (report, impact) = impacts(1, &[0, 1, 2]);
    let revenue: rust_decimal::Decimal = report.rows.iter().map(|r| r.revenue.amount()).sum();
    let margin: rust_decimal::Decimal = report.rows.iter().map(|r| r.profit.amount()).sum();
    assert_eq!(impact.group.members, 3);
    assert_eq!(impact.group.revenue.amount(), revenue);
    assert_eq!(impact.group.margin.amount(), margin);
    let group = &report.groups[&custfit::CustomerId::new("P").unwrap()];
    assert_eq!(group.tally.customers, 3);
    assert_eq!(group.tally.revenue.amount(), revenue);
    // The parent in another shard than its subsidiaries, in another order: the same.
    for (threads, order) in [(3, [2, 1, 0]), (2, [1, 2, 0])] {
        let (again, impact_again) = impacts(threads, &order);
        assert_eq!(impact_again, impact);
        assert_eq!(again.groups, report.groups);
    }
}

/// Churned customers count in the churn figures — revenue and margin lost, by segment and
/// channel — the same in any sharding.
#[test]
fn churn_figures_by_segment_and_channel() {
    let churned = |id: &str, segment: &str, channel: &str| {
        healthy(id)
            .segment(segment)
            .acquisition_channel(channel)
            .stage(custfit::customer::LifecycleStage::Churned)
            .build()
            .unwrap()
    };
    let customers = vec![
        churned("c1", "smb", "outbound"),
        churned("c2", "smb", "inbound"),
        churned("c3", "enterprise", "outbound"),
        healthy("live").build().unwrap(),
    ];
    let one = analyzer()
        .analyze_slice(&customers, as_of(), 1, &|_, _, _| Ok(()))
        .unwrap();
    assert_eq!(one.churned.customers, 3);
    let lost: rust_decimal::Decimal = one
        .rows
        .iter()
        .filter(|r| r.id.as_str().starts_with('c'))
        .map(|r| r.revenue.amount())
        .sum();
    assert_eq!(one.churned.revenue.amount(), lost);
    assert_eq!(one.churned_by_segment["smb"].customers, 2);
    assert_eq!(one.churned_by_channel["outbound"].customers, 2);
    assert_eq!(one.by_action[&Action::LookBack].customers, 3);
    let sharded = analyzer()
        .analyze_slice(&customers, as_of(), 3, &|_, _, _| Ok(()))
        .unwrap();
    assert_eq!(sharded, one);
}

/// The serialized report can be rendered alone: headline figures, named rows, scores to 0.1,
/// reasons with text elsewhere, money with its decimals.
#[test]
fn the_json_report_carries_what_a_ui_renders() {
    let customers = [
        healthy("a").build().unwrap(),
        dog("b").build().unwrap(),
        healthy("c")
            .recurring_revenue(dec("300000"))
            .build()
            .unwrap(),
    ];
    let report = run(&customers);
    let json = serde_json::to_value(&report).unwrap();
    let analytics = &json["analytics"];
    assert!(analytics["whale_curve"]["points"].as_array().unwrap().len() >= 2);
    assert!(analytics["whale_curve"]["top_20_share"].is_string());
    assert!(analytics["whale_curve"]["peak_rank"].as_u64().unwrap() >= 1);
    assert!(analytics["concentration"]["top_share"].is_string());
    assert!(analytics["margin_before"].is_string() && analytics["margin_after"].is_string());
    assert_eq!(analytics["loss_makers"], 1);
    let row = &json["rows"][0];
    assert_eq!(row["name"], "Customer a");
    let score = row["score"].as_f64().unwrap();
    assert_eq!((score * 10.0).round() / 10.0, score);
    assert!(row["revenue"].as_str().unwrap().ends_with(".00 USD"));
    assert_eq!(report.analytics, Some(report.analytics()));
    // It reads back whole.
    let back: PortfolioReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn whale_curve_points_peak_and_shares_by_hand() {
    // Profits 300, 100, 0 and -200: cumulative 300, 400, 400, 200 of a total of 200.
    let report = run(&[
        c("a", "400", "0.6"),
        c("b", "400", "2.6"),
        c("z", "0", "0"),
        c("c", "200", "3.8"),
    ]);
    let w = report.whale_curve(100);
    // The peak is where the curve first reaches its highest point: after two customers.
    assert_eq!((w.peak_rank, w.peak_customer_share), (2, 0.5));
    assert_eq!(w.peak_profit, usd("400"));
    let points: Vec<(f64, Option<String>)> = w
        .points
        .iter()
        .map(|(x, y)| (*x, y.map(|r| r.get().to_string())))
        .collect();
    let expected = [
        (0.0, "0"),
        (0.25, "1.5"),
        (0.5, "2"),
        (0.75, "2"),
        (1.0, "1"),
    ];
    assert_eq!(
        points,
        expected.map(|(x, y)| (x, Some(y.to_owned()))).to_vec()
    );
    // At most every second customer with two points asked for, and always the last.
    let coarse: Vec<f64> = report.whale_curve(2).points.iter().map(|p| p.0).collect();
    assert_eq!(coarse, [0.0, 0.5, 1.0]);
    let five = run(&[
        c("a", "400", "0.6"),
        c("b", "400", "2.6"),
        c("z", "0", "0"),
        c("c", "200", "3.8"),
        c("d", "100", "0"),
    ]);
    let xs: Vec<f64> = five.whale_curve(2).points.iter().map(|p| p.0).collect();
    assert_eq!(xs, [0.0, 0.4, 0.8, 1.0], "the last customer ends the curve");
    // A total profit of exactly zero: shares of it are undefined.
    let even = run(&[c("p", "400", "2.6"), c("m", "100", "1.9")]);
    assert_eq!(even.totals.margin, usd("0"));
    let w0 = even.whale_curve(10);
    assert!(
        w0.points.iter().all(|(_, s)| s.is_none()),
        "{:?}",
        w0.points
    );
    assert_eq!(w0.peak_share, None);
    let three: Vec<f64> = report.whale_curve(3).points.iter().map(|p| p.0).collect();
    assert_eq!(three, [0.0, 0.25, 0.5, 0.75, 1.0]);
    // The top 20 % of four customers is the first one.
    assert_eq!(w.top_20_share.unwrap().get(), dec("1.5"));
    // The portfolio's margin: 200 of 1,000 of revenue.
    assert_eq!(report.margin_before().unwrap().get(), dec("0.2"));
    // Without revenue, no concentration.
    let none = run(&[c("z", "0", "0")]);
    let conc = none.revenue_concentration(3);
    assert_eq!((conc.top_share, conc.herfindahl), (None, None));
    assert_eq!(none.margin_before(), None);
    let empty = run(&[]).whale_curve(10);
    assert_eq!((empty.peak_rank, empty.peak_customer_share), (0, 0.0));
    assert_eq!(empty.peak_profit, usd("0"));
    assert_eq!(empty.top_20_share, None);
}

#[test]
fn counts_that_do_not_add_up_are_seen() {
    let mut report = run(&[base("a").recurring_revenue(dec("100")).build().unwrap()]);
    assert!(report.counts_add_up());
    report.records += 1;
    assert!(
        !report.counts_add_up(),
        "a record neither assessed nor refused"
    );
    report.records -= 1;
    report.rows.clear();
    assert!(
        !report.counts_add_up(),
        "a customer assessed without its row"
    );
}

#[test]
fn the_systemic_signal_reads_as_a_sentence() {
    let report = run(&[base("a").recurring_revenue(dec("100")).build().unwrap()]);
    let mut s = report.facts.systemic.clone();
    s.customers = vec!["a".parse().unwrap(), "b".parse().unwrap()];
    (s.share, s.threshold, s.flagged) = (0.125, 0.1, true);
    assert_eq!(
        s.to_string(),
        "2 customers (12.5%) need heavy help although they consume the recommended content; \
         above 10.0%: likely a product or onboarding problem, not the customers"
    );
    let mut quiet = s.clone();
    quiet.flagged = false;
    assert!(quiet.to_string().ends_with("; below the 10.0% threshold"));
}
