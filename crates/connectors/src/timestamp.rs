//! Timestamps as sources write them.

use chrono::{DateTime, NaiveDateTime, Utc};

/// 9999-12-31T23:59:59Z, the last second that RFC 3339 can write.
const LAST_UNIX_SECOND: i64 = 253_402_300_799;

/// Why a timestamp could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimestampError {
    Unreadable,
    OutOfRange,
}

/// Reads an RFC 3339 timestamp (`2026-10-01T08:30:00Z`, `+00:00`, `+0000`), a timestamp without a
/// zone (`2026-10-01 08:30:00` or `2026-10-01T08:30:00.123`, taken as UTC) or unix seconds written
/// as digits. Timestamps before 1970 or after 9999 are refused.
pub(crate) fn parse_timestamp_text(text: &str) -> Result<DateTime<Utc>, TimestampError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TimestampError::Unreadable);
    }
    if trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        let seconds = trimmed
            .parse::<i64>()
            .map_err(|_| TimestampError::OutOfRange)?;
        return from_unix_seconds(seconds);
    }
    let parsed = parse_with_zone(trimmed).or_else(|| parse_without_zone(trimmed));
    let Some(timestamp) = parsed else {
        return Err(TimestampError::Unreadable);
    };
    if timestamp.timestamp() < 0 {
        return Err(TimestampError::OutOfRange);
    }
    Ok(timestamp)
}

fn parse_with_zone(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(timestamp) = DateTime::parse_from_rfc3339(text) {
        return Some(timestamp.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(timestamp) = DateTime::parse_from_str(text, format) {
            return Some(timestamp.with_timezone(&Utc));
        }
    }
    None
}

fn parse_without_zone(text: &str) -> Option<DateTime<Utc>> {
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(timestamp) = NaiveDateTime::parse_from_str(text, format) {
            return Some(timestamp.and_utc());
        }
    }
    None
}

/// Unix seconds from 1970 up to the end of 9999.
pub(crate) fn from_unix_seconds(seconds: i64) -> Result<DateTime<Utc>, TimestampError> {
    if !(0..=LAST_UNIX_SECOND).contains(&seconds) {
        return Err(TimestampError::OutOfRange);
    }
    DateTime::from_timestamp(seconds, 0).ok_or(TimestampError::OutOfRange)
}

/// Unix seconds as a JSON number that may have a fraction.
pub(crate) fn from_unix_seconds_float(seconds: f64) -> Result<DateTime<Utc>, TimestampError> {
    if !seconds.is_finite() || seconds < 0.0 || seconds > LAST_UNIX_SECOND as f64 {
        return Err(TimestampError::OutOfRange);
    }
    let whole_seconds = seconds.trunc() as i64;
    let nanoseconds = ((seconds - seconds.trunc()) * 1e9) as u32;
    DateTime::from_timestamp(whole_seconds, nanoseconds.min(999_999_999))
        .ok_or(TimestampError::OutOfRange)
}

/// Unix microseconds, as in Jetstream's `time_us`.
pub(crate) fn from_unix_microseconds(microseconds: i64) -> Result<DateTime<Utc>, TimestampError> {
    let seconds = microseconds.div_euclid(1_000_000);
    from_unix_seconds(seconds)?;
    DateTime::from_timestamp_micros(microseconds).ok_or(TimestampError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|timestamp| timestamp.with_timezone(&Utc))
            .unwrap_or(DateTime::UNIX_EPOCH)
    }

    #[test]
    fn reads_the_accepted_shapes() {
        let expected = utc("2026-10-01T08:30:00Z");
        for text in [
            "2026-10-01T08:30:00Z",
            "2026-10-01T10:30:00+02:00",
            "2026-10-01T08:30:00+00:00",
            "2026-10-01T08:30:00+0000",
            "2026-10-01 08:30:00",
            "2026-10-01T08:30:00",
            " 2026-10-01 08:30:00 ",
            "1790843400",
        ] {
            assert_eq!(parse_timestamp_text(text), Ok(expected), "{text}");
        }
        assert_eq!(
            parse_timestamp_text("2023-07-21T01:33:51.481951"),
            Ok(utc("2023-07-21T01:33:51.481951Z"))
        );
        assert_eq!(
            parse_timestamp_text("2024-02-22T19:58:13.903293+00:00"),
            Ok(utc("2024-02-22T19:58:13.903293Z"))
        );
    }

    #[test]
    fn refuses_junk_and_out_of_range_values() {
        for text in ["", "yesterday", "2026-13-01T00:00:00Z", "01-10-2026 08:30"] {
            assert_eq!(
                parse_timestamp_text(text),
                Err(TimestampError::Unreadable),
                "{text}"
            );
        }
        assert_eq!(
            parse_timestamp_text("99999999999999999999999"),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(
            parse_timestamp_text("1969-12-31T23:59:59Z"),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(from_unix_seconds(-1), Err(TimestampError::OutOfRange));
        assert_eq!(
            from_unix_seconds(LAST_UNIX_SECOND + 1),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(
            from_unix_seconds_float(f64::NAN),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(
            from_unix_seconds_float(1.5).map(|timestamp| timestamp.timestamp_millis()),
            Ok(1500)
        );
        assert_eq!(
            from_unix_microseconds(1_783_175_888_085_434).map(|timestamp| timestamp.timestamp()),
            Ok(1_783_175_888)
        );
        assert_eq!(
            from_unix_microseconds(i64::MAX),
            Err(TimestampError::OutOfRange)
        );
    }
}
