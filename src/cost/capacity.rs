//! Hourly rates: stated, or derived from capacity (time-driven activity-based costing).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::units::Hours;

/// A time-driven capacity cost rate: the cost of the resources supplied over a period divided
/// by their practical capacity in hours.
///
/// This is the published time-driven ABC exercise: $600,000 of resources with 10,000 practical
/// hours cost $60 an hour; an activity of 0.75 h costs $45.
///
/// ```
/// use custfit::Money;
/// use custfit::cost::CapacityCostRate;
/// use custfit::units::Hours;
/// use rust_decimal::Decimal;
/// let rate = CapacityCostRate::new("600000 USD".parse()?, Hours::new(Decimal::from(10_000))?)?;
/// assert_eq!(rate.rate().to_string(), "60.00 USD");
/// assert_eq!(rate.activity_cost(Hours::new(Decimal::new(75, 2))?)?.to_string(), "45.00 USD");
/// let usage = rate.usage([(Decimal::new(75, 2), 8_000), (Decimal::new(35, 1), 400), (Decimal::from(3), 450)])?;
/// assert_eq!(usage.used_hours, Decimal::from(8_750));
/// assert_eq!(usage.unused_hours, Decimal::from(1_250));
/// assert_eq!(usage.unused_cost.to_string(), "75000.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Capacity is often measured in minutes (Kaplan and Anderson's customer-service department:
/// $560,000 a quarter over 700,000 practical minutes is $0.80 a minute). Given in minutes, the
/// rate is worked out from the minutes — cost × 60 / minutes — so that an exact rate stays
/// exact, where converting the minutes to hours first (11,666.67 h) would not:
///
/// ```
/// use custfit::cost::CapacityCostRate;
/// use rust_decimal::Decimal;
/// let rate = CapacityCostRate::from_minutes("560000 USD".parse()?, Decimal::from(700_000))?;
/// assert_eq!(rate.rate().to_string(), "48.00 USD");
/// assert_eq!(rate.rate_per_minute()?.to_string(), "0.80 USD");
/// // Handling a customer order takes 8 minutes: $6.40.
/// assert_eq!(rate.activity_cost_of_minutes(Decimal::from(8))?.to_string(), "6.40 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CapacityRepr", into = "CapacityRepr")]
pub struct CapacityCostRate {
    resource_cost: Money,
    practical_capacity: Hours,
    /// The capacity in minutes, when it was given so.
    minutes: Option<Decimal>,
    rate: Money,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CapacityRepr {
    resource_cost: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    practical_capacity: Option<Hours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    practical_capacity_minutes: Option<Decimal>,
}

impl CapacityCostRate {
    /// The rate of `resource_cost` spread over `practical_capacity` hours.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the capacity is zero or the cost negative.
    pub fn new(resource_cost: Money, practical_capacity: Hours) -> Result<Self> {
        if practical_capacity.get().is_zero() {
            return Err(Error::config(
                "practical_capacity",
                Problem::OutOfRange {
                    value: "0".into(),
                    allowed: "more than 0 hours".into(),
                },
            ));
        }
        if resource_cost.is_negative() {
            return Err(Error::config(
                "resource_cost",
                Problem::Negative {
                    value: resource_cost.amount(),
                },
            ));
        }
        let rate = resource_cost
            .checked_div(practical_capacity.get())
            .map_err(|e| Error::config("resource_cost", e.into()))?;
        Ok(CapacityCostRate {
            resource_cost,
            practical_capacity,
            minutes: None,
            // Kept exact (not rounded), so that used plus unused cost is the resources supplied.
            rate: Money::new(rate.amount().normalize(), rate.currency()),
        })
    }

    /// The rate of `resource_cost` spread over `practical_minutes` minutes of capacity: per
    /// hour, `resource_cost × 60 / practical_minutes`, multiplied before it is divided so that
    /// an exact rate stays exact.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the capacity is not more than zero, the cost negative, or
    /// either out of range.
    pub fn from_minutes(resource_cost: Money, practical_minutes: Decimal) -> Result<Self> {
        if practical_minutes <= Decimal::ZERO {
            return Err(Error::config(
                "practical_capacity_minutes",
                Problem::OutOfRange {
                    value: practical_minutes.to_string(),
                    allowed: "more than 0 minutes".into(),
                },
            ));
        }
        let hours = practical_minutes
            .checked_div(MINUTES_PER_HOUR)
            .and_then(|h| Hours::new(h).ok())
            .ok_or_else(|| {
                Error::config(
                    "practical_capacity_minutes",
                    Problem::OutOfRange {
                        value: practical_minutes.to_string(),
                        allowed: "a capacity in the range of hours".into(),
                    },
                )
            })?;
        let mut rate = CapacityCostRate::new(resource_cost, hours)?;
        let per_hour = resource_cost
            .checked_mul(MINUTES_PER_HOUR)
            .and_then(|c| c.checked_div(practical_minutes))
            .map_err(|e| Error::config("resource_cost", e.into()))?;
        rate.minutes = Some(practical_minutes);
        rate.rate = Money::new(per_hour.amount().normalize(), per_hour.currency());
        Ok(rate)
    }

    /// Cost per minute of capacity, exact when the capacity was given in minutes.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn rate_per_minute(&self) -> Result<Money> {
        let per_minute = match self.minutes {
            Some(minutes) => self.resource_cost.checked_div(minutes),
            None => self.rate.checked_div(MINUTES_PER_HOUR),
        };
        per_minute
            .map(|m| Money::new(m.amount().normalize(), m.currency()))
            .map_err(|e| Error::arithmetic(None, "rate_per_minute", e))
    }

    /// Cost per hour of capacity, exact.
    pub fn rate(&self) -> Money {
        self.rate
    }

    /// Cost of the resources supplied.
    pub fn resource_cost(&self) -> Money {
        self.resource_cost
    }

    /// Practical capacity in hours.
    pub fn practical_capacity(&self) -> Hours {
        self.practical_capacity
    }

    /// Cost of one activity that takes `unit_time`, rounded to the minor unit.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn activity_cost(&self, unit_time: Hours) -> Result<Money> {
        self.rate
            .checked_mul(unit_time.get())
            .map(Money::round)
            .map_err(|e| Error::arithmetic(None, "activity_cost", e))
    }

    /// Cost of one activity that takes `minutes`, rounded to the minor unit: the rate per minute
    /// times the minutes (exact when the capacity was given in minutes).
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn activity_cost_of_minutes(&self, minutes: Decimal) -> Result<Money> {
        self.rate_per_minute()?
            .checked_mul(minutes)
            .map(Money::round)
            .map_err(|e| Error::arithmetic(None, "activity_cost", e))
    }

    /// Capacity used by activities given as `(hours per activity, count)`, and what is left.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn usage<I>(&self, activities: I) -> Result<CapacityUsage>
    where
        I: IntoIterator<Item = (Decimal, u64)>,
    {
        let overflow = || Error::arithmetic(None, "capacity.used_hours", Problem::Overflow);
        let mut used = Decimal::ZERO;
        for (hours, count) in activities {
            let h = hours
                .checked_mul(Decimal::from(count))
                .ok_or_else(overflow)?;
            used = used.checked_add(h).ok_or_else(overflow)?;
        }
        self.usage_of_hours(used)
    }

    /// Capacity used by `used` hours, and what is left.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn usage_of_hours(&self, used: Decimal) -> Result<CapacityUsage> {
        let unused = self
            .practical_capacity
            .get()
            .checked_sub(used)
            .ok_or_else(|| Error::arithmetic(None, "capacity.unused_hours", Problem::Overflow))?;
        let unused_cost = self
            .rate
            .checked_mul(unused)
            .map(Money::round)
            .map_err(|e| Error::arithmetic(None, "capacity.unused_cost", e))?;
        Ok(CapacityUsage {
            used_hours: used.normalize(),
            unused_hours: unused.normalize(),
            unused_cost,
        })
    }
}

const MINUTES_PER_HOUR: Decimal = Decimal::from_parts(60, 0, 0, false, 0);

impl TryFrom<CapacityRepr> for CapacityCostRate {
    type Error = Error;
    fn try_from(r: CapacityRepr) -> Result<Self> {
        match (r.practical_capacity, r.practical_capacity_minutes) {
            (Some(hours), None) => CapacityCostRate::new(r.resource_cost, hours),
            (None, Some(minutes)) => CapacityCostRate::from_minutes(r.resource_cost, minutes),
            _ => Err(Error::config(
                "practical_capacity",
                Problem::Rule {
                    rule: "give the capacity in hours (practical_capacity) or in minutes \
                           (practical_capacity_minutes), not both"
                        .into(),
                },
            )),
        }
    }
}

impl From<CapacityCostRate> for CapacityRepr {
    fn from(c: CapacityCostRate) -> Self {
        match c.minutes {
            Some(minutes) => CapacityRepr {
                resource_cost: c.resource_cost,
                practical_capacity: None,
                practical_capacity_minutes: Some(minutes),
            },
            None => CapacityRepr {
                resource_cost: c.resource_cost,
                practical_capacity: Some(c.practical_capacity),
                practical_capacity_minutes: None,
            },
        }
    }
}

/// How much of a resource's practical capacity was used.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityUsage {
    /// Hours used.
    pub used_hours: Decimal,
    /// Hours of capacity left unused; negative when demand exceeded practical capacity.
    pub unused_hours: Decimal,
    /// Cost of the unused hours (negative when over capacity).
    pub unused_cost: Money,
}

/// An hourly rate: given directly, or derived from capacity (time-driven).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HourlyRate {
    /// A rate per hour.
    PerHour(Money),
    /// Resources supplied divided by practical capacity.
    TimeDriven(CapacityCostRate),
}

impl HourlyRate {
    /// The cost of one hour.
    pub fn per_hour(&self) -> Money {
        match self {
            HourlyRate::PerHour(m) => *m,
            HourlyRate::TimeDriven(c) => c.rate(),
        }
    }
}
