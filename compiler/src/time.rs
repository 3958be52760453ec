//! Reading dates, times and date-times, for literals and for input data alike.
//!
//! Time zones come from the time-zone database bundled into the binary, not from the
//! machine: the same rules over the same data give the same answer on every machine.

use jiff::ZonedDateTime;
use jiff::civil::{Date, Time};
use jiff::fmt::temporal::Pieces;
use jiff::tz::TimeZone;

use crate::diagnostics::Text;

/// Reads `2026-03-10`.
/// The day it is now in UTC: the date a run or a request is evaluated as of when it names none.
pub fn today_utc() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(TimeZone::UTC)
        .date()
}

pub fn parse_date(text: &str) -> Result<Date, Text> {
    if text.len() != 10 {
        return Err(text!("invalid-literal--date-form-yyyy-mm", text = text));
    }
    text.parse::<Date>()
        .map_err(|_| text!("invalid-literal--is-not-a-valid-date", text = text))
}

/// Reads `08:00`.
pub fn parse_clock_time(text: &str) -> Result<Time, Text> {
    text.parse::<Time>()
        .map_err(|_| text!("invalid-literal--is-not-a-valid-time", text = text))
}

/// Reads an RFC 3339 or RFC 9557 date-time. An offset or a time zone is required: a
/// date-time without one does not name an instant.
pub fn parse_date_time(text: &str) -> Result<ZonedDateTime, Text> {
    let shown = shorten(text);
    let pieces = Pieces::parse(text)
        .map_err(|_| text!("invalid-literal--is-not-a-valid-date-time", shown = shown))?;
    let Some(time) = pieces.time() else {
        return Err(text!("invalid-literal--has-time-day", shown = shown));
    };
    // jiff reads a leap second `:60` as `:59`, and accepts offsets up to 25:59:59; RFC 3339
    // allows neither, and a customs system would not have written them.
    if has_leap_second(text) {
        return Err(text!("invalid-literal--has-second-60-date", shown = shown));
    }
    if let Some(offset) = pieces.to_numeric_offset()
        && offset.seconds().unsigned_abs() >= 24 * 3600
    {
        return Err(text!(
            "invalid-literal--has-utc-offset-offsets",
            shown = shown,
            offset = offset
        ));
    }
    let date_time = pieces.date().to_datetime(time);
    let zone = match pieces.to_time_zone() {
        Ok(Some(zone)) => zone,
        Ok(None) => match pieces.to_numeric_offset() {
            Some(offset) => TimeZone::fixed(offset),
            None => {
                return Err(text!("invalid-literal--has-utc-offset-time", text = text));
            }
        },
        Err(_) => {
            let name = pieces
                .time_zone_annotation()
                .map(|annotation| format!("{:?}", annotation.kind()))
                .unwrap_or_default();
            return Err(text!(
                "invalid-literal--names-unknown-time-zone",
                text = text,
                name = name
            ));
        }
    };
    match pieces.to_numeric_offset() {
        Some(offset) => {
            let timestamp = offset
                .to_timestamp(date_time)
                .map_err(|_| text!("invalid-literal--is-out-of-range", text = text))?;
            Ok(timestamp.to_zoned_datetime(zone))
        }
        None => zone
            .to_ambiguous_zoned_datetime(date_time)
            .compatible()
            .map_err(|_| text!("invalid-literal--is-out-of-range", text = text)),
    }
}

/// Whether the time of day in an RFC 3339 text has the second 60 (`T23:59:60`).
fn has_leap_second(text: &str) -> bool {
    let Some(time) = text.find(['T', 't', ' ']).and_then(|at| text.get(at + 1..)) else {
        return false;
    };
    time.get(5..6) == Some(":") && time.get(6..8) == Some("60")
}

/// Data shown in a message: long values are cut.
fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        let kept: String = text.chars().take(40).collect();
        format!("{kept}…")
    } else {
        text.to_string()
    }
}

/// Looks a time zone up in the bundled database.
pub fn time_zone(name: &str) -> Result<TimeZone, Text> {
    jiff::tz::db()
        .get(name)
        .map_err(|_| text!("invalid-literal--is-not-a-time-zone", name = name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_zones_both_name_instants() {
        let with_offset = parse_date_time("2026-03-10T10:00:01+01:00").unwrap();
        let with_zone = parse_date_time("2026-03-10T10:00:01[Europe/Paris]").unwrap();
        assert_eq!(with_offset.timestamp(), with_zone.timestamp());
        assert!(parse_date_time("2026-03-10T10:00:01").is_err());
        assert!(parse_date_time("2026-03-10T10:00:01[Mars/Olympus]").is_err());
    }

    #[test]
    fn offsets_and_seconds_stay_in_range() {
        assert!(parse_date_time("2026-03-10T10:00:00+23:59").is_ok());
        assert!(parse_date_time("2026-03-10T10:00:00-23:59").is_ok());
        for text in [
            "2026-03-10T10:00:00+24:00",
            "2026-03-10T10:00:00+25:00",
            "2026-03-10T10:00:00-24:00",
            "2026-12-31T23:59:60Z",
            "2026-12-31T23:59:60+01:00",
        ] {
            assert!(parse_date_time(text).is_err(), "{text}");
        }
    }

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("2026-02-29").is_err());
        assert!(parse_date("2028-02-29").is_ok());
    }
}
