"""A polars reference for the end-to-end comparison of README "Performance".

It does the job of the main example's `--csv` mode in polars, the way a data team would:
`scan_csv` with a fixed schema, then per customer the revenue and the cost lines of
`examples/data/config.json` (COGS share of revenue, support by the hour or per ticket,
engineering, success and executive hours, escalations, custom-feature upkeep, overhead), every
line and the margin in exact Decimal rounded half to even at the cent; margin %, the eight
dimension scores and the weighted overall score, the quadrant, the class, the recommendation,
the stand-alone reprice to break-even and the two strongest reasons as text; then the whale
curve (sorted cumulative profit, its peak, 101 points), the revenue concentration, totals and
counts by quadrant, class and recommendation.

It is a reference of the same shape, not a copy of the library's rules (which also price
levers, exit plans, guardrails and unknown facts): its figures are close to, not equal to,
the library's. Run it on a file of the `generate` example:

    pip install polars==2.1.0
    cargo run --release --example generate -- 1000000 /tmp/customers-1m.csv
    /usr/bin/time -v python3 benches/polars_reference.py /tmp/customers-1m.csv
"""

import sys

import polars as pl

MONEY = pl.Decimal(28, 4)
CENT = pl.Decimal(28, 2)

STRING = ["id", "name", "currency", "industry", "segment", "region", "account_owner",
          "acquisition_channel", "stage", "use_case", "plan", "product_version", "parent"]
DECIMAL = ["recurring_revenue", "one_time_revenue", "support_hours", "engineering_hours",
           "success_hours", "executive_hours", "acquisition_cost", "expansion_whitespace",
           "upsell_whitespace", "cross_sell_whitespace", "historical_growth"]
SHARE = ["meeting_attendance", "plan_adherence", "outcomes_achieved", "content_consumed",
         "renewal_intent", "growth_likelihood"]
COUNT = ["support_tickets", "escalations", "custom_features", "goal_changes", "nps",
         "broad_requests", "custom_requests"]
DATE = ["customer_since", "period_start", "period_end"]
COLUMNS = ["id", "name", "currency", "industry", "segment", "region", "account_owner",
           "acquisition_channel", "stage", "customer_since", "period_start", "period_end",
           "recurring_revenue", "one_time_revenue", "support_tickets", "support_hours",
           "engineering_hours", "success_hours", "executive_hours", "escalations",
           "custom_features", "meeting_attendance", "plan_adherence", "goal_changes",
           "outcomes_achieved", "content_consumed", "renewal_intent", "use_case", "plan",
           "product_version", "parent", "acquisition_cost", "expansion_whitespace",
           "upsell_whitespace", "cross_sell_whitespace", "growth_likelihood",
           "historical_growth", "nps", "broad_requests", "custom_requests"]
USED = ["id", "industry", "segment", "stage", "period_start", "period_end",
        "recurring_revenue", "one_time_revenue", "support_tickets", "support_hours",
        "engineering_hours", "success_hours", "executive_hours", "escalations",
        "custom_features", "meeting_attendance", "plan_adherence", "goal_changes",
        "outcomes_achieved", "content_consumed", "renewal_intent", "use_case",
        "expansion_whitespace", "upsell_whitespace", "cross_sell_whitespace",
        "growth_likelihood", "nps", "broad_requests", "custom_requests"]

# The cost model of examples/data/config.json.
RATE = {"support": "45", "engineering": "110", "success": "70", "executive": "220"}
TICKET_NORMAL = "55"
COGS_SHARE = "0.15"
OVERHEAD = "0.08"
UPKEEP_PER_YEAR = "7500"
ESCALATION = "600"
TARGET_INDUSTRIES = ["logistics", "manufacturing", "retail"]
CORE_USE_CASES = ["fleet-tracking", "warehouse-ops", "demand-planning"]
PREFERRED_SEGMENTS = ["mid-market", "enterprise"]
WEIGHTS = {"strategic_alignment": 1.0, "margin": 2.0, "resource_intensity": 1.0,
           "growth_potential": 1.5, "behavior_success": 1.0, "product_influence": 0.5,
           "mutual_value": 1.0}


def dec(value):
    return pl.lit(value).cast(MONEY)


def cents(expr):
    return expr.round(2, mode="half_to_even").cast(CENT)


def scale(expr, points):
    """A piecewise-linear scale, clamped at its ends."""
    out = pl.when(expr <= points[0][0]).then(points[0][1])
    for (x0, s0), (x1, s1) in zip(points, points[1:]):
        out = out.when(expr <= x1).then(s0 + (s1 - s0) * (expr - x0) / (x1 - x0))
    return out.otherwise(points[-1][1])


def mean_known(items):
    total = sum(pl.when(e.is_not_null()).then(e * w).otherwise(0.0) for e, w in items)
    weight = sum(pl.when(e.is_not_null()).then(w).otherwise(0.0) for e, w in items)
    return pl.when(weight > 0).then(100.0 * total / weight)


def main(path):
    schema = {}
    for c in COLUMNS:
        if c in DECIMAL:
            schema[c] = MONEY
        elif c in SHARE:
            schema[c] = pl.Float64
        elif c in COUNT:
            schema[c] = pl.Int64
        elif c in DATE:
            schema[c] = pl.Date
        else:
            schema[c] = pl.String
    lf = pl.scan_csv(path, schema=schema).select(USED)

    money = lambda c: pl.col(c).fill_null(dec("0"))
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    revenue = (money("recurring_revenue") + money("one_time_revenue")).alias("revenue")
    lines = lf.with_columns(revenue, days.alias("days")).with_columns(
        cents(pl.col("revenue") * dec(COGS_SHARE)).alias("cogs"),
        cents(pl.when(pl.col("support_hours").is_not_null())
              .then(pl.col("support_hours") * dec(RATE["support"]))
              .otherwise(pl.col("support_tickets").fill_null(0).cast(MONEY) * dec(TICKET_NORMAL)))
        .alias("support"),
        cents(money("engineering_hours") * dec(RATE["engineering"])).alias("engineering"),
        cents(money("success_hours") * dec(RATE["success"])).alias("success"),
        cents(money("executive_hours") * dec(RATE["executive"])).alias("executive"),
        cents(pl.col("escalations").fill_null(0).cast(MONEY) * dec(ESCALATION)).alias("escalations_cost"),
        cents(pl.col("custom_features").fill_null(0).cast(MONEY) * dec(UPKEEP_PER_YEAR)
              * pl.col("days").cast(MONEY) / dec("365")).alias("upkeep"),
    )
    direct = ["support", "engineering", "success", "executive", "escalations_cost", "upkeep"]
    costed = lines.with_columns(
        cents(sum(pl.col(c) for c in direct) * dec(OVERHEAD)).alias("overhead"),
    ).with_columns(
        (pl.col("cogs") + sum(pl.col(c) for c in direct) + pl.col("overhead")).alias("cost"),
    ).with_columns(
        (pl.col("revenue") - pl.col("cost")).cast(CENT).alias("profit"),
    ).with_columns(
        pl.when(pl.col("revenue") > 0)
        .then((pl.col("profit") / pl.col("revenue")).cast(pl.Float64)).alias("margin_pct"),
        pl.when(pl.col("revenue") > 0)
        .then((sum(pl.col(c) for c in ["support", "engineering", "success", "executive"])
               / pl.col("revenue")).cast(pl.Float64)).alias("service_ratio"),
    )
    # Between the phases: the typical customer's service ratio, the portfolio median.
    scored = costed.with_columns(
        (pl.col("service_ratio") / pl.col("service_ratio").median()).alias("intensity"),
        ((money("expansion_whitespace") + money("upsell_whitespace") + money("cross_sell_whitespace"))
         .cast(pl.Float64) * pl.col("growth_likelihood")
         / (pl.col("revenue").cast(pl.Float64) * 365.0 / pl.col("days"))).alias("expected_growth"),
    ).with_columns(
        (100.0 * (0.4 * pl.col("industry").is_in(TARGET_INDUSTRIES).cast(pl.Float64)
                  + 0.4 * pl.col("use_case").is_in(CORE_USE_CASES).cast(pl.Float64)
                  + 0.2 * pl.col("segment").is_in(PREFERRED_SEGMENTS).cast(pl.Float64)))
        .alias("strategic_alignment"),
        scale(pl.col("margin_pct"), [(-0.5, 0.0), (0.0, 30.0), (0.15, 50.0), (0.4, 100.0)]).alias("margin"),
        scale(pl.col("intensity"), [(0.25, 90.0), (1.0, 50.0), (3.0, 10.0), (6.0, 0.0)]).alias("resource_intensity"),
        scale(pl.col("expected_growth"), [(0.0, 10.0), (0.1, 50.0), (0.5, 100.0)]).alias("growth_potential"),
        mean_known([(pl.col("meeting_attendance"), 1.0), (pl.col("plan_adherence"), 1.0),
                    (pl.col("content_consumed"), 1.0),
                    ((1.0 - pl.col("goal_changes") / 5.0).clip(lower_bound=0.0), 1.0),
                    (pl.col("outcomes_achieved"), 2.0)]).alias("behavior_success"),
        (50.0 + 50.0 * (pl.col("broad_requests").fill_null(0)
                        - pl.col("custom_requests").fill_null(0) - pl.col("custom_features").fill_null(0))
         / (pl.col("broad_requests").fill_null(0) + pl.col("custom_requests").fill_null(0)
            + pl.col("custom_features").fill_null(0) + 1)).alias("product_influence"),
        mean_known([(pl.col("outcomes_achieved"), 1.0), (pl.col("renewal_intent"), 1.0),
                    ((pl.col("nps") + 100) / 200.0, 1.0)]).alias("mutual_value"),
    )
    dims = list(WEIGHTS)
    known_weight = sum(pl.when(pl.col(d).is_not_null()).then(w).otherwise(0.0) for d, w in WEIGHTS.items())
    effects = [((pl.col(d) - 50.0) * WEIGHTS[d] / known_weight).fill_null(0.0).alias(f"effect_{d}") for d in dims]
    decided = scored.with_columns(
        (sum(pl.col(d).fill_null(0.0) * w for d, w in WEIGHTS.items()) / known_weight).alias("score"),
        *effects,
    ).with_columns(
        pl.when(pl.col("growth_potential").is_null()).then(pl.lit("growth unknown"))
        .when((pl.col("margin_pct") >= 0.1) & (pl.col("growth_potential") >= 50)).then(pl.lit("star"))
        .when(pl.col("margin_pct") >= 0.1).then(pl.lit("cash cow"))
        .when(pl.col("growth_potential") >= 50).then(pl.lit("question mark"))
        .otherwise(pl.lit("dog")).alias("quadrant"),
        pl.when(((pl.col("meeting_attendance") <= 0.5).cast(pl.Int32).fill_null(0)
                 + (pl.col("plan_adherence") <= 0.5).cast(pl.Int32).fill_null(0)
                 + (pl.col("goal_changes") >= 3).cast(pl.Int32).fill_null(0)) >= 2).then(pl.lit("bad"))
        .when((pl.col("meeting_attendance") >= 0.7) & (pl.col("plan_adherence") >= 0.7)
              & (pl.col("content_consumed") >= 0.7) & (pl.col("outcomes_achieved") <= 0.4)).then(pl.lit("bad fit"))
        .otherwise(pl.lit("good fit")).alias("class"),
        # The stand-alone price change to break even: fixed / (1 - k) - revenue.
        pl.max_horizontal(
            cents((pl.col("cost") - pl.col("revenue") * dec("0.162")) / dec("0.838") - pl.col("revenue")),
            dec("0").cast(CENT)).alias("break_even"),
    ).with_columns(
        pl.when(pl.col("stage") == "churned").then(pl.lit("look back"))
        .when(pl.col("class") == "bad").then(pl.lit("restructure"))
        .when((pl.col("class") == "bad fit") & (pl.col("break_even") > 0)).then(pl.lit("offboard"))
        .when(pl.col("quadrant") == "star").then(pl.lit("invest"))
        .when(pl.col("quadrant").is_in(["cash cow"])).then(pl.lit("retain"))
        .when(pl.col("quadrant") == "dog").then(pl.lit("offboard"))
        .when(pl.col("margin_pct") >= 0.1).then(pl.lit("retain"))
        .otherwise(pl.lit("restructure")).alias("action"),
        # The two strongest reasons: the dimensions that moved the score furthest.
        pl.concat_list([pl.col(f"effect_{d}").abs() for d in dims]).list.arg_max().alias("first"),
    ).with_columns(
        pl.concat_list([pl.when(pl.col("first") == i).then(-1.0).otherwise(pl.col(f"effect_{d}").abs())
                        for i, d in enumerate(dims)]).list.arg_max().alias("second"),
    )

    def reason(index):
        text = pl.lit("")
        for i, d in enumerate(dims):
            text = pl.when(pl.col(index) == i).then(
                pl.format("{} score {} ({} points)", pl.lit(d.replace("_", " ")),
                          pl.col(d).round(0), pl.col(f"effect_{d}").round(1))).otherwise(text)
        return text

    rows = decided.with_columns(reason("first").alias("reason_1"), reason("second").alias("reason_2")).select(
        "id", "revenue", "cost", "profit", "margin_pct", "score", "quadrant", "class", "action",
        "break_even", "reason_1", "reason_2",
    ).collect()

    # The report: whale curve, concentration, totals and counts.
    profits = rows.select(pl.col("profit").sort(descending=True).cum_sum().alias("cum"))
    total = rows["profit"].sum()
    n = rows.height
    peak = profits["cum"].max()
    peak_rank = profits["cum"].arg_max() + 1
    points = [profits["cum"][max(0, round(n * i / 100) - 1)] for i in range(1, 101)]
    revenue = rows["revenue"].sort(descending=True)
    top10 = revenue.head(10).sum()
    revenue_total = revenue.sum()
    shares = revenue.cast(pl.Float64) / float(revenue_total)
    hhi = float((shares * shares).sum())
    print(f"customers {n}, revenue {revenue_total}, cost {rows['cost'].sum()}, profit {total}")
    print(f"whale curve: peak {peak} at rank {peak_rank}; 101 points, last {points[-1]}")
    print(f"concentration: top 10 {float(top10) / float(revenue_total):.4f}, Herfindahl {hhi:.6f}")
    for by in ["quadrant", "class", "action"]:
        counts = rows.group_by(by).agg(pl.len(), pl.col("revenue").sum(), pl.col("profit").sum()).sort(by)
        print(by, counts.rows())
    print("reasons of the first customer:", rows["reason_1"][0], "|", rows["reason_2"][0])


if __name__ == "__main__":
    main(sys.argv[1])
