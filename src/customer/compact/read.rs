//! Reading a customer back from the compact form.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::customer::activity::{
    Activity, AssessmentPeriod, Implementation, Severity, TicketGroup,
};
use crate::customer::contract::{Contract, Sla, SlaTier, VendorTermination};
use crate::customer::facts::{
    Behavior, BrandTier, FeatureRequest, GrowthFacts, Level, LifecycleStage, LogoValue,
    RequestCounts, RequestScope,
};
use crate::customer::tag::Tag;
use crate::customer::Customer;
use crate::id::CustomerId;
use crate::money::{Currency, Money};
use crate::units::{Hours, Nps, Probability, Quantity, Ratio, Share};

use super::{
    unzigzag, FOUR_BYTES, NEGATIVE, NO_DECIMAL, OTHER_CURRENCY, SCALE, TWELVE_BYTES, TWO_BYTES,
};

/// Reads what [`Writer`] wrote; `None` on bytes it cannot have written.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
    pub(super) tags: &'a [Tag],
}

impl Reader<'_> {
    pub(super) fn customer(
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
    pub(super) fn decimal(&mut self) -> Option<Option<Decimal>> {
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
    pub(super) fn money(&mut self, currency: Currency) -> Option<Option<Money>> {
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
