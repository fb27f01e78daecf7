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

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::activity::{Activity, AssessmentPeriod, Implementation, Severity, TicketGroup};
use super::contract::{Contract, Sla, SlaTier, VendorTermination};
use super::facts::{
    Behavior, BrandTier, FeatureRequest, GrowthFacts, Level, LifecycleStage, LogoValue,
    RequestCounts, RequestScope,
};
use super::tag::{Tag, TagSet};
use super::Customer;
use crate::error::{Error, Result};
use crate::id::CustomerId;
use crate::money::{Currency, Money};
use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};

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

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    tags: &'a mut TagTable,
    currency: Currency,
}

impl Writer<'_> {
    /// Write `c`; its parent, kept apart.
    fn customer<'c>(&mut self, c: &'c Customer) -> Option<&'c CustomerId> {
        let Customer {
            id,
            name,
            currency,
            industry,
            use_cases,
            roadmap_interests,
            region,
            segment,
            employees,
            parent,
            account_owner,
            acquisition_channel,
            plan,
            product_version,
            stage,
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
            feature_requests,
            unnamed_feature_requests,
            revenue,
        } = c;
        // A name equal to the id (an export without names) is not written twice.
        if name == id.as_str() {
            self.uint(0);
        } else {
            self.uint(name.len() as u64 + 1);
            self.out.extend_from_slice(name.as_bytes());
        }
        self.out.extend_from_slice(&currency.code_bytes());
        self.opt_tag(industry.as_ref());
        self.tag_list(use_cases);
        self.tag_list(roadmap_interests);
        self.opt_tag(region.as_ref());
        self.opt_tag(segment.as_ref());
        self.opt_uint(employees.map(u64::from));
        self.byte(u8::from(parent.is_some()));
        self.opt_tag(account_owner.as_ref());
        self.opt_tag(acquisition_channel.as_ref());
        self.opt_tag(plan.as_ref());
        self.opt_tag(product_version.as_ref());
        self.byte(match stage {
            LifecycleStage::Prospect => 0,
            LifecycleStage::Onboarding => 1,
            LifecycleStage::Active => 2,
            LifecycleStage::Churned => 3,
        });
        self.opt_date(*customer_since);
        self.money(Some(*recurring_revenue));
        self.money(Some(*one_time_revenue));
        self.money(*acquisition_cost);
        self.contract(contract.as_ref());
        self.activity(activity);
        self.logo(logo);
        self.growth(growth);
        self.behavior(behavior);
        self.opt_date(*last_expectation_reset);
        self.uint(feature_requests.len() as u64);
        for FeatureRequest { title, scope } in feature_requests {
            self.text(title);
            self.byte(scope_code(*scope));
        }
        let RequestCounts { broad, custom } = unnamed_feature_requests;
        self.uint(u64::from(*broad));
        self.uint(u64::from(*custom));
        self.money(Some(*revenue));
        parent.as_ref()
    }

    fn contract(&mut self, contract: Option<&Contract>) {
        let Some(Contract {
            term_start,
            term_end,
            auto_renews,
            renewal_term_months,
            renewal_notice_days,
            vendor_termination,
            data_export_days,
            compliance_obligations,
            sla,
        }) = contract
        else {
            self.byte(0);
            return;
        };
        self.byte(1 + u8::from(*auto_renews));
        self.date(*term_start);
        self.date(*term_end);
        self.uint(u64::from(*renewal_term_months));
        self.uint(u64::from(*renewal_notice_days));
        match vendor_termination {
            VendorTermination::NotAllowed => self.byte(0),
            VendorTermination::Allowed { notice_days, fee } => {
                self.byte(1);
                self.uint(u64::from(*notice_days));
                self.money(Some(*fee));
            }
        }
        self.uint(u64::from(*data_export_days));
        self.uint(compliance_obligations.len() as u64);
        for o in compliance_obligations {
            self.text(o);
        }
        let Sla {
            tier,
            first_response_hours,
            standby_hours_per_month,
        } = sla;
        self.byte(match tier {
            SlaTier::Standard => 0,
            SlaTier::Premium => 1,
            SlaTier::Enterprise => 2,
        });
        self.decimal(first_response_hours.map(Hours::get));
        self.decimal(Some(standby_hours_per_month.get()));
    }

    fn activity(&mut self, a: &Activity) {
        let Activity {
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
            usage_units,
        } = a;
        self.date(*start);
        self.date(*end);
        self.uint(tickets.len() as u64);
        for TicketGroup {
            severity,
            count,
            handling_hours,
        } in tickets
        {
            self.byte(match severity {
                Severity::Critical => 0,
                Severity::High => 1,
                Severity::Normal => 2,
                Severity::Low => 3,
            });
            self.uint(u64::from(*count));
            self.decimal(handling_hours.map(Hours::get));
        }
        for hours in [
            support_hours,
            engineering_hours,
            success_hours,
            executive_hours,
        ] {
            self.decimal(Some(hours.get()));
        }
        self.uint(u64::from(*escalations));
        match implementation {
            None => self.byte(0),
            Some(Implementation {
                hours,
                external_cost,
                go_live,
            }) => {
                self.byte(1);
                self.decimal(Some(hours.get()));
                self.money(*external_cost);
                self.date(*go_live);
            }
        }
        self.uint(custom_features.len() as u64);
        for f in custom_features {
            self.text(f);
        }
        self.uint(u64::from(*unnamed_custom_features));
        self.decimal(Some(usage_units.get()));
    }

    fn logo(&mut self, logo: &LogoValue) {
        let LogoValue {
            referenceable,
            case_study,
            brand_tier,
            strategic_positioning,
            feedback_quality,
        } = logo;
        self.byte(referenceable.map_or(0, |b| 1 + u8::from(b)));
        self.byte(case_study.map_or(0, |b| 1 + u8::from(b)));
        self.byte(brand_tier.map_or(0, |t| match t {
            BrandTier::Local => 1,
            BrandTier::Regional => 2,
            BrandTier::National => 3,
            BrandTier::Global => 4,
        }));
        for level in [strategic_positioning, feedback_quality] {
            self.byte(level.map_or(0, |l| match l {
                Level::Low => 1,
                Level::Medium => 2,
                Level::High => 3,
            }));
        }
    }

    fn growth(&mut self, g: &GrowthFacts) {
        let GrowthFacts {
            expansion_whitespace,
            upsell_whitespace,
            cross_sell_whitespace,
            likelihood,
            historical_growth,
        } = g;
        self.money(*expansion_whitespace);
        self.money(*upsell_whitespace);
        self.money(*cross_sell_whitespace);
        self.probability(*likelihood);
        self.decimal(historical_growth.map(Ratio::get));
    }

    fn behavior(&mut self, b: &Behavior) {
        let Behavior {
            meeting_attendance,
            plan_adherence,
            goal_changes,
            responsiveness,
            outcomes_achieved,
            content_consumed,
            renewal_intent,
            nps,
        } = b;
        self.share(*meeting_attendance);
        self.share(*plan_adherence);
        self.opt_uint(goal_changes.map(u64::from));
        self.share(*responsiveness);
        self.share(*outcomes_achieved);
        self.share(*content_consumed);
        self.probability(*renewal_intent);
        self.opt_uint(nps.map(|n| zigzag(i64::from(n.get()))));
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    #[inline(always)]
    fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.out.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }

    #[inline(always)]
    fn opt_uint(&mut self, n: Option<u64>) {
        // Values are at most u32 (or a zigzagged i16): `+ 1` does not overflow.
        self.uint(n.map_or(0, |n| n + 1));
    }

    #[inline(always)]
    fn date(&mut self, d: NaiveDate) {
        self.uint(zigzag(i64::from(d.num_days_from_ce())));
    }

    #[inline(always)]
    fn opt_date(&mut self, d: Option<NaiveDate>) {
        self.opt_uint(d.map(|d| zigzag(i64::from(d.num_days_from_ce()))));
    }

    #[inline]
    fn text(&mut self, t: &str) {
        self.uint(t.len() as u64);
        self.out.extend_from_slice(t.as_bytes());
    }

    #[inline(always)]
    fn opt_tag(&mut self, tag: Option<&Tag>) {
        match tag {
            None => self.byte(0),
            Some(t) => {
                self.byte(1);
                self.tag(t);
            }
        }
    }

    #[inline(always)]
    fn tag(&mut self, t: &Tag) {
        match self.tags.index(t) {
            Some(i) => self.uint(u64::from(i) + 1),
            None => {
                self.uint(0);
                self.text(t);
            }
        }
    }

    fn tag_list(&mut self, tags: &[Tag]) {
        self.uint(tags.len() as u64);
        for t in tags {
            self.tag(t);
        }
    }

    #[inline(always)]
    fn money(&mut self, m: Option<Money>) {
        if let Some(m) = m.filter(|m| m.currency() != self.currency) {
            self.byte(OTHER_CURRENCY);
            self.out.extend_from_slice(&m.currency().code_bytes());
        }
        self.decimal(m.map(|m| m.amount()));
    }

    /// A decimal, exactly: its scale, its magnitude and its sign (of a zero too).
    #[inline(always)]
    fn decimal(&mut self, d: Option<Decimal>) {
        let Some(d) = d else {
            self.byte(NO_DECIMAL);
            return;
        };
        let u = d.unpack();
        // A scale is at most 28: five bits.
        let head = u.scale as u8 | if u.negative { NEGATIVE } else { 0 };
        if u.hi != 0 || u.mid != 0 {
            self.byte(head | TWELVE_BYTES);
            for part in [u.lo, u.mid, u.hi] {
                self.out.extend_from_slice(&part.to_le_bytes());
            }
        } else if u.lo > 0xffff {
            self.byte(head | FOUR_BYTES);
            self.out.extend_from_slice(&u.lo.to_le_bytes());
        } else if u.lo != 0 {
            self.byte(head | TWO_BYTES);
            self.out.extend_from_slice(&(u.lo as u16).to_le_bytes());
        } else {
            self.byte(head);
        }
    }

    #[inline(always)]
    fn share(&mut self, s: Option<Share>) {
        self.decimal(s.map(Share::get));
    }

    #[inline]
    fn probability(&mut self, p: Option<Probability>) {
        match p {
            None => self.byte(0),
            Some(p) => {
                self.byte(1);
                self.out.extend_from_slice(&p.get().to_le_bytes());
            }
        }
    }
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn scope_code(s: RequestScope) -> u8 {
    match s {
        RequestScope::Broad => 0,
        RequestScope::Custom => 1,
    }
}

/// Reads what [`Writer`] wrote; `None` on bytes it cannot have written.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    tags: &'a [Tag],
}

impl Reader<'_> {
    fn customer(
        &mut self,
        id: CustomerId,
        parents: &mut impl Iterator<Item = CustomerId>,
    ) -> Option<Customer> {
        let name = match self.uint()? {
            0 => id.as_str().to_owned(),
            n => self.string(usize::try_from(n - 1).ok()?)?,
        };
        let currency = self.currency()?;
        let industry = self.opt_tag()?;
        let use_cases = self.tag_list()?;
        let roadmap_interests = self.tag_list()?;
        let region = self.opt_tag()?;
        let segment = self.opt_tag()?;
        let employees = self.opt_u32()?;
        let parent = match self.byte()? {
            0 => None,
            _ => Some(parents.next()?),
        };
        let account_owner = self.opt_tag()?;
        let acquisition_channel = self.opt_tag()?;
        let plan = self.opt_tag()?;
        let product_version = self.opt_tag()?;
        let stage = match self.byte()? {
            0 => LifecycleStage::Prospect,
            1 => LifecycleStage::Onboarding,
            2 => LifecycleStage::Active,
            3 => LifecycleStage::Churned,
            _ => return None,
        };
        let customer_since = self.opt_date()?;
        let recurring_revenue = self.money(currency)??;
        let one_time_revenue = self.money(currency)??;
        let acquisition_cost = self.money(currency)?;
        let contract = self.contract(currency)?;
        let activity = self.activity(currency)?;
        let logo = self.logo()?;
        let growth = self.growth(currency)?;
        let behavior = self.behavior()?;
        let last_expectation_reset = self.opt_date()?;
        let requests = self.count()?;
        let mut feature_requests = Vec::with_capacity(requests);
        for _ in 0..requests {
            let title = self.text()?;
            let scope = match self.byte()? {
                0 => RequestScope::Broad,
                1 => RequestScope::Custom,
                _ => return None,
            };
            feature_requests.push(FeatureRequest { title, scope });
        }
        let unnamed_feature_requests = RequestCounts {
            broad: self.u32()?,
            custom: self.u32()?,
        };
        let revenue = self.money(currency)??;
        Some(Customer {
            id,
            name,
            currency,
            industry,
            use_cases,
            roadmap_interests,
            region,
            segment,
            employees,
            parent,
            account_owner,
            acquisition_channel,
            plan,
            product_version,
            stage,
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
            feature_requests,
            unnamed_feature_requests,
            revenue,
        })
    }

    fn contract(&mut self, currency: Currency) -> Option<Option<Contract>> {
        let auto_renews = match self.byte()? {
            0 => return Some(None),
            1 => false,
            2 => true,
            _ => return None,
        };
        let term_start = self.date()?;
        let term_end = self.date()?;
        let renewal_term_months = self.u32()?;
        let renewal_notice_days = self.u32()?;
        let vendor_termination = match self.byte()? {
            0 => VendorTermination::NotAllowed,
            1 => VendorTermination::Allowed {
                notice_days: self.u32()?,
                fee: self.money(currency)??,
            },
            _ => return None,
        };
        let data_export_days = self.u32()?;
        let obligations = self.count()?;
        let mut compliance_obligations = Vec::with_capacity(obligations);
        for _ in 0..obligations {
            compliance_obligations.push(self.text()?);
        }
        let tier = match self.byte()? {
            0 => SlaTier::Standard,
            1 => SlaTier::Premium,
            2 => SlaTier::Enterprise,
            _ => return None,
        };
        let first_response_hours = self.hours()?;
        let standby_hours_per_month = self.hours()??;
        Some(Some(Contract {
            term_start,
            term_end,
            auto_renews,
            renewal_term_months,
            renewal_notice_days,
            vendor_termination,
            data_export_days,
            compliance_obligations,
            sla: Sla {
                tier,
                first_response_hours,
                standby_hours_per_month,
            },
        }))
    }

    fn activity(&mut self, currency: Currency) -> Option<Activity> {
        let start = self.date()?;
        let end = self.date()?;
        let groups = self.count()?;
        let mut tickets = Vec::with_capacity(groups);
        for _ in 0..groups {
            let severity = match self.byte()? {
                0 => Severity::Critical,
                1 => Severity::High,
                2 => Severity::Normal,
                3 => Severity::Low,
                _ => return None,
            };
            tickets.push(TicketGroup {
                severity,
                count: self.u32()?,
                handling_hours: self.hours()?,
            });
        }
        let support_hours = self.hours()??;
        let engineering_hours = self.hours()??;
        let success_hours = self.hours()??;
        let executive_hours = self.hours()??;
        let escalations = self.u32()?;
        let implementation = match self.byte()? {
            0 => None,
            1 => Some(Implementation {
                hours: self.hours()??,
                external_cost: self.money(currency)?,
                go_live: self.date()?,
            }),
            _ => return None,
        };
        let features = self.count()?;
        let mut custom_features = Vec::with_capacity(features);
        for _ in 0..features {
            custom_features.push(self.text()?);
        }
        let unnamed_custom_features = self.u32()?;
        let usage_units = Quantity::kept(self.decimal()??)?;
        Some(Activity {
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
            usage_units,
        })
    }

    fn logo(&mut self) -> Option<LogoValue> {
        let flag = |b: u8| match b {
            0 => Some(None),
            1 => Some(Some(false)),
            2 => Some(Some(true)),
            _ => None,
        };
        let level = |b: u8| match b {
            0 => Some(None),
            1 => Some(Some(Level::Low)),
            2 => Some(Some(Level::Medium)),
            3 => Some(Some(Level::High)),
            _ => None,
        };
        Some(LogoValue {
            referenceable: flag(self.byte()?)?,
            case_study: flag(self.byte()?)?,
            brand_tier: match self.byte()? {
                0 => None,
                1 => Some(BrandTier::Local),
                2 => Some(BrandTier::Regional),
                3 => Some(BrandTier::National),
                4 => Some(BrandTier::Global),
                _ => return None,
            },
            strategic_positioning: level(self.byte()?)?,
            feedback_quality: level(self.byte()?)?,
        })
    }

    fn growth(&mut self, currency: Currency) -> Option<GrowthFacts> {
        Some(GrowthFacts {
            expansion_whitespace: self.money(currency)?,
            upsell_whitespace: self.money(currency)?,
            cross_sell_whitespace: self.money(currency)?,
            likelihood: self.probability()?,
            historical_growth: self.decimal()?.map(Ratio::new),
        })
    }

    fn behavior(&mut self) -> Option<Behavior> {
        Some(Behavior {
            meeting_attendance: self.share()?,
            plan_adherence: self.share()?,
            goal_changes: self.opt_u32()?,
            responsiveness: self.share()?,
            outcomes_achieved: self.share()?,
            content_consumed: self.share()?,
            renewal_intent: self.probability()?,
            nps: match self.uint()? {
                0 => None,
                n => Some(Nps::new(i16::try_from(unzigzag(n - 1)).ok()?).ok()?),
            },
        })
    }

    #[inline(always)]
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    #[inline(always)]
    fn uint(&mut self) -> Option<u64> {
        // Most numbers take one byte.
        let first = self.byte()?;
        if first < 0x80 {
            return Some(u64::from(first));
        }
        self.at -= 1;
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
            shift += 7;
        }
    }

    #[inline(always)]
    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    #[inline]
    fn opt_u32(&mut self) -> Option<Option<u32>> {
        match self.uint()? {
            0 => Some(None),
            n => Some(Some(u32::try_from(n - 1).ok()?)),
        }
    }

    #[inline]
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    /// How many elements a list has: each takes a byte at least, so never more than the
    /// bytes left (a length beyond them is not one this form wrote, and must not be allocated).
    fn count(&mut self) -> Option<usize> {
        let n = self.len()?;
        (n <= self.bytes.len().saturating_sub(self.at)).then_some(n)
    }

    #[inline(always)]
    fn date(&mut self) -> Option<NaiveDate> {
        let days = i32::try_from(unzigzag(self.uint()?)).ok()?;
        NaiveDate::from_num_days_from_ce_opt(days)
    }

    #[inline(always)]
    fn opt_date(&mut self) -> Option<Option<NaiveDate>> {
        match self.uint()? {
            0 => Some(None),
            n => {
                let days = i32::try_from(unzigzag(n - 1)).ok()?;
                Some(Some(NaiveDate::from_num_days_from_ce_opt(days)?))
            }
        }
    }

    #[inline]
    fn string(&mut self, len: usize) -> Option<String> {
        let end = self.at.checked_add(len)?;
        let bytes = self.bytes.get(self.at..end)?;
        self.at = end;
        String::from_utf8(bytes.to_vec()).ok()
    }

    #[inline]
    fn text(&mut self) -> Option<String> {
        let len = self.len()?;
        self.string(len)
    }

    #[inline(always)]
    fn tag(&mut self) -> Option<Tag> {
        match self.uint()? {
            0 => Some(Tag::new(&self.text()?)),
            i => self.tags.get(usize::try_from(i - 1).ok()?).cloned(),
        }
    }

    #[inline(always)]
    fn opt_tag(&mut self) -> Option<Option<Tag>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.tag()?)),
            _ => None,
        }
    }

    fn tag_list(&mut self) -> Option<Vec<Tag>> {
        let len = self.count()?;
        let mut tags = Vec::with_capacity(len);
        for _ in 0..len {
            tags.push(self.tag()?);
        }
        Some(tags)
    }

    fn currency(&mut self) -> Option<Currency> {
        Currency::from_code_bytes(self.bytes()?)
    }

    #[inline(always)]
    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.at.checked_add(N)?;
        let b = self.bytes.get(self.at..end)?.try_into().ok()?;
        self.at = end;
        Some(b)
    }

    #[inline(always)]
    fn u32_le(&mut self) -> Option<u32> {
        self.bytes().map(u32::from_le_bytes)
    }

    /// A decimal, or none.
    #[inline(always)]
    fn decimal(&mut self) -> Option<Option<Decimal>> {
        let head = self.byte()?;
        let scale = head & SCALE;
        if scale == NO_DECIMAL {
            return Some(None);
        }
        if scale > 28 {
            return None;
        }
        let (lo, mid, hi) = match head & TWELVE_BYTES {
            0 => (0, 0, 0),
            TWO_BYTES => (u32::from(u16::from_le_bytes(self.bytes()?)), 0, 0),
            FOUR_BYTES => (self.u32_le()?, 0, 0),
            _ => (self.u32_le()?, self.u32_le()?, self.u32_le()?),
        };
        let negative = head & NEGATIVE != 0;
        if negative && (lo, mid, hi) == (0, 0, 0) {
            // A negative zero, which `from_parts` would make positive.
            let mut b = [0; 16];
            b[2] = scale;
            b[3] = 0x80;
            return Some(Some(Decimal::deserialize(b)));
        }
        Some(Some(Decimal::from_parts(
            lo,
            mid,
            hi,
            negative,
            u32::from(scale),
        )))
    }

    /// An amount, or none, in `currency` unless written with another.
    #[inline(always)]
    fn money(&mut self, currency: Currency) -> Option<Option<Money>> {
        let mut currency = currency;
        if self.bytes.get(self.at) == Some(&OTHER_CURRENCY) {
            self.at += 1;
            currency = self.currency()?;
        }
        Some(self.decimal()?.map(|d| Money::new(d, currency)))
    }

    #[inline(always)]
    fn hours(&mut self) -> Option<Option<Hours>> {
        match self.decimal()? {
            None => Some(None),
            Some(d) => Some(Some(Hours::kept(d)?)),
        }
    }

    #[inline(always)]
    fn share(&mut self) -> Option<Option<Share>> {
        match self.decimal()? {
            None => Some(None),
            Some(d) => Some(Some(Share::new(d).ok()?)),
        }
    }

    #[inline]
    fn probability(&mut self) -> Option<Option<Probability>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(
                Probability::new(f64::from_le_bytes(self.bytes()?)).ok()?,
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let base = Customer::builder("c", "C")
            .currency("EUR")
            .period(
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            )
            .customer_since(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())
            .build()
            .unwrap();
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
        let c = Customer::builder("c-1", "C")
            .currency("EUR")
            .period(
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            )
            .customer_since(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())
            .build()
            .unwrap();
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
