//! The flat CSV export the examples read: one row per customer, optional columns blank when the
//! CRM has no value (a blank is unknown, never zero). `examples/data/customers.csv` is one;
//! `cargo run --release --example generate` writes larger ones.
//!
//! [`ShardedCsv`] splits a file into byte ranges that threads read on their own, each range
//! opened again for every phase of a portfolio run (`PortfolioAnalyzer::analyze_shards`), so
//! the customers are never all in memory. Ranges are cut at line ends: the format has no
//! newline inside a field.

#![allow(dead_code)]

pub mod generate;

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use custfit::customer::{LifecycleStage, RequestScope, Severity, TagSet};
use custfit::source::CustomerSource;
use custfit::Customer;
use rust_decimal::Decimal;
use serde::Deserialize;

/// Every column, in the order the generator writes them. The first 27 are the shipped
/// sample's; a file may leave out any of the later ones.
pub const COLUMNS: [&str; 40] = [
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

/// One row, borrowing its text from the reader's record; optional columns may be blank or
/// absent.
#[derive(Debug, PartialEq, Deserialize)]
pub struct Row<'a> {
    id: &'a str,
    name: &'a str,
    currency: &'a str,
    industry: Option<&'a str>,
    segment: Option<&'a str>,
    region: Option<&'a str>,
    account_owner: Option<&'a str>,
    acquisition_channel: Option<&'a str>,
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
    #[serde(default)]
    use_case: Option<&'a str>,
    #[serde(default)]
    plan: Option<&'a str>,
    #[serde(default)]
    product_version: Option<&'a str>,
    #[serde(default)]
    parent: Option<&'a str>,
    #[serde(default)]
    acquisition_cost: Option<Decimal>,
    #[serde(default)]
    expansion_whitespace: Option<Decimal>,
    #[serde(default)]
    upsell_whitespace: Option<Decimal>,
    #[serde(default)]
    cross_sell_whitespace: Option<Decimal>,
    #[serde(default)]
    growth_likelihood: Option<f64>,
    #[serde(default)]
    historical_growth: Option<Decimal>,
    #[serde(default)]
    nps: Option<i16>,
    #[serde(default)]
    broad_requests: Option<u32>,
    #[serde(default)]
    custom_requests: Option<u32>,
}

impl Row<'_> {
    /// The customer, through the validating builder: a bad value is an error naming the
    /// customer and the field. Tags come from `tags`, so each text is stored once.
    pub fn into_customer(self, tags: &mut TagSet) -> custfit::Result<Customer> {
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
                return Err(custfit::Error::source_message(
                    Some(self.id.to_owned()),
                    "support_hours given without support_tickets",
                ))
            }
            (None, None) => {}
        }
        // The export counts features and requests: counted, not named.
        b = b
            .unnamed_custom_features(self.custom_features.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Broad, self.broad_requests.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Custom, self.custom_requests.unwrap_or(0));
        b.build()
    }
}

/// Reads customers from CSV rows, lazily; a row that cannot be parsed or validated is an error
/// naming it (by its id when the row has one, else by the byte it starts at), and reading goes
/// on.
///
/// A line is one row. The usual line, without quotes, is split at its commas; a line with
/// quotes or a carriage return inside is split by the csv reader, exactly as a csv reader of
/// the whole file would (tested); a quoted field with a line break inside continues the row on
/// the next line (but [`ShardedCsv`] cuts files at line ends, so it needs files without such
/// fields, as this format's exports are).
pub struct CsvSource<R> {
    input: R,
    /// The line just read, without its line end; it starts at `line_start` (after a byte
    /// order mark).
    line: Vec<u8>,
    line_start: usize,
    /// The line end taken off `line`.
    line_end: Vec<u8>,
    header: csv::StringRecord,
    /// Whether the header lists the columns in the order of [`COLUMNS`].
    in_order: bool,
    /// Where each of [`COLUMNS`] is in a record.
    columns: Columns,
    /// Where the id is.
    id_column: usize,
    /// The tags read so far, each text once.
    tags: TagSet,
    /// The fields of the line just read: where the commas split it, or (for a line with
    /// quotes) the csv reader's record.
    bounds: Vec<(usize, usize)>,
    by_commas: bool,
    record: csv::StringRecord,
    /// Bytes of `input` read so far.
    at: u64,
    /// Stop before a row that starts at or after this byte of `input`.
    end: u64,
    /// Where `input` starts in the file, for the name of a row without an id.
    base: u64,
}

/// A UTF-8 byte order mark, which some exports put before the header.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<R: BufRead> CsvSource<R> {
    /// Rows without a header line, named by `header`; `base` is where `input` starts in the
    /// file (for the name of a row without an id).
    pub fn headerless(header: csv::StringRecord, input: R, base: u64) -> Self {
        CsvSource {
            input,
            line: Vec::new(),
            line_start: 0,
            line_end: Vec::new(),
            in_order: in_order(&header),
            columns: Columns::of(&header),
            id_column: header.iter().position(|h| h == "id").unwrap_or(0),
            header,
            tags: TagSet::default(),
            bounds: Vec::new(),
            by_commas: false,
            record: csv::StringRecord::new(),
            at: 0,
            end: u64::MAX,
            base,
        }
    }

    /// All the rows of a CSV text with its header line.
    pub fn new(input: R) -> csv::Result<Self> {
        let mut source = CsvSource::headerless(csv::StringRecord::new(), input, 0);
        if let Some((_, read)) = source.read_line() {
            read.map_err(|e| csv::Error::from(std::io::Error::other(e)))?;
            source.materialize();
            let header = source.record.clone();
            source.in_order = in_order(&header);
            source.columns = Columns::of(&header);
            source.id_column = header.iter().position(|h| h == "id").unwrap_or(0);
            source.header = header;
        }
        Ok(source)
    }

    /// The next non-blank row, split into `record`, with the byte of `input` it starts at;
    /// `None` at the end of the range or of the input.
    fn read_line(&mut self) -> Option<(u64, Result<(), String>)> {
        loop {
            let start = match self.next_line()? {
                Ok(start) => start,
                Err((start, message)) => return Some((start, Err(message))),
            };
            // The usual line has no quote: split at its commas, without looking for quotes
            // twice. A line with one may go on over the next lines.
            let plain = split_at_commas(&self.line[self.line_start..], &mut self.bounds);
            if !plain {
                self.read_quoted_line_breaks();
            }
            let line = &self.line[self.line_start..];
            if let Some(read) = split(line, plain, &mut self.by_commas, &mut self.record) {
                return Some((start, read));
            }
        }
    }

    /// Read the next non-blank line into `line` (from `line_start`, without its line end):
    /// the byte of `input` it starts at.
    /// A read that fails is `Err((start, message))`.
    fn next_line(&mut self) -> Option<Result<u64, (u64, String)>> {
        loop {
            let start = self.at;
            if start >= self.end {
                return None;
            }
            self.line.clear();
            let n = match self.input.read_until(b'\n', &mut self.line) {
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => {
                    self.end = start; // a read that failed once is not retried
                    return Some(Err((start, e.to_string())));
                }
            };
            self.at += n as u64;
            self.cut_line_end();
            self.line_start = if start == 0 && self.line.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            // A blank line is no row, as for the csv reader (a line with a quote is not blank).
            if self.line.len() > self.line_start {
                return Some(Ok(start));
            }
        }
    }

    /// Take the line end (`\n`, `\r\n` or `\r`) off `line`, keeping it in `line_end`.
    fn cut_line_end(&mut self) {
        self.line_end.clear();
        for end in [b'\n', b'\r'] {
            if self.line.last() == Some(&end) {
                self.line.pop();
                self.line_end.insert(0, end);
            }
        }
    }

    /// A quoted field with a line break inside (valid CSV, though exports of this format have
    /// none): the row goes on over the next lines until its quotes balance.
    fn read_quoted_line_breaks(&mut self) {
        let odd_quotes = |line: &[u8]| line.iter().filter(|&&b| b == b'"').count() % 2 == 1;
        if !odd_quotes(&self.line) {
            return;
        }
        self.line.extend_from_slice(&self.line_end);
        while odd_quotes(&self.line) {
            match self.input.read_until(b'\n', &mut self.line) {
                Ok(0) | Err(_) => break,
                Ok(n) => self.at += n as u64,
            }
        }
        self.cut_line_end();
    }
}

/// The ranges between the commas of `line` into `bounds`, or `false` when the line has a quote
/// or a carriage return (the csv reader's to split). Eight bytes at a time: this runs on every
/// line of a file.
pub fn split_at_commas(line: &[u8], bounds: &mut Vec<(usize, usize)>) -> bool {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The high bit of each byte of `word` that is `byte`, and of no other (exact, unlike the
    // shorter borrow trick, which also marks a byte after a match).
    let matches = |word: u64, byte: u8| {
        let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
        !(((x & LOW7) + LOW7) | x | LOW7)
    };
    bounds.clear();
    let mut start = 0;
    let mut at = 0;
    let mut rest = line;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        let word = u64::from_le_bytes(*chunk);
        if matches(word, b'"') | matches(word, b'\r') != 0 {
            return false;
        }
        let mut commas = matches(word, b',');
        while commas != 0 {
            let i = at + (commas.trailing_zeros() / 8) as usize;
            bounds.push((start, i));
            start = i + 1;
            commas &= commas - 1;
        }
        at += 8;
        rest = tail;
    }
    for (i, &b) in rest.iter().enumerate() {
        match b {
            b'"' | b'\r' => return false,
            b',' => {
                bounds.push((start, at + i));
                start = at + i + 1;
            }
            _ => {}
        }
    }
    bounds.push((start, line.len()));
    true
}

/// The error of a row that is not UTF-8.
const NOT_UTF8: &str = "the row is not valid UTF-8";

/// `line` (without its line end) into fields: the usual line, without quotes or carriage
/// returns, that [`split_at_commas`] split (`plain`; its UTF-8 is checked once, where its text
/// is taken, by [`Fields::of`]), or any other by the csv reader into `record`. `None` when the
/// csv reader finds no row in it.
fn split(
    line: &[u8],
    plain: bool,
    by_commas: &mut bool,
    record: &mut csv::StringRecord,
) -> Option<Result<(), String>> {
    let not_utf8 = || NOT_UTF8.to_owned();
    if plain {
        *by_commas = true;
        return Some(Ok(()));
    }
    *by_commas = false;
    record.clear();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let read = match reader.read_record(record) {
        Ok(false) => return None,
        Ok(true) => Ok(()),
        Err(e) => Err(match e.kind() {
            csv::ErrorKind::Utf8 { .. } => not_utf8(),
            _ => e.to_string(),
        }),
    };
    // A carriage return inside the line ends a row for the csv reader: refuse the line rather
    // than lose what follows it.
    let mut more = csv::StringRecord::new();
    if read.is_ok() && !matches!(reader.read_record(&mut more), Ok(false)) {
        return Some(Err(
            "the line holds more than one row (a carriage return inside it)".to_owned(),
        ));
    }
    Some(read)
}

/// The fields of a row.
#[derive(Clone, Copy)]
pub enum Fields<'a> {
    /// A line split at its commas.
    Commas(&'a str, &'a [(usize, usize)]),
    /// A record of the csv reader.
    Record(&'a csv::StringRecord),
}

impl<'a> Fields<'a> {
    /// The fields of a line split at its commas (`by_commas`, then `None` when it is not
    /// UTF-8), else of the csv reader's `record`.
    fn of(
        line: &'a [u8],
        bounds: &'a [(usize, usize)],
        by_commas: bool,
        record: &'a csv::StringRecord,
    ) -> Option<Self> {
        if by_commas {
            std::str::from_utf8(line)
                .ok()
                .map(|text| Fields::Commas(text, bounds))
        } else {
            Some(Fields::Record(record))
        }
    }

    /// Field `i`.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match *self {
            Fields::Commas(text, bounds) => bounds.get(i).and_then(|&(a, b)| text.get(a..b)),
            Fields::Record(record) => record.get(i),
        }
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        match self {
            Fields::Commas(_, bounds) => bounds.len(),
            Fields::Record(record) => record.len(),
        }
    }
}

impl<R: BufRead> CustomerSource for CsvSource<R> {
    // Rows whose id is not wanted are only split into fields, not parsed into customers.
    fn next_customer(&mut self) -> Option<custfit::Result<Customer>> {
        let (start, read) = self.read_line()?;
        // Rows are named by their id, else by where they start in the file, so that the
        // name does not depend on how the file was cut.
        let byte = self.base + start;
        if let Err(message) = read {
            return Some(Err(custfit::Error::source_message(
                Some(format!("byte {byte}")),
                message,
            )));
        }
        Some(self.customer(byte))
    }
}

impl<R: BufRead> CsvSource<R> {
    /// Read the next row (whatever its customer), for tests of the parsers; `false` at the end
    /// or on a line that cannot be split.
    pub fn next_record(&mut self) -> bool {
        let read = matches!(self.read_line(), Some((_, Ok(())))) && self.fields().is_some();
        self.materialize();
        read
    }

    /// The fields of the row just read; `None` for a line split at its commas that is not
    /// UTF-8.
    pub fn fields(&self) -> Option<Fields<'_>> {
        let line = &self.line[self.line_start..];
        Fields::of(line, &self.bounds, self.by_commas, &self.record)
    }

    /// Copy the fields of a line split at its commas into `record`, for serde.
    fn materialize(&mut self) {
        if self.by_commas {
            self.record.clear();
            let line = &self.line[self.line_start..];
            for &(a, b) in &self.bounds {
                self.record
                    .push_field(std::str::from_utf8(&line[a..b]).unwrap_or_default());
            }
            self.by_commas = false;
        }
    }

    /// The customer of the record just read, which started at `byte` of the file (for the
    /// name of a row without an id).
    fn customer(&mut self, byte: u64) -> custfit::Result<Customer> {
        let line = &self.line[self.line_start..];
        let Some(fields) = Fields::of(line, &self.bounds, self.by_commas, &self.record) else {
            // Named by where it starts, as any row that cannot be split into fields.
            return Err(custfit::Error::source_message(
                Some(format!("byte {byte}")),
                NOT_UTF8,
            ));
        };
        let id = fields.get(self.id_column).filter(|id| !id.is_empty());
        let name = || match id {
            Some(id) => id.to_owned(),
            None => format!("byte {byte}"),
        };
        if fields.len() != self.header.len() {
            return Err(custfit::Error::source_message(
                Some(name()),
                format!(
                    "the row has {} fields, the header {}",
                    fields.len(),
                    self.header.len()
                ),
            ));
        }
        // The usual row is parsed field by field; a row that does not parse so (a bad value,
        // a missing column, an integer in hexadecimal) is read again by serde, which
        // accepts whatever it accepted and names the field of any error.
        if let Some(row) = self.columns.row(fields) {
            return row.into_customer(&mut self.tags);
        }
        let name = name();
        self.materialize();
        let by_name = (!self.in_order).then_some(&self.header);
        self.record
            .deserialize::<Row<'_>>(by_name)
            .map_err(|e| custfit::Error::from_source(Some(name), e))?
            .into_customer(&mut self.tags)
    }

    /// The record just read, through serde: columns in the generator's order by position,
    /// others by name.
    pub fn by_serde(&self) -> csv::Result<Row<'_>> {
        let by_name = (!self.in_order).then_some(&self.header);
        self.record.deserialize::<Row<'_>>(by_name)
    }

    /// The record just read, parsed field by field; `None` when serde must read it.
    pub fn by_hand(&self) -> Option<Row<'_>> {
        self.columns.row(self.fields()?)
    }
}

/// Where each of [`COLUMNS`] is in a record, for the field-by-field parser.
struct Columns {
    at: [Option<usize>; COLUMNS.len()],
    /// Whether the header can be read so: no column named twice.
    usable: bool,
}

/// The first columns: in every file, so serde needs them all (the later ones default).
const REQUIRED_COLUMNS: usize = 27;

impl Columns {
    fn of(header: &csv::StringRecord) -> Self {
        let mut at = [None; COLUMNS.len()];
        let mut usable = true;
        for (i, h) in header.iter().enumerate() {
            if let Some(c) = COLUMNS.iter().position(|c| *c == h) {
                usable &= at[c].replace(i).is_none();
            }
        }
        Columns { at, usable }
    }

    /// A row exactly as serde reads it when every field is in its plain form: text as is,
    /// a blank optional field as `None`, decimals by `Decimal::from_str`, integers and
    /// floats by `str::parse`, dates as `YYYY-MM-DD`. `None` for anything else: then serde
    /// reads the row and decides (it accepts more: hexadecimal integers, other date
    /// forms).
    fn row<'r>(&self, record: Fields<'r>) -> Option<Row<'r>> {
        if !self.usable {
            return None;
        }
        // `Some(None)`: a column that files may leave out, absent.
        let field = |c: usize| -> Option<Option<&'r str>> {
            match self.at[c] {
                Some(i) => Some(Some(record.get(i)?)),
                None if c >= REQUIRED_COLUMNS => Some(None),
                None => None,
            }
        };
        let text = |c: usize| field(c)?;
        let opt_text = |c: usize| Some(field(c)?.filter(|s| !s.is_empty()));
        fn opt<T>(s: Option<&str>, parse: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
            match s {
                None | Some("") => Some(None),
                Some(s) => parse(s).map(Some),
            }
        }
        let decimal = |s: &str| s.parse::<Decimal>().ok();
        let opt_decimal = |c: usize| opt(field(c)?, decimal);
        let opt_u32 = |c: usize| opt(field(c)?, |s| s.parse::<u32>().ok());
        let opt_f64 = |c: usize| opt(field(c)?, |s| s.parse::<f64>().ok());
        let opt_date = |c: usize| opt(field(c)?, plain_date);
        Some(Row {
            id: text(0)?,
            name: text(1)?,
            currency: text(2)?,
            industry: opt_text(3)?,
            segment: opt_text(4)?,
            region: opt_text(5)?,
            account_owner: opt_text(6)?,
            acquisition_channel: opt_text(7)?,
            stage: stage(text(8)?)?,
            customer_since: opt_date(9)?,
            period_start: plain_date(text(10)?)?,
            period_end: plain_date(text(11)?)?,
            recurring_revenue: decimal(text(12)?)?,
            one_time_revenue: opt_decimal(13)?,
            support_tickets: opt_u32(14)?,
            support_hours: opt_decimal(15)?,
            engineering_hours: opt_decimal(16)?,
            success_hours: opt_decimal(17)?,
            executive_hours: opt_decimal(18)?,
            escalations: opt_u32(19)?,
            custom_features: opt_u32(20)?,
            meeting_attendance: opt_decimal(21)?,
            plan_adherence: opt_decimal(22)?,
            goal_changes: opt_u32(23)?,
            outcomes_achieved: opt_decimal(24)?,
            content_consumed: opt_decimal(25)?,
            renewal_intent: opt_f64(26)?,
            use_case: opt_text(27)?,
            plan: opt_text(28)?,
            product_version: opt_text(29)?,
            parent: opt_text(30)?,
            acquisition_cost: opt_decimal(31)?,
            expansion_whitespace: opt_decimal(32)?,
            upsell_whitespace: opt_decimal(33)?,
            cross_sell_whitespace: opt_decimal(34)?,
            growth_likelihood: opt_f64(35)?,
            historical_growth: opt_decimal(36)?,
            nps: opt(field(37)?, |s| s.parse::<i16>().ok())?,
            broad_requests: opt_u32(38)?,
            custom_requests: opt_u32(39)?,
        })
    }
}

/// A stage by its wire name.
fn stage(s: &str) -> Option<LifecycleStage> {
    use serde::de::IntoDeserializer;
    let d: serde::de::value::StrDeserializer<'_, serde::de::value::Error> = s.into_deserializer();
    LifecycleStage::deserialize(d).ok()
}

/// A date written `YYYY-MM-DD`, the form exports use.
fn plain_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// Whether `header` is a prefix of [`COLUMNS`] (the later columns may be left out).
fn in_order(header: &csv::StringRecord) -> bool {
    header.len() <= COLUMNS.len() && header.iter().zip(COLUMNS).all(|(h, c)| h == c)
}

/// A CSV file cut into byte ranges at line ends, one per thread.
pub struct ShardedCsv {
    path: PathBuf,
    header: csv::StringRecord,
    /// Where the first record starts.
    body: u64,
    len: u64,
    shards: usize,
}

impl ShardedCsv {
    /// `path` in `shards` ranges of about equal size (at least one).
    pub fn new(path: &Path, shards: usize) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut first = String::new();
        let body = BufReader::new(file).read_line(&mut first)? as u64;
        let header = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(first.as_bytes())
            .records()
            .next()
            .transpose()
            .map_err(std::io::Error::other)?
            .unwrap_or_default();
        Ok(ShardedCsv {
            path: path.to_owned(),
            header,
            body,
            len,
            shards: shards.max(1),
        })
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.shards
    }

    /// Shard `i`: the records that start in its byte range. A record belongs to the range its
    /// first byte lies in, so every record is read by exactly one shard.
    pub fn open(&self, i: usize) -> custfit::Result<CsvSource<BufReader<File>>> {
        let failed = |e: std::io::Error| {
            custfit::Error::from_source(Some(format!("{} shard {i}", self.path.display())), e)
        };
        let span = (self.len - self.body).div_ceil(self.shards as u64);
        let start = self.body + span * i as u64;
        let end = (start + span).min(self.len);
        let mut file = BufReader::with_capacity(1 << 16, File::open(&self.path).map_err(failed)?);
        // Begin at the first line that starts at or after `start`: step back one byte and
        // skip to the end of that line (a line starting exactly at `start` is kept).
        let mut begin = start.min(self.len);
        if begin > self.body {
            file.seek(SeekFrom::Start(begin - 1)).map_err(failed)?;
            let mut skipped = Vec::new();
            begin += file.read_until(b'\n', &mut skipped).map_err(failed)? as u64 - 1;
        } else {
            file.seek(SeekFrom::Start(begin)).map_err(failed)?;
        }
        let mut source = CsvSource::headerless(self.header.clone(), file, begin);
        source.end = end.saturating_sub(begin);
        Ok(source)
    }
}

/// A CSV text in memory cut into `shards` runs of whole lines after its header: the header,
/// and each run with its offset in the text.
pub fn split_lines(text: &[u8], shards: usize) -> (csv::StringRecord, Vec<(u64, &[u8])>) {
    let body = text
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| i + 1);
    let header = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&text[..body])
        .records()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let span = (text.len() - body).div_ceil(shards.max(1)).max(1);
    let mut runs = Vec::new();
    let mut start = body;
    while start < text.len() {
        let cut = (start + span).min(text.len());
        let end = text[cut..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| cut + i + 1);
        runs.push((start as u64, &text[start..end]));
        start = end;
    }
    (header, runs)
}
