//! The seeded generator behind `examples/generate.rs`: rows of the flat format with the
//! gaps of a real export. The same seed gives the same rows.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const INDUSTRIES: [&str; 6] = [
    "logistics",
    "retail",
    "manufacturing",
    "hospitality",
    "media",
    "public-sector",
];
const USE_CASES: [&str; 5] = [
    "fleet-tracking",
    "warehouse-ops",
    "demand-planning",
    "event-ticketing",
    "custom-reporting",
];
const SEGMENTS: [&str; 3] = ["smb", "mid-market", "enterprise"];
const REGIONS: [&str; 4] = ["DACH", "Nordics", "CEE", "Benelux"];
const CHANNELS: [&str; 4] = ["inbound", "outbound", "partner", "outbound-rep-k.brandt"];
const OWNERS: [&str; 6] = [
    "Jana Novak",
    "Lukas Weber",
    "Marco Rossi",
    "Priya Nair",
    "Sofie Andersen",
    "Tomas Berg",
];
const PLANS: [&str; 3] = ["starter", "growth", "enterprise"];

/// Write a header and `rows` generated rows from `seed` to `out`.
pub fn write_csv<W: Write>(rows: usize, seed: u64, out: W) -> csv::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = csv::WriterBuilder::new()
        .buffer_capacity(1 << 20)
        .from_writer(out);
    out.write_record(super::COLUMNS)?;
    let mut row: Vec<String> = Vec::with_capacity(super::COLUMNS.len());
    for i in 0..rows {
        row.clear();
        write_row(i, &mut rng, &mut row);
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// `Some(value)` with probability `1 - missing`, as text; blank otherwise.
fn maybe(
    rng: &mut ChaCha8Rng,
    missing: f64,
    value: impl FnOnce(&mut ChaCha8Rng) -> String,
) -> String {
    if rng.gen_bool(missing) {
        String::new()
    } else {
        value(rng)
    }
}

fn share(rng: &mut ChaCha8Rng, lo: u32, hi: u32) -> String {
    format!("{:.2}", f64::from(rng.gen_range(lo..=hi)) / 100.0)
}

fn write_row(i: usize, rng: &mut ChaCha8Rng, row: &mut Vec<String>) {
    let segment = rng.gen_range(0..SEGMENTS.len());
    let revenue: u32 = match segment {
        0 => rng.gen_range(8_000..40_000),
        1 => rng.gen_range(40_000..150_000),
        _ => rng.gen_range(150_000..450_000),
    };
    let stage = match rng.gen_range(0..100) {
        0..=2 => "churned",
        3..=7 => "onboarding",
        8..=9 => "prospect",
        _ => "active",
    };
    let prospect = stage == "prospect";
    let load = if rng.gen_bool(0.2) { 3 } else { 1 };
    let disengaged = rng.gen_bool(0.08);
    let since = if prospect {
        String::new()
    } else {
        let days = if stage == "onboarding" {
            rng.gen_range(2_150..2_190)
        } else {
            rng.gen_range(0..2_150)
        };
        (chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date") + chrono::Days::new(days))
            .to_string()
    };
    let hours = |rng: &mut ChaCha8Rng, hi: u32| format!("{}", rng.gen_range(0..hi) * load);
    let tickets = rng.gen_range(0..60) * load;
    let behavior_known = !rng.gen_bool(0.4);
    let behavior = |rng: &mut ChaCha8Rng, lo: u32, hi: u32, bad: (u32, u32)| {
        if !behavior_known {
            String::new()
        } else if disengaged {
            share(rng, bad.0, bad.1)
        } else {
            share(rng, lo, hi)
        }
    };
    let growth_known = !rng.gen_bool(0.6);
    let whitespace = |rng: &mut ChaCha8Rng| {
        if growth_known {
            format!("{}", rng.gen_range(0..revenue))
        } else {
            String::new()
        }
    };
    let fields: [String; 40] = [
        format!("G-{i:07}"),
        format!("Generated Customer {i}"),
        "EUR".into(),
        INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())].into(),
        SEGMENTS[segment].into(),
        REGIONS[rng.gen_range(0..REGIONS.len())].into(),
        maybe(rng, 0.05, |r| OWNERS[r.gen_range(0..OWNERS.len())].into()),
        maybe(rng, 0.1, |r| {
            CHANNELS[r.gen_range(0..CHANNELS.len())].into()
        }),
        stage.into(),
        since,
        "2025-01-01".into(),
        "2025-12-31".into(),
        if prospect {
            "0".into()
        } else {
            format!("{revenue}.00")
        },
        maybe(rng, 0.85, |r| format!("{}.00", r.gen_range(1_000..20_000))),
        tickets.to_string(),
        if tickets == 0 {
            String::new()
        } else {
            maybe(rng, 0.3, |r| format!("{}", tickets * r.gen_range(1..4)))
        },
        hours(rng, 80),
        hours(rng, 120),
        hours(rng, 10),
        format!("{}", rng.gen_range(0..3) * load),
        format!("{}", u32::from(rng.gen_bool(0.2))),
        behavior(rng, 60, 100, (10, 45)),
        if prospect {
            String::new()
        } else {
            behavior(rng, 55, 100, (10, 45))
        },
        if behavior_known {
            format!(
                "{}",
                if disengaged {
                    rng.gen_range(3..8)
                } else {
                    rng.gen_range(0..2)
                }
            )
        } else {
            String::new()
        },
        if prospect {
            String::new()
        } else {
            behavior(rng, 10, 95, (5, 40))
        },
        if prospect {
            String::new()
        } else {
            behavior(rng, 20, 100, (10, 50))
        },
        maybe(rng, 0.5, |r| format!("{:.2}", r.gen_range(0.1..0.95))),
        USE_CASES[rng.gen_range(0..USE_CASES.len())].into(),
        PLANS[segment].into(),
        if rng.gen_bool(0.2) { "v2" } else { "v3" }.into(),
        // Every twentieth customer may head a group of the next nineteen.
        if i % 20 != 0 && rng.gen_bool(0.05) {
            format!("G-{:07}", (i / 20) * 20)
        } else {
            String::new()
        },
        format!("{}.00", revenue / 3),
        whitespace(rng),
        whitespace(rng),
        whitespace(rng),
        if growth_known {
            format!("{:.2}", rng.gen_range(0.05..0.9))
        } else {
            String::new()
        },
        maybe(rng, 0.5, |r| format!("{:.2}", r.gen_range(-0.2..0.4))),
        maybe(rng, 0.7, |r| format!("{}", r.gen_range(-40..70))),
        format!("{}", u32::from(rng.gen_bool(0.3))),
        format!("{}", u32::from(rng.gen_bool(0.1))),
    ];
    row.extend(fields);
}
