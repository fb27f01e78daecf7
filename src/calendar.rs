//! Month arithmetic, in one place: checked (a date beyond chrono's range is `None`, never a
//! silent fallback), and anniversary-based for renewal terms (a term that starts on the 31st
//! renews on the last day of shorter months and on the 31st again after, without drifting).

use chrono::{Datelike, Days, Months, NaiveDate};

/// `date` plus `months` calendar months (clamped to the end of shorter months).
pub(crate) fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// The last day of a window of `months` months starting on `start`.
pub(crate) fn window_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    add_months(start, months)?.checked_sub_days(Days::new(1))
}

/// Renewal terms of `months` months, the first starting on `first_start`: term `k` runs from
/// the `k`-th anniversary (in units of `months`) to the day before the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Terms {
    pub(crate) first_start: NaiveDate,
    pub(crate) months: u32,
}

impl Terms {
    /// Term `k`: its first and last day.
    pub(crate) fn term(&self, k: u32) -> Option<(NaiveDate, NaiveDate)> {
        let start = add_months(self.first_start, k.checked_mul(self.months)?)?;
        let end = window_end(
            self.first_start,
            k.checked_add(1)?.checked_mul(self.months)?,
        )?;
        Some((start, end))
    }

    /// The index of the term that contains `date` (0 when `date` is before the first term),
    /// in constant time.
    pub(crate) fn index_containing(&self, date: NaiveDate) -> Option<u32> {
        if date < self.first_start || self.months == 0 {
            return Some(0);
        }
        let month_index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let elapsed = month_index(date) - month_index(self.first_start);
        // The estimate is at most one term too far: step back, then forward, at most twice.
        let mut k = u32::try_from(elapsed / i64::from(self.months)).ok()?;
        while k > 0 && self.term(k)?.0 > date {
            k -= 1;
        }
        while self.term(k)?.1 < date {
            k = k.checked_add(1)?;
        }
        Some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn terms_follow_anniversaries_without_drift() {
        let t = Terms {
            first_start: d(2025, 1, 31),
            months: 1,
        };
        assert_eq!(t.term(0), Some((d(2025, 1, 31), d(2025, 2, 27))));
        assert_eq!(t.term(1), Some((d(2025, 2, 28), d(2025, 3, 30))));
        assert_eq!(t.term(2), Some((d(2025, 3, 31), d(2025, 4, 29))));
        for day in [
            d(2025, 1, 31),
            d(2025, 2, 27),
            d(2025, 2, 28),
            d(2025, 3, 31),
            d(2031, 7, 4),
        ] {
            let k = t.index_containing(day).unwrap();
            let (start, end) = t.term(k).unwrap();
            assert!(start <= day && day <= end, "{day}: {start}..{end}");
        }
        assert_eq!(t.index_containing(d(2024, 1, 1)), Some(0));
    }

    #[test]
    fn far_dates_are_none_not_a_fallback() {
        assert_eq!(add_months(NaiveDate::MAX, 1), None);
        let t = Terms {
            first_start: d(2025, 1, 1),
            months: 12,
        };
        assert_eq!(t.term(u32::MAX), None);
        assert_eq!(t.index_containing(NaiveDate::MAX), None);
    }
}
