//! Business-time calendars: opening hours in a time zone, minus holidays.
//!
//! Business time is the wall-clock opening time of a calendar, turned into instants in the
//! calendar's time zone day by day, so that a daylight-saving change moves the instants of
//! opening and closing but not the length of an opening day.

use clearance_compiler::ir::CalendarIr;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ZonedDateTime};

/// The longest stretch business-time arithmetic walks before giving up: ten years. A calendar
/// that is open less than once in ten years makes a deadline meaningless, not slow.
const MAX_DAYS: usize = 3660;

#[derive(Clone, Debug)]
pub struct Calendar {
    pub name: String,
    zone: TimeZone,
    /// Opening intervals per ISO weekday (index 0 is Monday).
    opening: [Vec<(Time, Option<Time>)>; 7],
    holidays: Vec<Date>,
}

impl Calendar {
    pub fn new(ir: &CalendarIr) -> Result<Calendar, String> {
        let zone =
            clearance_compiler::time::time_zone(&ir.zone).map_err(|message| message.to_string())?;
        let mut opening: [Vec<(Time, Option<Time>)>; 7] = Default::default();
        for interval in &ir.opening {
            for weekday in interval.first_weekday..=interval.last_weekday {
                if let Some(day) = usize::try_from(weekday - 1)
                    .ok()
                    .and_then(|i| opening.get_mut(i))
                {
                    day.push((interval.from, interval.to));
                }
            }
        }
        for day in &mut opening {
            day.sort();
        }
        Ok(Calendar {
            name: ir.path.name.to_string(),
            zone,
            opening,
            holidays: ir.holidays.clone(),
        })
    }

    fn is_holiday(&self, date: Date) -> bool {
        self.holidays.binary_search(&date).is_ok()
    }

    /// The opening intervals of a local date, as instants.
    fn intervals(&self, date: Date) -> Vec<(Timestamp, Timestamp)> {
        if self.is_holiday(date) {
            return Vec::new();
        }
        let weekday = usize::try_from(date.weekday().to_monday_one_offset() - 1).unwrap_or(0);
        self.opening[weekday]
            .iter()
            .filter_map(|(from, to)| {
                let start = self.instant(date, *from)?;
                let end = match to {
                    Some(to) => self.instant(date, *to)?,
                    None => self.instant(date.tomorrow().ok()?, Time::midnight())?,
                };
                Some((start, end))
            })
            .collect()
    }

    fn instant(&self, date: Date, time: Time) -> Option<Timestamp> {
        self.zone
            .to_ambiguous_timestamp(date.to_datetime(time))
            .compatible()
            .ok()
    }

    fn local_date(&self, at: Timestamp) -> Date {
        self.zone.to_datetime(at).date()
    }

    pub fn is_open(&self, at: Timestamp) -> bool {
        self.intervals(self.local_date(at))
            .iter()
            .any(|(start, end)| *start <= at && at < *end)
    }

    /// `start` plus `amount` of opening time.
    pub fn add_hours(
        &self,
        start: &ZonedDateTime,
        amount: SignedDuration,
    ) -> Result<ZonedDateTime, String> {
        if amount.is_negative() {
            return Err("business time cannot be negative".to_string());
        }
        let mut remaining = amount;
        let mut cursor = start.timestamp();
        let mut date = self.local_date(cursor);
        for _ in 0..MAX_DAYS {
            for (open, close) in self.intervals(date) {
                let from = cursor.max(open);
                if from >= close {
                    continue;
                }
                let available = close.duration_since(from);
                if remaining <= available {
                    let deadline = from
                        .checked_add(remaining)
                        .map_err(|_| "a business-time deadline is out of range".to_string())?;
                    return Ok(deadline.to_zoned_datetime(start.time_zone().clone()));
                }
                remaining -= available;
                cursor = close;
            }
            date = date
                .tomorrow()
                .map_err(|_| "a business-time deadline is out of range".to_string())?;
        }
        Err(format!(
            "calendar `{}` is not open enough to count this business time within ten years",
            self.name
        ))
    }

    /// `start` plus `days` business days: the closing time of the `days`-th business day after
    /// the day of `start`.
    pub fn add_days(&self, start: &ZonedDateTime, days: i64) -> Result<ZonedDateTime, String> {
        if days < 0 {
            return Err("business time cannot be negative".to_string());
        }
        if days == 0 {
            return Ok(start.clone());
        }
        let mut remaining = days;
        let mut date = self.local_date(start.timestamp());
        for _ in 0..MAX_DAYS {
            date = date
                .tomorrow()
                .map_err(|_| "a business-time deadline is out of range".to_string())?;
            let intervals = self.intervals(date);
            if let Some((_, close)) = intervals.last() {
                remaining -= 1;
                if remaining == 0 {
                    return Ok(close.to_zoned_datetime(start.time_zone().clone()));
                }
            }
        }
        Err(format!(
            "calendar `{}` is not open enough to count {days} business days within ten years",
            self.name
        ))
    }

    /// Opening time between two instants (zero when `to` is not after `from`).
    pub fn between(&self, from: Timestamp, to: Timestamp) -> Result<SignedDuration, String> {
        let mut total = SignedDuration::ZERO;
        if to <= from {
            return Ok(total);
        }
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        for _ in 0..MAX_DAYS {
            for (open, close) in self.intervals(date) {
                let start = open.max(from);
                let end = close.min(to);
                if start < end {
                    total += end.duration_since(start);
                }
            }
            if date >= last {
                return Ok(total);
            }
            date = date
                .tomorrow()
                .map_err(|_| "a business-time span is out of range".to_string())?;
        }
        Err("a business-time span is longer than ten years".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clearance_compiler::ir::OpeningIr;
    use clearance_compiler::types::DefPath;

    fn cbsa(holidays: Vec<Date>) -> Calendar {
        Calendar::new(&CalendarIr {
            path: DefPath::new("test", "cbsa"),
            title: Default::default(),
            zone: "America/Toronto".to_string(),
            opening: vec![OpeningIr {
                first_weekday: 1,
                last_weekday: 5,
                from: Time::constant(8, 0, 0, 0),
                to: Some(Time::constant(17, 0, 0, 0)),
            }],
            holidays,
        })
        .unwrap()
    }

    fn at(text: &str) -> ZonedDateTime {
        clearance_compiler::time::parse_date_time(text).unwrap()
    }

    #[test]
    fn twenty_four_business_hours_are_two_days_and_six_hours() {
        let calendar = cbsa(Vec::new());
        // Monday 2026-03-02 08:00 Toronto: 9 h Monday, 9 h Tuesday, 6 h Wednesday.
        let deadline = calendar
            .add_hours(
                &at("2026-03-02T08:00:00[America/Toronto]"),
                SignedDuration::from_hours(24),
            )
            .unwrap();
        assert_eq!(
            deadline.timestamp(),
            at("2026-03-04T14:00:00[America/Toronto]").timestamp()
        );
    }

    #[test]
    fn weekends_holidays_and_daylight_saving_are_skipped() {
        // Friday 2026-03-06 16:00; the weekend of 7-8 March switches Toronto to summer time;
        // Monday 9 March is made a holiday here.
        let holiday = Date::constant(2026, 3, 9);
        let calendar = cbsa(vec![holiday]);
        let deadline = calendar
            .add_hours(
                &at("2026-03-06T16:00:00[America/Toronto]"),
                SignedDuration::from_hours(10),
            )
            .unwrap();
        // 1 h on Friday, then 9 h on Tuesday 10 March: 17:00 local, summer time (-04:00).
        assert_eq!(
            deadline.timestamp(),
            at("2026-03-10T17:00:00-04:00").timestamp()
        );
    }

    #[test]
    fn time_outside_opening_hours_starts_at_the_next_opening() {
        let calendar = cbsa(Vec::new());
        let deadline = calendar
            .add_hours(
                &at("2026-03-07T12:00:00[America/Toronto]"),
                SignedDuration::from_hours(1),
            )
            .unwrap();
        assert_eq!(
            deadline.timestamp(),
            at("2026-03-09T09:00:00[America/Toronto]").timestamp()
        );
    }

    #[test]
    fn opening_time_between_two_instants() {
        let calendar = cbsa(Vec::new());
        let open = calendar
            .between(
                at("2026-03-02T16:00:00[America/Toronto]").timestamp(),
                at("2026-03-03T09:30:00[America/Toronto]").timestamp(),
            )
            .unwrap();
        assert_eq!(open, SignedDuration::from_mins(150));
    }
}
