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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CapacityRepr", into = "CapacityRepr")]
pub struct CapacityCostRate {
    resource_cost: Money,
    practical_capacity: Hours,
    rate: Money,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CapacityRepr {
    resource_cost: Money,
    practical_capacity: Hours,
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
            // Kept exact (not rounded), so that used plus unused cost is the resources supplied.
            rate: Money::new(rate.amount().normalize(), rate.currency()),
        })
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

impl TryFrom<CapacityRepr> for CapacityCostRate {
    type Error = Error;
    fn try_from(r: CapacityRepr) -> Result<Self> {
        CapacityCostRate::new(r.resource_cost, r.practical_capacity)
    }
}

impl From<CapacityCostRate> for CapacityRepr {
    fn from(c: CapacityCostRate) -> Self {
        CapacityRepr {
            resource_cost: c.resource_cost,
            practical_capacity: c.practical_capacity,
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
