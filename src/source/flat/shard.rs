//! Cutting one input into byte ranges that threads read on their own.

use super::split::Quotes;
use super::{FlatHeader, FlatReader};
use crate::error::Result;

/// A byte range of an input after its header: the rows that *start* in it. Consecutive
/// shards of one [`plan`](Self::plan) cover every line exactly once, wherever the cuts fall;
/// a plan made by [`ShardedText`] cuts outside quoted fields, so its shards cover every row
/// exactly once even where a quoted field holds a line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub(super) body: u64,
    pub(super) start: u64,
    pub(super) end: u64,
    /// Whether the range starts at a row's start (cut outside quoted fields), so that a
    /// quoted field may go on over line breaks.
    pub(super) whole_rows: bool,
}

impl Shard {
    /// `shards` ranges of about equal size (at least one) of an input of `len` bytes whose
    /// rows start at byte `body` (after the header; see [`FlatHeader::read`]), cut at line
    /// ends. Without the bytes, a cut could fall inside a quoted field that holds a line
    /// break: a reader of such a shard refuses a row whose quoted field is not closed on its
    /// line, and the lines after it would be read as rows of their own. Read a file with such
    /// fields whole ([`FlatReader::new`]) or in memory ([`ShardedText`], which cuts outside
    /// quoted fields).
    pub fn plan(len: u64, body: u64, shards: usize) -> Vec<Shard> {
        let body = body.min(len);
        let span = (len - body).div_ceil(shards.max(1) as u64).max(1);
        (0..shards.max(1) as u64)
            .map(|i| {
                let start = body.saturating_add(span.saturating_mul(i)).min(len);
                Shard {
                    body,
                    start,
                    end: start.saturating_add(span).min(len),
                    whole_rows: false,
                }
            })
            .collect()
    }

    /// The byte of the input at which the reader of this shard must start
    /// ([`FlatReader::shard`]): one before the range, to tell whether a row starts exactly
    /// at its first byte.
    pub fn read_from(&self) -> u64 {
        if self.start > self.body {
            self.start - 1
        } else {
            self.start
        }
    }

    /// The first byte of the range.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The byte after the range.
    pub fn end(&self) -> u64 {
        self.end
    }
}

/// A whole export in memory, with its header line, cut into shards of about equal size that
/// together read every row once, each on its own thread if wished. A shard may be opened any
/// number of times (the phases of a portfolio run open each twice): shard `i` is always the
/// same rows.
///
/// ```
/// use custfit::source::flat::ShardedText;
/// use custfit::source::CustomerSource;
///
/// let mut csv = String::from(
///     "id,name,currency,industry,segment,region,account_owner,acquisition_channel,stage,\
/// customer_since,period_start,period_end,recurring_revenue,one_time_revenue,support_tickets,\
/// support_hours,engineering_hours,success_hours,executive_hours,escalations,custom_features,\
/// meeting_attendance,plan_adherence,goal_changes,outcomes_achieved,content_consumed,\
/// renewal_intent\n",
/// );
/// for i in 0..10 {
///     csv += &format!("C-{i},Customer {i},USD,,,,,,active,2024-01-01,2025-01-01,2025-12-31,1000,,,,,,,,,,,,,,\n");
/// }
/// let text = ShardedText::new(csv.as_bytes(), 3)?;
/// let ids: Vec<String> = (0..text.shards())
///     .flat_map(|i| {
///         let mut shard = text.open(i);
///         std::iter::from_fn(move || shard.next_customer())
///     })
///     .map(|c| c.map(|c| c.id().to_string()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(ids, (0..10).map(|i| format!("C-{i}")).collect::<Vec<_>>());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ShardedText<'a> {
    text: &'a [u8],
    header: FlatHeader,
    shards: Vec<Shard>,
}

impl<'a> ShardedText<'a> {
    /// `text` cut into `shards` (at least one).
    ///
    /// # Errors
    ///
    /// The header's ([`FlatHeader::read`]).
    pub fn new(text: &'a [u8], shards: usize) -> Result<Self> {
        let mut input = text;
        let (header, body) = FlatHeader::read(&mut input)?;
        Ok(ShardedText {
            text,
            header,
            shards: plan_rows(text, body, shards),
        })
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// The header.
    pub fn header(&self) -> &FlatHeader {
        &self.header
    }

    /// A reader of shard `i`'s rows.
    ///
    /// # Panics
    ///
    /// When `i` is not below [`shards`](Self::shards).
    pub fn open(&self, i: usize) -> FlatReader<&'a [u8]> {
        let shard = &self.shards[i];
        // `read_from` is within the text: the plan's bytes are at most its length.
        let from =
            usize::try_from(shard.read_from()).map_or(self.text.len(), |f| f.min(self.text.len()));
        FlatReader::shard(self.header.clone(), &self.text[from..], shard)
    }
}

/// [`Shard::plan`]'s cuts, each moved to the first row that starts at or after it, so that no
/// cut falls inside a quoted field: the shards read whole rows, line breaks in quoted fields
/// too. The text is scanned once when it has a quote; without one every line starts a row.
fn plan_rows(text: &[u8], body: u64, shards: usize) -> Vec<Shard> {
    let mut plan = Shard::plan(text.len() as u64, body, shards);
    let body = usize::try_from(body).map_or(text.len(), |b| b.min(text.len()));
    if text[body..].contains(&b'"') {
        let mut state = Quotes::FieldStart;
        let mut cuts = plan.iter().map(|s| s.start).skip(1).peekable();
        let mut starts = Vec::with_capacity(plan.len());
        starts.push(plan[0].start);
        for (i, &b) in text.iter().enumerate().skip(body) {
            state = Quotes::scan(state, &[b]);
            // A line end outside quotes: a row starts after it.
            if b == b'\n' && state == Quotes::FieldStart {
                let next = i as u64 + 1;
                while cuts.next_if(|&c| c <= next).is_some() {
                    starts.push(next);
                }
            }
        }
        starts.extend(cuts.map(|_| text.len() as u64));
        let ends = starts.iter().skip(1).copied().chain([text.len() as u64]);
        for ((shard, start), end) in plan.iter_mut().zip(starts.iter().copied()).zip(ends) {
            (shard.start, shard.end) = (start, end);
        }
    }
    for shard in &mut plan {
        shard.whole_rows = true;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::super::{COLUMNS, REQUIRED_COLUMNS};
    use super::*;

    #[test]
    fn text_shards_start_at_rows_outside_quotes() {
        let header = COLUMNS[..REQUIRED_COLUMNS].join(",");
        let text = format!("{header}\nA,\"1\n2\n3\n4\n5\"\nB,x\nC,y\n");
        let body = header.len() as u64 + 1;
        let plan = plan_rows(text.as_bytes(), body, 4);
        let row_b = text.find("B,").unwrap() as u64;
        let row_c = text.find("C,").unwrap() as u64;
        let starts: Vec<u64> = plan.iter().map(|s| s.start).collect();
        let len = text.len() as u64;
        // Cuts that fall inside the quoted field move to the row after it.
        assert!(
            starts.iter().all(|s| [body, row_b, row_c, len].contains(s)),
            "{starts:?}"
        );
        assert_eq!(starts[0], body);
        // Each byte cut moves to the first row that starts at or after it.
        let cuts = Shard::plan(len, body, 4);
        let expected: Vec<u64> = std::iter::once(body)
            .chain(cuts[1..].iter().map(|cut| {
                let rows = [row_b, row_c, len];
                rows.into_iter().find(|r| *r >= cut.start).unwrap_or(len)
            }))
            .collect();
        assert_eq!(starts, expected);
        assert!(plan.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(plan.last().unwrap().end, len);
        assert!(plan.iter().all(|s| s.whole_rows));
    }

    #[test]
    fn byte_ranges_share_the_body_evenly_and_are_read_from_the_byte_before() {
        let plan = Shard::plan(1_000, 100, 3);
        let ranges: Vec<(u64, u64)> = plan.iter().map(|s| (s.start(), s.end())).collect();
        assert_eq!(ranges, [(100, 400), (400, 700), (700, 1_000)]);
        // The first range is read from its start (its rows start there), the later ones from
        // the byte before, to tell whether a row starts exactly at their first byte.
        let from: Vec<u64> = plan.iter().map(Shard::read_from).collect();
        assert_eq!(from, [100, 399, 699]);
        // An input without a header line: its body starts at byte 0.
        let headerless = Shard::plan(10, 0, 2);
        assert_eq!(headerless[0].read_from(), 0);
        assert_eq!((headerless[1].start(), headerless[1].read_from()), (5, 4));
    }
}
