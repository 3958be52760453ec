//! Reading dates, times and date-times, for literals and for input data alike.
//!
//! Time zones come from the time-zone database bundled into the binary, not from the
//! machine: the same rules over the same data give the same answer on every machine.

use jiff::ZonedDateTime;
use jiff::civil::{Date, Time};
use jiff::fmt::temporal::Pieces;
use jiff::tz::TimeZone;

/// Reads `2026-03-10`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    if text.len() != 10 {
        return Err(format!("`{text}` is not a date of the form YYYY-MM-DD"));
    }
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a valid date"))
}

/// Reads `08:00`.
pub fn parse_clock_time(text: &str) -> Result<Time, String> {
    text.parse::<Time>()
        .map_err(|_| format!("`{text}` is not a valid time of day"))
}

/// Reads an RFC 3339 or RFC 9557 date-time. An offset or a time zone is required: a
/// date-time without one does not name an instant.
pub fn parse_date_time(text: &str) -> Result<ZonedDateTime, String> {
    let pieces = Pieces::parse(text).map_err(|_| format!("`{text}` is not a valid date-time"))?;
    let Some(time) = pieces.time() else {
        return Err(format!("`{text}` has no time of day"));
    };
    let date_time = pieces.date().to_datetime(time);
    let zone = match pieces.to_time_zone() {
        Ok(Some(zone)) => zone,
        Ok(None) => match pieces.to_numeric_offset() {
            Some(offset) => TimeZone::fixed(offset),
            None => {
                return Err(format!(
                    "`{text}` has no UTC offset or time zone, so it does not name an instant"
                ));
            }
        },
        Err(_) => {
            let name = pieces
                .time_zone_annotation()
                .map(|annotation| format!("{:?}", annotation.kind()))
                .unwrap_or_default();
            return Err(format!("`{text}` names an unknown time zone {name}"));
        }
    };
    match pieces.to_numeric_offset() {
        Some(offset) => {
            let timestamp = offset
                .to_timestamp(date_time)
                .map_err(|_| format!("`{text}` is out of range"))?;
            Ok(timestamp.to_zoned_datetime(zone))
        }
        None => zone
            .to_ambiguous_zoned_datetime(date_time)
            .compatible()
            .map_err(|_| format!("`{text}` is out of range")),
    }
}

/// Looks a time zone up in the bundled database.
pub fn time_zone(name: &str) -> Result<TimeZone, String> {
    jiff::tz::db()
        .get(name)
        .map_err(|_| format!("`{name}` is not a time zone of the IANA database"))
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
    fn dates_must_exist() {
        assert!(parse_date("2026-02-29").is_err());
        assert!(parse_date("2028-02-29").is_ok());
    }
}
