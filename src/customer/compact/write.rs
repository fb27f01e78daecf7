//! Writing a customer in the compact form.

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
use crate::customer::tag::Tag;
use crate::customer::Customer;
use crate::id::CustomerId;
use crate::money::{Currency, Money};
use crate::units::{Hours, Probability, Ratio, Share};

use super::{
    zigzag, TagTable, FOUR_BYTES, NEGATIVE, NO_DECIMAL, OTHER_CURRENCY, TWELVE_BYTES, TWO_BYTES,
};

/// Writes customers into a block of the compact form.
pub(super) struct Writer<'a> {
    pub(super) out: &'a mut Vec<u8>,
    pub(super) tags: &'a mut TagTable,
    pub(super) currency: Currency,
}

impl Writer<'_> {
    /// Write `c`; its parent, kept apart.
    pub(super) fn customer<'c>(&mut self, c: &'c Customer) -> Option<&'c CustomerId> {
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
    pub(super) fn money(&mut self, m: Option<Money>) {
        if let Some(m) = m.filter(|m| m.currency() != self.currency) {
            self.byte(OTHER_CURRENCY);
            self.out.extend_from_slice(&m.currency().code_bytes());
        }
        self.decimal(m.map(|m| m.amount()));
    }

    /// A decimal, exactly: its scale, its magnitude and its sign (of a zero too).
    #[inline(always)]
    pub(super) fn decimal(&mut self, d: Option<Decimal>) {
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

fn scope_code(s: RequestScope) -> u8 {
    match s {
        RequestScope::Broad => 0,
        RequestScope::Custom => 1,
    }
}
