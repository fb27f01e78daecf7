//! The flat CSV export: one row per customer, the columns of [`COLUMNS`], an optional column
//! left blank when the CRM has no value (a blank is unknown, never zero).
//!
//! Two ways in, giving the same customers:
//!
//! - **[`FlatRow`]**, a serde row type: read the file with any CSV reader (the `csv` crate's
//!   `StringRecord::deserialize`, say) and call [`FlatRow::into_customer`].
//! - **[`FlatReader`]**, a [`CustomerSource`](crate::source::CustomerSource) over bytes the caller provides (any
//!   [`BufRead`](std::io::BufRead): a file, a slice of a buffer). It splits the usual line at its commas eight
//!   bytes at a time and parses each field in place, with no allocation on the happy path;
//!   [`ShardedText`] (a text in memory, cut outside quoted fields) and [`Shard::plan`] with
//!   [`FlatReader::seek_shard`] (a file, cut at line ends) cut one input into ranges that
//!   threads read on their own ([`PortfolioAnalyzer::analyze_shards`](crate::portfolio::PortfolioAnalyzer::analyze_shards)
//!   reads each once by default, keeping its customers compactly between the phases). This is
//!   the path for a large export.
//!
//! [`FlatReader`] reads CSV as RFC 4180 writes it: fields split at commas, a field in double
//! quotes may hold commas, quotes (doubled) and line breaks, lines end in `\n` or `\r\n`, a
//! blank line is no row and a UTF-8 byte order mark before the header is skipped. It is
//! stricter than a general CSV reader where a file is malformed, and says so instead of
//! guessing: a carriage return alone inside a line, text after a field's closing quote, a
//! quoted field that never closes and bytes that are not UTF-8 are each an error naming the row.
//! Each field is read in its plain form — text as it is, decimals as [`Decimal::from_str`](std::str::FromStr)
//! (or in scientific notation), whole numbers and floats as Rust parses them, dates
//! `YYYY-MM-DD` (or any form [`NaiveDate::from_str`](std::str::FromStr) takes), the stage by its wire name — and
//! anything else is an error naming the row and the field (`field `support_tickets`: cannot
//! read "0x1F" as a whole number`), where serde over the `csv` crate would accept a
//! hexadecimal count.
//!
//! A header is checked once: a column named twice or a required one missing (the first
//! [`REQUIRED_COLUMNS`] of [`COLUMNS`]) is an error before any row is read; unknown columns
//! are ignored, the later columns may be left out and columns may come in any order.
//!
//! ```
//! use custfit::source::flat::FlatReader;
//! use custfit::source::CustomerSource;
//!
//! let csv = "id,name,currency,industry,segment,region,account_owner,acquisition_channel,\
//! stage,customer_since,period_start,period_end,recurring_revenue,one_time_revenue,\
//! support_tickets,support_hours,engineering_hours,success_hours,executive_hours,escalations,\
//! custom_features,meeting_attendance,plan_adherence,goal_changes,outcomes_achieved,\
//! content_consumed,renewal_intent
//! C-1,Acme,USD,logistics,mid-market,EMEA,,,active,2022-03-01,2025-01-01,2025-12-31,48000,,\
//! 12,30,4,20,,0,1,0.9,0.8,0,0.7,0.6,0.9
//! C-2,\"Beta, Inc.\",USD,,,,,,active,,2025-01-01,2025-12-31,1200,,0x1F,,,,,,,,,,,,
//! ";
//! let mut reader = FlatReader::new(csv.as_bytes())?;
//! let acme = reader.next_customer().unwrap()?;
//! assert_eq!(acme.id().as_str(), "C-1");
//! let beta = reader.next_customer().unwrap().unwrap_err();
//! assert_eq!(
//!     beta.to_string(),
//!     "data source, record C-2: field `support_tickets`: cannot read \"0x1F\" as a whole \
//!      number from 0 to 4294967295"
//! );
//! assert!(reader.next_customer().is_none());
//! # Ok::<(), custfit::Error>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::{Customer, LifecycleStage, RequestScope, Severity, TagSet};
use crate::error::{Error, Result};

mod header;
mod reader;
mod shard;
mod split;

pub use header::FlatHeader;
pub use reader::{FlatReader, FlatRecord};
pub use shard::{Shard, ShardedText};

/// Every column, in the order [`FlatRow`] lists them. The first [`REQUIRED_COLUMNS`] are in
/// every file; a file may leave out any of the later ones.
pub const COLUMNS: &[&str] = &COLUMN_NAMES;

/// [`COLUMNS`], sized (a slice in the API, so that a column may be added).
const COLUMN_NAMES: [&str; 40] = [
    "id",
    "name",
    "currency",
    "industry",
    "segment",
    "region",
    "account_owner",
    "acquisition_channel",
    "stage",
    "customer_since",
    "period_start",
    "period_end",
    "recurring_revenue",
    "one_time_revenue",
    "support_tickets",
    "support_hours",
    "engineering_hours",
    "success_hours",
    "executive_hours",
    "escalations",
    "custom_features",
    "meeting_attendance",
    "plan_adherence",
    "goal_changes",
    "outcomes_achieved",
    "content_consumed",
    "renewal_intent",
    "use_case",
    "plan",
    "product_version",
    "parent",
    "acquisition_cost",
    "expansion_whitespace",
    "upsell_whitespace",
    "cross_sell_whitespace",
    "growth_likelihood",
    "historical_growth",
    "nps",
    "broad_requests",
    "custom_requests",
];

/// How many of [`COLUMNS`], from the first, every file has.
pub const REQUIRED_COLUMNS: usize = 27;

/// One row of the flat export, borrowing its text from the record it is read from. A blank
/// optional field is `None`; the later columns may be absent from the file.
///
/// Each field is the column of the same name (see [`COLUMNS`]) and goes to the
/// [`CustomerBuilder`](crate::customer::CustomerBuilder) method of that name;
/// `support_tickets` and `support_hours` are the normal-severity tickets and their handling
/// hours; custom features and feature requests are counts.
#[allow(missing_docs)]
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlatRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub currency: &'a str,
    pub industry: Option<&'a str>,
    pub segment: Option<&'a str>,
    pub region: Option<&'a str>,
    pub account_owner: Option<&'a str>,
    pub acquisition_channel: Option<&'a str>,
    pub stage: LifecycleStage,
    pub customer_since: Option<NaiveDate>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub recurring_revenue: Decimal,
    pub one_time_revenue: Option<Decimal>,
    pub support_tickets: Option<u32>,
    pub support_hours: Option<Decimal>,
    pub engineering_hours: Option<Decimal>,
    pub success_hours: Option<Decimal>,
    pub executive_hours: Option<Decimal>,
    pub escalations: Option<u32>,
    pub custom_features: Option<u32>,
    pub meeting_attendance: Option<Decimal>,
    pub plan_adherence: Option<Decimal>,
    pub goal_changes: Option<u32>,
    pub outcomes_achieved: Option<Decimal>,
    pub content_consumed: Option<Decimal>,
    pub renewal_intent: Option<f64>,
    #[serde(default)]
    pub use_case: Option<&'a str>,
    #[serde(default)]
    pub plan: Option<&'a str>,
    #[serde(default)]
    pub product_version: Option<&'a str>,
    #[serde(default)]
    pub parent: Option<&'a str>,
    #[serde(default)]
    pub acquisition_cost: Option<Decimal>,
    #[serde(default)]
    pub expansion_whitespace: Option<Decimal>,
    #[serde(default)]
    pub upsell_whitespace: Option<Decimal>,
    #[serde(default)]
    pub cross_sell_whitespace: Option<Decimal>,
    #[serde(default)]
    pub growth_likelihood: Option<f64>,
    #[serde(default)]
    pub historical_growth: Option<Decimal>,
    #[serde(default)]
    pub nps: Option<i16>,
    #[serde(default)]
    pub broad_requests: Option<u32>,
    #[serde(default)]
    pub custom_requests: Option<u32>,
}

impl FlatRow<'_> {
    /// The customer, through the validating builder: a bad value is an error naming the
    /// customer and the field. Tags come from `tags`, so each text is stored once.
    ///
    /// # Errors
    ///
    /// The builder's errors; [`Error::Source`] naming the row for support hours without a
    /// ticket count.
    pub fn into_customer(self, tags: &mut TagSet) -> Result<Customer> {
        let mut b = Customer::builder(self.id, self.name)
            .currency(self.currency)
            .period(self.period_start, self.period_end)
            .stage(self.stage)
            .recurring_revenue(self.recurring_revenue);
        macro_rules! opt {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { b = b.$field(v); } )* };
        }
        macro_rules! tag {
            ($($field:ident),*) => {
                $( if let Some(v) = self.$field { b = b.$field(tags.tag(v)); } )*
            };
        }
        tag!(
            industry,
            segment,
            region,
            account_owner,
            acquisition_channel,
            use_case,
            plan,
            product_version
        );
        opt!(customer_since, parent);
        opt!(
            one_time_revenue,
            acquisition_cost,
            engineering_hours,
            success_hours,
            executive_hours,
            escalations
        );
        opt!(
            meeting_attendance,
            plan_adherence,
            goal_changes,
            outcomes_achieved,
            content_consumed,
            renewal_intent,
            nps
        );
        opt!(
            expansion_whitespace,
            upsell_whitespace,
            cross_sell_whitespace,
            growth_likelihood,
            historical_growth
        );
        match (self.support_tickets, self.support_hours) {
            (Some(n), hours) => b = b.tickets(Severity::Normal, n, hours),
            (None, Some(_)) => {
                return Err(Error::source_message(
                    (!self.id.is_empty()).then(|| self.id.to_owned()),
                    "support_hours given without support_tickets",
                ))
            }
            (None, None) => {}
        }
        // The export counts features and requests: counted, not named.
        b.unnamed_custom_features(self.custom_features.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Broad, self.broad_requests.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Custom, self.custom_requests.unwrap_or(0))
            .build()
    }
}
