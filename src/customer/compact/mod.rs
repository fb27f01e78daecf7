//! Customers kept in a compact binary form between the two phases of a portfolio run, so that a
//! source is read once: a customer takes about a hundred and fifty bytes here (amounts as
//! their digits, dates as day numbers, tags as indices into a table of their texts) against
//! about 1.6 KB built, and reading one back costs a fraction of parsing and validating it again.
//!
//! The form is private to this crate and to one run: it is written and read by the same code,
//! never stored. Every field is written, in the order the struct declares it, and the
//! structs are taken apart without `..`, so that a field added to a customer does not compile
//! until it is kept here too; a property test reads back every kind of customer, scale of
//! every amount included.

mod read;
mod write;

use std::collections::HashMap;

use super::tag::{Tag, TagSet};
use super::Customer;
use crate::error::{Error, Result};
use crate::id::CustomerId;
use read::Reader;
use write::Writer;

/// Bytes from which a block is closed and a new one started: reading drops each block once
/// it is read, so the kept customers shrink as phase 2 goes on while the report grows.
const BLOCK: usize = 64 * 1024;

/// Customers in the order they were kept, read back in that order by
/// [`into_customers`](Self::into_customers).
#[derive(Debug, Default)]
pub(crate) struct CompactCustomers {
    /// Closed blocks, each holding whole customers.
    blocks: Vec<Vec<u8>>,
    /// The block being written.
    open: Vec<u8>,
    /// Each customer's id (shared with the customer it was taken from: no copy of the text).
    ids: Vec<CustomerId>,
    /// The parents of the customers that have one, in order.
    parents: Vec<CustomerId>,
    /// Every tag text, once.
    tags: TagTable,
}

impl CompactCustomers {
    /// Keep `c`.
    pub(crate) fn push(&mut self, c: &Customer) {
        // Room for a typical customer, so that writing it rarely grows the block.
        self.open.reserve(512);
        let mut w = Writer {
            out: &mut self.open,
            tags: &mut self.tags,
            currency: c.currency,
        };
        let parent = w.customer(c);
        self.ids.push(c.id.clone());
        if let Some(p) = parent {
            self.parents.push(p.clone());
        }
        if self.open.len() >= BLOCK {
            let mut full = std::mem::replace(&mut self.open, Vec::with_capacity(BLOCK + BLOCK / 4));
            full.shrink_to_fit();
            self.blocks.push(full);
        }
    }

    /// Cut the last byte off, as a defect would: for the tests of what reads them back.
    #[cfg(test)]
    pub(crate) fn cut_short(&mut self) {
        self.open.pop();
    }

    /// The customers, read back one by one in the order they were kept; each block's memory
    /// is freed once its customers are read. One that cannot be read back (a defect, never a
    /// fact of the data) is an error naming it, and the last item: where the next customer
    /// starts is not known after it.
    pub(crate) fn into_customers(mut self) -> impl Iterator<Item = Result<Customer>> {
        if !self.open.is_empty() {
            self.blocks.push(std::mem::take(&mut self.open));
        }
        let CompactCustomers {
            blocks,
            ids,
            parents,
            tags,
            ..
        } = self;
        let tags = tags.tags;
        let mut blocks = blocks.into_iter();
        let mut block = Vec::new();
        let mut at = 0;
        let mut parents = parents.into_iter();
        let mut ids = ids.into_iter();
        let mut failed = false;
        std::iter::from_fn(move || {
            if failed {
                return None;
            }
            let id = ids.next()?;
            if at >= block.len() {
                block = blocks.next().unwrap_or_default();
                at = 0;
            }
            let mut r = Reader {
                bytes: &block,
                at,
                tags: &tags,
            };
            let c = r.customer(id.clone(), &mut parents);
            at = r.at;
            failed = c.is_none();
            Some(c.ok_or_else(|| {
                Error::source_message(
                    Some(id.to_string()),
                    "the compact copy kept between the phases could not be read back \
                     (a defect in custfit: please report it)",
                )
            }))
        })
    }
}

/// Tag texts, each once, by index.
#[derive(Debug, Default)]
struct TagTable {
    tags: Vec<Tag>,
    index: HashMap<Tag, u32>,
    /// The index found last per slot, the slot chosen by where the tag's text is stored: a
    /// source that shares its tags' texts (through a [`TagSet`]) hits here on nearly every
    /// tag, without reading the text.
    recent: Vec<u32>,
}

/// Slots of [`TagTable::recent`].
const RECENT: usize = 256;

impl TagTable {
    /// The index of `tag`'s text, stored when new; `None` beyond [`TagSet::MAX_TEXTS`]
    /// texts (the tag is then written out in full).
    fn index(&mut self, tag: &Tag) -> Option<u32> {
        if self.recent.is_empty() {
            self.recent = vec![u32::MAX; RECENT];
        }
        // Texts are at least 8-byte aligned: the low bits say nothing.
        let slot = (tag.addr() >> 4) % RECENT;
        let hit = self.recent[slot];
        if self
            .tags
            .get(hit as usize)
            .is_some_and(|t| Tag::ptr_eq(t, tag))
        {
            return Some(hit);
        }
        let i = match self.index.get(tag) {
            Some(&i) => i,
            None if self.tags.len() < TagSet::MAX_TEXTS => {
                let i = u32::try_from(self.tags.len()).ok()?;
                self.tags.push(tag.clone());
                self.index.insert(tag.clone(), i);
                i
            }
            None => return None,
        };
        // Only a tag that shares the stored copy can hit: another with the same text is
        // found by the index each time.
        if Tag::ptr_eq(&self.tags[i as usize], tag) {
            self.recent[slot] = i;
        }
        Some(i)
    }
}

// The layout of one value:
// - unsigned integers: LEB128; `Option<u32>` as `n + 1`, 0 for none;
// - dates: the days from the common era, zigzag LEB128 (+ 1 when optional, 0 for none);
// - decimals: a head byte — the scale in bits 0–4 (or [`NO_DECIMAL`]), the sign in bit 5, in
//   bits 6–7 how many bytes of the 96-bit magnitude follow (none for zero, 2, 4 or 12) —
//   then those bytes; an amount in another currency than the customer's is preceded by
//   [`OTHER_CURRENCY`] and the three letters;
// - small enums and booleans: one byte, 0 for none;
// - text: its length, then its bytes; tags: their index + 1, or 0 and the text.

/// The scale bits of a decimal that is not there.
const NO_DECIMAL: u8 = 29;
/// The scale bits of a head that announces another currency, before the amount's own head.
const OTHER_CURRENCY: u8 = 30;
const NEGATIVE: u8 = 1 << 5;
const SCALE: u8 = 0x1f;
const TWO_BYTES: u8 = 1 << 6;
const FOUR_BYTES: u8 = 2 << 6;
const TWELVE_BYTES: u8 = 3 << 6;

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};
    use rust_decimal::Decimal;

    use crate::customer::activity::{
        Activity, AssessmentPeriod, Implementation, Severity, TicketGroup,
    };
    use crate::customer::contract::{Contract, Sla, SlaTier, VendorTermination};
    use crate::customer::facts::{
        Behavior, BrandTier, FeatureRequest, GrowthFacts, Level, LifecycleStage, LogoValue,
        RequestCounts, RequestScope,
    };
    use crate::money::{Currency, Money};
    use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    /// Any decimal: every magnitude of 96 bits, every scale, either sign (a negative zero too).
    fn decimal() -> BoxedStrategy<Decimal> {
        (
            prop_oneof![
                Just(0u128),
                0u128..1000,
                0u128..(1 << 20),
                0u128..(1 << 40),
                0u128..(1 << 96),
                // The edges of each width, and a high word without a middle one.
                prop_oneof![
                    Just(0xffffu128),
                    Just(0x1_0000),
                    Just(0xffff_ffff),
                    Just(1 << 32)
                ],
                // Words equal to one another, or only the middle one set.
                prop_oneof![
                    Just((1u128 << 32) + 1),
                    Just((1 << 64) + (1 << 32)),
                    Just(1 << 40)
                ],
                (0u128..1000).prop_map(|lo| (1 << 64) + lo),
                (1u128..(1 << 32)).prop_map(|hi| hi << 64),
            ],
            0u8..=28,
            any::<bool>(),
        )
            .prop_map(|(m, scale, negative)| {
                let mut b = [0; 16];
                b[2] = scale;
                b[3] = if negative { 0x80 } else { 0 };
                b[4..].copy_from_slice(&m.to_le_bytes()[..12]);
                Decimal::deserialize(b)
            })
            .boxed()
    }

    /// Hours as `new` gives them, or with the scale a sum keeps (`1.0` from `0.5 + 0.5`).
    fn hours() -> impl Strategy<Value = Hours> {
        (decimal(), any::<bool>()).prop_map(|(d, raw)| {
            if raw {
                Hours::kept(d.abs()).expect("not negative")
            } else {
                Hours::new(d.abs()).expect("not negative")
            }
        })
    }

    fn share() -> impl Strategy<Value = Option<Share>> {
        proptest::option::of(
            (0i64..=1000, 0u32..4).prop_map(|(m, s)| {
                Share::new(Decimal::new(m, s).min(Decimal::ONE)).expect("a share")
            }),
        )
    }

    fn probability() -> impl Strategy<Value = Option<Probability>> {
        proptest::option::of(
            prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0]
                .prop_map(|p| Probability::new(p).expect("a probability")),
        )
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        let (min, max) = (
            NaiveDate::MIN.num_days_from_ce(),
            NaiveDate::MAX.num_days_from_ce(),
        );
        prop_oneof![min..=max, 730_000i32..740_000]
            .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).expect("in chrono's range"))
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop_oneof![
            Just(Currency::EUR),
            Just(Currency::USD),
            Just(Currency::JPY)
        ]
    }

    fn money() -> impl Strategy<Value = Money> {
        (decimal(), currency()).prop_map(|(d, c)| Money::new(d, c))
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof!["[a-z]{0,6}", "\\PC{0,12}", "[a-z]{130,140}"]
    }

    fn tag() -> impl Strategy<Value = Tag> {
        prop_oneof![
            Just(Tag::new("logistics")),
            Just(Tag::new("mid-market")),
            "\\PC{0,10}".prop_map(|t| Tag::new(&t)),
        ]
    }

    fn tags() -> impl Strategy<Value = Vec<Tag>> {
        proptest::collection::vec(tag(), 0..4)
    }

    fn contract() -> BoxedStrategy<Option<Contract>> {
        let vendor = prop_oneof![
            Just(VendorTermination::NotAllowed),
            (any::<u32>(), money())
                .prop_map(|(notice_days, fee)| VendorTermination::Allowed { notice_days, fee }),
        ];
        let tier = prop_oneof![
            Just(SlaTier::Standard),
            Just(SlaTier::Premium),
            Just(SlaTier::Enterprise)
        ];
        proptest::option::of(
            (
                (date(), date(), any::<bool>(), any::<u32>(), any::<u32>()),
                vendor,
                any::<u32>(),
                proptest::collection::vec(text(), 0..3),
                (tier, proptest::option::of(hours()), hours()),
            )
                .prop_map(
                    |(
                        (term_start, term_end, auto_renews, renewal_term_months, notice),
                        vendor_termination,
                        data_export_days,
                        compliance_obligations,
                        (tier, first_response_hours, standby_hours_per_month),
                    )| Contract {
                        term_start,
                        term_end,
                        auto_renews,
                        renewal_term_months,
                        renewal_notice_days: notice,
                        vendor_termination,
                        data_export_days,
                        compliance_obligations,
                        sla: Sla {
                            tier,
                            first_response_hours,
                            standby_hours_per_month,
                        },
                    },
                ),
        )
        .boxed()
    }

    fn activity() -> BoxedStrategy<Activity> {
        let severity = prop_oneof![
            Just(Severity::Critical),
            Just(Severity::High),
            Just(Severity::Normal),
            Just(Severity::Low)
        ];
        let ticket = (severity, any::<u32>(), proptest::option::of(hours())).prop_map(
            |(severity, count, handling_hours)| TicketGroup {
                severity,
                count,
                handling_hours,
            },
        );
        let implementation = (hours(), proptest::option::of(money()), date()).prop_map(
            |(hours, external_cost, go_live)| Implementation {
                hours,
                external_cost,
                go_live,
            },
        );
        (
            (date(), date(), proptest::collection::vec(ticket, 0..5)),
            (hours(), hours(), hours(), hours(), any::<u32>()),
            proptest::option::of(implementation),
            proptest::collection::vec(text(), 0..3),
            (any::<u32>(), hours()),
        )
            .prop_map(
                |(
                    (start, end, tickets),
                    (support_hours, engineering_hours, success_hours, executive_hours, escalations),
                    implementation,
                    custom_features,
                    (unnamed_custom_features, usage),
                )| Activity {
                    period: AssessmentPeriod { start, end },
                    tickets,
                    support_hours,
                    engineering_hours,
                    success_hours,
                    executive_hours,
                    escalations,
                    implementation,
                    custom_features,
                    unnamed_custom_features,
                    usage_units: Quantity::kept(usage.get()).expect("not negative"),
                },
            )
            .boxed()
    }

    fn facts() -> BoxedStrategy<(LogoValue, GrowthFacts, Behavior)> {
        let level = || {
            proptest::option::of(prop_oneof![
                Just(Level::Low),
                Just(Level::Medium),
                Just(Level::High)
            ])
        };
        let brand = proptest::option::of(prop_oneof![
            Just(BrandTier::Local),
            Just(BrandTier::Regional),
            Just(BrandTier::National),
            Just(BrandTier::Global)
        ]);
        let logo = (
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            brand,
            level(),
            level(),
        )
            .prop_map(
                |(referenceable, case_study, brand_tier, positioning, feedback)| LogoValue {
                    referenceable,
                    case_study,
                    brand_tier,
                    strategic_positioning: positioning,
                    feedback_quality: feedback,
                },
            );
        let growth = (
            proptest::option::of(money()),
            proptest::option::of(money()),
            proptest::option::of(money()),
            probability(),
            proptest::option::of(decimal()),
        )
            .prop_map(
                |(expansion, upsell, cross_sell, likelihood, growth)| GrowthFacts {
                    expansion_whitespace: expansion,
                    upsell_whitespace: upsell,
                    cross_sell_whitespace: cross_sell,
                    likelihood,
                    historical_growth: growth.map(Ratio::new),
                },
            );
        let behavior = (
            (share(), share(), proptest::option::of(any::<u32>())),
            (share(), share(), share()),
            probability(),
            proptest::option::of((-100i16..=100).prop_map(|n| Nps::new(n).expect("an nps"))),
        )
            .prop_map(
                |(
                    (meeting_attendance, plan_adherence, goal_changes),
                    (responsiveness, outcomes_achieved, content_consumed),
                    renewal_intent,
                    nps,
                )| Behavior {
                    meeting_attendance,
                    plan_adherence,
                    goal_changes,
                    responsiveness,
                    outcomes_achieved,
                    content_consumed,
                    renewal_intent,
                    nps,
                },
            );
        (logo, growth, behavior).boxed()
    }

    /// Any customer, valid or not: the compact form keeps what it is given.
    fn customer() -> BoxedStrategy<Customer> {
        let scope = prop_oneof![Just(RequestScope::Broad), Just(RequestScope::Custom)];
        (
            (
                "[a-z]{1,6}-[0-9]{1,3}",
                proptest::option::of(text()),
                currency(),
            ),
            (
                proptest::option::of(tag()),
                tags(),
                tags(),
                proptest::option::of(tag()),
            ),
            (
                proptest::option::of(tag()),
                proptest::option::of(any::<u32>()),
                proptest::option::of("[a-z]{1,6}"),
                proptest::option::of(tag()),
            ),
            (
                proptest::option::of(tag()),
                proptest::option::of(tag()),
                proptest::option::of(tag()),
                0u8..4,
            ),
            (
                proptest::option::of(date()),
                money(),
                money(),
                proptest::option::of(money()),
            ),
            (contract(), activity(), facts()),
            (
                proptest::option::of(date()),
                proptest::collection::vec((text(), scope), 0..3),
                any::<u32>(),
                any::<u32>(),
                money(),
            ),
        )
            .prop_map(
                |(
                    (id, name, currency),
                    (industry, use_cases, roadmap_interests, region),
                    (segment, employees, parent, account_owner),
                    (acquisition_channel, plan, product_version, stage),
                    (customer_since, recurring_revenue, one_time_revenue, acquisition_cost),
                    (contract, activity, (logo, growth, behavior)),
                    (last_expectation_reset, requests, broad, custom, revenue),
                )| Customer {
                    name: name.unwrap_or_else(|| id.clone()),
                    id: CustomerId::new(id).expect("an id"),
                    currency,
                    industry,
                    use_cases,
                    roadmap_interests,
                    region,
                    segment,
                    employees,
                    parent: parent.map(|p| CustomerId::new(p).expect("an id")),
                    account_owner,
                    acquisition_channel,
                    plan,
                    product_version,
                    stage: [
                        LifecycleStage::Prospect,
                        LifecycleStage::Onboarding,
                        LifecycleStage::Active,
                        LifecycleStage::Churned,
                    ][usize::from(stage)],
                    customer_since,
                    recurring_revenue,
                    one_time_revenue,
                    acquisition_cost,
                    contract,
                    activity,
                    logo,
                    growth,
                    behavior,
                    last_expectation_reset,
                    feature_requests: requests
                        .into_iter()
                        .map(|(title, scope)| FeatureRequest { title, scope })
                        .collect(),
                    unnamed_feature_requests: RequestCounts { broad, custom },
                    revenue,
                },
            )
            .boxed()
    }

    /// Every decimal of a value, as its 16 bytes (scale and sign of zero included), in the
    /// order of its debug text — `==` on decimals ignores the scale.
    fn exact(c: &Customer) -> String {
        format!("{c:?}")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Customers read back are the customers kept, in their order, to the last digit,
        /// whether they fill one block or many.
        #[test]
        fn customers_read_back_are_those_kept(
            customers in proptest::collection::vec(customer(), 0..12),
            repeat in 1usize..3,
        ) {
            let mut kept = CompactCustomers::default();
            let all: Vec<&Customer> = customers.iter().cycle().take(customers.len() * repeat).collect();
            for c in &all {
                kept.push(c);
            }
            prop_assert_eq!(kept.ids.len(), all.len());
            let back: Vec<Customer> = kept.into_customers().collect::<Result<_>>().unwrap();
            prop_assert_eq!(back.len(), all.len());
            for (b, c) in back.iter().zip(&all) {
                prop_assert_eq!(b, *c);
                prop_assert_eq!(exact(b), exact(c));
            }
        }

        /// A decimal read back has the same sixteen bytes: magnitude, scale and sign; an
        /// amount keeps its currency, the customer's or another.
        #[test]
        fn decimals_are_kept_to_the_bit(
            d in proptest::option::of(decimal()),
            currency in currency(),
        ) {
            let mut out = Vec::new();
            let mut tags = TagTable::default();
            let mut w = Writer { out: &mut out, tags: &mut tags, currency: Currency::EUR };
            w.decimal(d);
            w.money(d.map(|d| Money::new(d, currency)));
            let mut r = Reader { bytes: &out, at: 0, tags: &[] };
            prop_assert_eq!(r.decimal().unwrap().map(|d| d.serialize()), d.map(|d| d.serialize()));
            let m = r.money(Currency::EUR).unwrap();
            prop_assert_eq!(m.map(|m| (m.amount().serialize(), m.currency())), d.map(|d| (d.serialize(), currency)));
            prop_assert_eq!(r.at, out.len());
        }

        /// Any bytes read as customers give customers or errors, never a panic.
        #[test]
        fn any_bytes_read_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut r = Reader { bytes: &bytes, at: 0, tags: &[Tag::new("a")] };
            let parents = vec![CustomerId::new("p").unwrap()];
            let _ = r.customer(CustomerId::new("c").unwrap(), &mut parents.into_iter());
        }
    }

    /// A list length beyond the bytes left is refused before anything is allocated for it.
    #[test]
    fn a_list_longer_than_the_bytes_left_is_refused_not_allocated() {
        let mut bytes = vec![0x00, b'E', b'U', b'R', 0x00];
        bytes.extend([0xff; 8]);
        bytes.push(0x0f);
        let mut r = Reader {
            bytes: &bytes,
            at: 0,
            tags: &[],
        };
        let id = CustomerId::new("c").unwrap();
        assert!(r.customer(id, &mut std::iter::empty()).is_none());
    }

    /// A valid customer with only what a customer must have.
    fn plain(id: &str) -> Customer {
        Customer::builder(id, "C")
            .currency("EUR")
            .period(
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            )
            .customer_since(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())
            .build()
            .unwrap()
    }

    /// Many customers fill many blocks; each is read back whole across block edges.
    #[test]
    fn many_customers_span_blocks() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let customers: Vec<Customer> = (0..300)
            .map(|_| customer().new_tree(&mut runner).unwrap().current())
            .collect();
        let mut kept = CompactCustomers::default();
        for c in customers.iter().cycle().take(3_000) {
            kept.push(c);
        }
        assert!(kept.blocks.len() > 2, "{} blocks", kept.blocks.len());
        // Each closed block holds about 64 KiB: full, and over by less than a customer.
        let largest = customers.iter().map(|c| {
            let mut one = CompactCustomers::default();
            one.push(c);
            one.open.len()
        });
        let largest = largest.max().unwrap();
        for b in &kept.blocks {
            assert!(
                (BLOCK..BLOCK + largest).contains(&b.len()),
                "{} bytes",
                b.len()
            );
        }
        let back: Vec<Customer> = kept.into_customers().collect::<Result<_>>().unwrap();
        assert_eq!(back.len(), 3_000);
        for (b, c) in back.iter().zip(customers.iter().cycle()) {
            assert_eq!(exact(b), exact(c));
        }
    }

    /// Beyond the table's limit of texts, tags are written out in full and read back the same.
    #[test]
    fn tags_beyond_the_table_are_written_in_full() {
        let base = plain("c");
        let mut kept = CompactCustomers::default();
        let n = TagSet::MAX_TEXTS + 10;
        for i in 0..n {
            let mut c = base.clone();
            c.industry = Some(Tag::new(&format!("industry {i}")));
            c.region = Some(Tag::new("shared"));
            kept.push(&c);
        }
        assert_eq!(kept.tags.tags.len(), TagSet::MAX_TEXTS);
        for (i, c) in kept.into_customers().enumerate() {
            let c = c.unwrap();
            assert_eq!(
                c.industry.as_deref(),
                Some(format!("industry {i}").as_str())
            );
            assert_eq!(c.region.as_deref(), Some("shared"));
        }
    }

    /// A customer cut short is refused with an error naming it, not read as another.
    #[test]
    fn a_customer_cut_short_is_an_error_naming_it() {
        let c = plain("c-1");
        let mut kept = CompactCustomers::default();
        kept.push(&c);
        kept.cut_short();
        let back: Vec<Result<Customer>> = kept.into_customers().collect();
        assert_eq!(back.len(), 1);
        // A first customer that cannot be read back is the last item: the customers after it
        // are not read from the middle of its bytes.
        let mut kept = CompactCustomers::default();
        for _ in 0..3 {
            kept.push(&c);
        }
        // Its name's length now runs past the block.
        kept.open[0] = 0xff;
        let back: Vec<Result<Customer>> = kept.into_customers().collect();
        assert_eq!(back.len(), 1, "{back:?}");
        assert!(back[0].is_err());
        let e = back[0].as_ref().unwrap_err();
        assert!(e.to_string().contains("record c-1"), "{e}");
    }
}
