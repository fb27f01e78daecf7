//! A seeded synthetic history: customers over consecutive yearly periods, drifting, some
//! churning for the reasons the articles name (disengagement, no success despite effort,
//! costs that outgrow revenue) and some for no visible reason, new ones joining. For the
//! `history` example and the tests; the same seed gives the same history.

use chrono::NaiveDate;
use custfit::customer::LifecycleStage;
use custfit::Customer;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// The first year of every history.
pub const FIRST_YEAR: i32 = 2022;

/// One customer's hidden state, which the records only show through their facts.
#[derive(Debug, Clone)]
struct Latent {
    id: usize,
    fits: bool,
    engagement: f64,
    success: f64,
    load: f64,
    revenue: f64,
    since: NaiveDate,
    churned: bool,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn clamp(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

fn share(x: f64) -> Decimal {
    Decimal::new((clamp(x) * 100.0).round() as i64, 2)
}

/// The customers of `years` yearly periods from `FIRST_YEAR`, starting with `n`: each year's
/// records are the live customers of that year and those that churned during it (stage
/// churned); a churned customer has no record after that.
pub fn history(n: usize, years: usize, seed: u64) -> Vec<Vec<Customer>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut next_id = 0;
    let mut join = |rng: &mut ChaCha8Rng, year: i32| {
        next_id += 1;
        Latent {
            id: next_id,
            fits: rng.gen_bool(0.7),
            engagement: rng.gen_range(0.3..1.0),
            success: rng.gen_range(0.3..0.95),
            load: rng.gen_range(0.5..2.5),
            revenue: rng.gen_range(15_000.0..300_000.0),
            since: date(year - 1, rng.gen_range(1..=12), 1),
            churned: false,
        }
    };
    let mut live: Vec<Latent> = (0..n).map(|_| join(&mut rng, FIRST_YEAR)).collect();
    let mut out = Vec::with_capacity(years);
    for t in 0..years {
        let year = FIRST_YEAR + t as i32;
        let mut records = Vec::with_capacity(live.len());
        for c in &mut live {
            // Drift; bad fits are less successful whatever they do.
            c.engagement = clamp(c.engagement + rng.gen_range(-0.15..0.12));
            c.success =
                clamp(c.success + rng.gen_range(-0.1..0.1) - if c.fits { 0.0 } else { 0.03 });
            c.load = (c.load * rng.gen_range(0.85..1.3)).max(0.2);
            c.revenue *= rng.gen_range(0.9..1.25);
            // The articles' reasons to leave, and chance.
            let hazard: f64 = 0.03
                + if c.engagement < 0.35 { 0.3 } else { 0.0 }
                + if c.success < 0.35 && c.engagement > 0.6 {
                    0.2
                } else {
                    0.0
                }
                + if c.load > 3.0 { 0.15 } else { 0.0 };
            c.churned = t > 0 && rng.gen_bool(hazard.min(0.9));
            records.push(record(c, year, &mut rng));
        }
        live.retain(|c| !c.churned);
        let joining = (live.len() / 10).max(1);
        live.extend((0..joining).map(|_| join(&mut rng, year + 1)));
        out.push(records);
    }
    out
}

fn record(c: &Latent, year: i32, rng: &mut ChaCha8Rng) -> Customer {
    let revenue = Decimal::from(c.revenue.round() as i64);
    let hours = |base: f64, rng: &mut ChaCha8Rng| {
        Decimal::from(
            (base * c.load * c.revenue / 100_000.0 * rng.gen_range(0.8..1.2)).round() as i64,
        )
    };
    let mut b = Customer::builder(
        format!("H-{:05}", c.id),
        format!("History customer {}", c.id),
    )
    .currency("EUR")
    .period(date(year, 1, 1), date(year, 12, 31))
    .customer_since(c.since)
    .industry(if c.fits { "logistics" } else { "media" })
    .use_case(if c.fits {
        "fleet-tracking"
    } else {
        "custom-reporting"
    })
    .segment(if c.revenue > 150_000.0 {
        "enterprise"
    } else {
        "mid-market"
    })
    .recurring_revenue(revenue)
    .success_hours(hours(60.0, rng))
    .engineering_hours(hours(25.0, rng))
    .tickets(
        custfit::customer::Severity::Normal,
        (20.0 * c.load) as u32,
        None,
    )
    .meeting_attendance(share(c.engagement + rng.gen_range(-0.05..0.05)))
    .plan_adherence(share(c.engagement + rng.gen_range(-0.1..0.1)))
    .goal_changes(if c.engagement < 0.4 {
        rng.gen_range(2..6)
    } else {
        rng.gen_range(0..2)
    })
    .outcomes_achieved(share(c.success))
    .content_consumed(share(c.engagement * 0.9));
    // Growth facts are known for about half the customers, and fade with engagement.
    if rng.gen_bool(0.5) {
        b = b
            .expansion_whitespace(Decimal::from(
                (c.revenue * rng.gen_range(0.0..0.8)).round() as i64
            ))
            .growth_likelihood(clamp(c.engagement * c.success + 0.1));
    }
    // Six in ten state how likely they are to renew: optimistic, and blind to their cost.
    if rng.gen_bool(0.6) {
        b = b.renewal_intent(clamp(0.45 + 0.5 * c.engagement + rng.gen_range(-0.1..0.1)));
    }
    if c.churned {
        b = b.stage(LifecycleStage::Churned);
    }
    b.build().expect("generated customers are valid")
}
