//! Timestamps as users and AWS tools write them, to UTC epoch milliseconds.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Parses one timestamp token: RFC 3339 (`2025-09-02T14:03:11.482Z`, `…+08:00`), the same without a
/// zone (taken as UTC, as `sam logs` prints them: `2023-06-02T11:27:22.355000`), a space instead of
/// the `T` (`2026-06-03 05:22:39.288`), slashes (`2021/05/10 12:00:00`), or epoch seconds/ms.
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    let s = s.trim().trim_matches(|c| c == '[' || c == ']' || c == '|');
    if s.len() < 10 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        // 10 digits: seconds; 13: milliseconds.
        return match s.len() {
            10 => Some(n * 1000),
            13 => Some(n),
            16 => Some(n / 1000),
            _ => None,
        };
    }
    let b = s.as_bytes();
    if !(b[0].is_ascii_digit() && (b[4] == b'-' || b[4] == b'/')) {
        return None;
    }
    if b.get(19) == Some(&b',') && b.get(20).is_some_and(u8::is_ascii_digit) {
        // Python's logging writes the milliseconds after a comma (`2021-05-03 11:47:12,494`,
        // and Powertools `...,494+0000`).
        return parse_timestamp_ms(&format!("{}.{}", &s[..19], &s[20..]));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc).timestamp_millis());
    }
    // ISO 8601's offset in whole hours (`2025-09-01T10:00:00+02`), which RFC 3339 writes
    // `+02:00` (ninth-round ingestion review: such lines were read without a time).
    let n = b.len();
    if n > 19
        && matches!(b[n - 3], b'+' | b'-')
        && b[n - 2..].iter().all(u8::is_ascii_digit)
        && b[..n - 3].iter().rev().take_while(|c| **c != b':').count() <= 10
    {
        return parse_timestamp_ms(&format!("{s}:00"));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&Utc).timestamp_millis());
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.fZ",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    if s.len() == 10 {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
        }
    }
    None
}

/// Finds a timestamp in a short prefix (`2023/06/02/[72]88ab… 2023-06-02T11:27:22.355000`,
/// `| 2026-06-03 05:22:39.288 |`): tries each token and each pair of adjacent tokens.
pub fn timestamp_in_prefix(prefix: &str) -> Option<i64> {
    event_time_in_tokens(&tokens_of_prefix(prefix))
}

/// The words of a prefix, split at whitespace and `|`.
pub fn tokens_of_prefix(prefix: &str) -> Vec<&str> {
    prefix
        .split(|c: char| c.is_whitespace() || c == '|')
        .filter(|t| !t.is_empty())
        .collect()
}

/// The time of an event in its leading tokens: a date and the time after it
/// (`2025-09-01 13:45:06.123`, Python's `2025-09-01 13:45:06,123`), or one token that is a whole
/// time. A date alone is a day, not an event's time: it is not taken as midnight.
pub fn event_time_in_tokens(toks: &[&str]) -> Option<i64> {
    for (i, t) in toks.iter().enumerate() {
        if let Some(next) = toks.get(i + 1) {
            // `[2025-09-01 13:45:15,123]` (Python's `[%(asctime)s]`) too.
            let date = t.trim_start_matches(['[', '(']);
            let time = next.trim_end_matches([']', ')']);
            if date.len() == 10 && time.contains(':') {
                let zone = toks.get(i + 2).map(|z| z.trim_end_matches([']', ')']));
                if let Some(ts) = date_time_ms(date, time, zone) {
                    return Some(ts);
                }
            }
        }
        if is_bare_date(t) {
            continue;
        }
        if let Some(ts) = parse_timestamp_ms(t) {
            return Some(ts);
        }
    }
    None
}

/// The first token of `toks` written as a date or date-time that is no time at all (a day the
/// month does not have, month 13, an hour past 23: `2026-02-30T10:00:00Z`), for a line whose
/// time could not be read, so that the record kept without a time is said. A token that is no
/// date in shape (a request id, a word) is not one.
pub fn impossible_time_in(toks: &[&str]) -> Option<String> {
    for (i, t) in toks.iter().enumerate() {
        let t = t.trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | '|'));
        let b = t.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b.get(r.clone())
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        };
        let date_shape = digits(0..4)
            && matches!(b.get(4), Some(b'-' | b'/'))
            && digits(5..7)
            && b.get(7) == b.get(4)
            && digits(8..10)
            && (b.len() == 10 || matches!(b.get(10), Some(b'T' | b' ')));
        if !date_shape {
            continue;
        }
        let num = |r: std::ops::Range<usize>, b: &[u8]| -> u32 {
            b[r].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
        };
        let (y, m, d) = (num(0..4, b), num(5..7, b), num(8..10, b));
        let bad_date = i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
            .is_none();
        // The time: after the `T`, or the next token (`2026-02-03 25:00:00`).
        let time = if b.len() > 11 {
            Some(&t[11..])
        } else {
            toks.get(i + 1).map(|n| n.trim_end_matches([']', ')', '|']))
        };
        let bad_time = time.is_some_and(|tm| {
            let tb = tm.as_bytes();
            let two = |at: usize| {
                tb.get(at..at + 2)
                    .filter(|d| d.iter().all(u8::is_ascii_digit))
                    .map(|d| num(0..2, d))
            };
            match (two(0), tb.get(2), two(3)) {
                (Some(h), Some(b':'), Some(mi)) => {
                    h > 23
                        || mi > 59
                        || (tb.get(5) == Some(&b':') && two(6).is_some_and(|s| s > 60))
                }
                _ => false,
            }
        });
        // An offset from UTC past ±23:59 (`+25:00`, `+02:60`): no time either.
        let bad_offset = time.is_some_and(|tm| {
            let Some(at) = tm.find(['+', '-']).filter(|&at| at >= 5) else {
                return false;
            };
            let ob = &tm.as_bytes()[at + 1..];
            let two = |at: usize| {
                ob.get(at..at + 2)
                    .filter(|d| d.iter().all(u8::is_ascii_digit))
                    .map(|d| num(0..2, d))
            };
            let minutes = match ob.get(2) {
                Some(b':') => two(3),
                _ => two(2),
            };
            two(0).is_some_and(|h| h > 23) || minutes.is_some_and(|m| m > 59)
        });
        if bad_date || bad_time || bad_offset {
            let shown = match time {
                Some(tm) if b.len() == 10 => format!("{t} {tm}"),
                _ => t.to_string(),
            };
            return Some(shown.chars().take(40).collect());
        }
        return None;
    }
    None
}

/// A UTC offset or zone written as a word of its own: `Z`, `UTC`, `+02:00`, `-0500`.
pub fn is_zone(z: &str) -> bool {
    let b = z.as_bytes();
    z == "Z"
        || z == "UTC"
        || (matches!(b.first(), Some(b'+' | b'-'))
            && match b.len() {
                5 => b[1..].iter().all(u8::is_ascii_digit),
                6 => b[3] == b':' && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit()),
                _ => false,
            })
}

/// A date and a time written as two words (`2025-09-01 13:45:15,123`), and the word after them
/// when it is a zone ([`is_zone`]; any other word is not part of the time).
pub fn date_time_ms(date: &str, time: &str, zone: Option<&str>) -> Option<i64> {
    match zone.filter(|z| is_zone(z)) {
        Some("Z" | "UTC") => parse_timestamp_ms(&format!("{date} {time}+00:00")),
        Some(z) => parse_timestamp_ms(&format!("{date} {time}{z}")),
        None => parse_timestamp_ms(&format!("{date} {time}")),
    }
}

/// `2025-09-01` (within brackets or bars too): a day without a time.
fn is_bare_date(s: &str) -> bool {
    let s = s.trim().trim_matches(|c| c == '[' || c == ']' || c == '|');
    s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Formats epoch ms as RFC 3339 UTC with milliseconds.
/// A window's length for a sentence: hours to one decimal from 0.1 h, else minutes, else
/// seconds (tenth-round simulate review: a window of two minutes read "0.0 h").
pub fn hours_text(hours: f64) -> String {
    if hours >= 0.1 || hours <= 0.0 {
        format!("{hours:.1} h")
    } else if hours * 60.0 >= 1.0 {
        format!("{:.1} min", hours * 60.0)
    } else {
        format!("{:.1} s", hours * 3600.0)
    }
}

pub fn format_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Error for `--since`/`--until` values.
#[derive(Debug, thiserror::Error)]
#[error("cannot read time '{0}': use RFC 3339 (2025-09-02T14:00:00Z), a date (2025-09-02) or a relative time such as 90m, 2h, 7d")]
pub struct TimeArgError(pub String);

/// `--since`/`--until`: RFC 3339 or relative to `now_ms` (`30s`, `90m`, `2h`, `7d`, `1w`).
/// A time finer than a millisecond is rounded up to the next one: records carry whole
/// milliseconds, and one at or after `T` (or before `T`) is one at or after (before) the
/// millisecond rounded up (a record at .000 is before `.0005`, where truncating kept it).
pub fn parse_time_arg(s: &str, now_ms: i64) -> Result<i64, TimeArgError> {
    let t = s.trim();
    if let Some(ms) = parse_timestamp_ms(t) {
        return Ok(ms + i64::from(finer_than_ms(t)));
    }
    let err = || TimeArgError(s.to_string());
    let split = t
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&i| i > 0)
        .ok_or_else(err)?;
    let n: i64 = t[..split].parse().map_err(|_| err())?;
    let unit_ms = match &t[split..] {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(err()),
    };
    // Far beyond any log (xcmd2 review: `9999999999999d` wrapped round to a time in the far
    // future): refused as a number too long for i64 is.
    n.checked_mul(unit_ms)
        .and_then(|back| now_ms.checked_sub(back))
        .ok_or_else(err)
}

/// Does the time `t` hold a non-zero digit past the milliseconds of its seconds' fraction?
fn finer_than_ms(t: &str) -> bool {
    let Some(start) = t
        .char_indices()
        .skip(19)
        .find(|(_, c)| *c == '.' || *c == ',')
        .map(|(i, _)| i + 1)
    else {
        return false;
    };
    t[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .skip(3)
        .any(|c| c != '0')
}

/// The greatest common divisor of two spans of time (ms): the longest step both are whole
/// multiples of (a query's bins and offsets, a metric series' period).
pub fn gcd_ms(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd_ms(b, a % b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_lengths_read_in_a_unit_that_shows_them() {
        assert_eq!(hours_text(1.25), "1.2 h");
        assert_eq!(hours_text(0.1), "0.1 h");
        assert_eq!(hours_text(2.0 / 60.0), "2.0 min");
        assert_eq!(hours_text(30.0 / 3600.0), "30.0 s");
        assert_eq!(hours_text(0.0), "0.0 h");
    }

    /// Third-round logs review: `--since 10.0005Z` kept a record at 10.000 (truncated to the
    /// millisecond) and `--until 10.0005Z` dropped it.
    #[test]
    fn a_time_finer_than_a_millisecond_rounds_up() {
        let at = parse_timestamp_ms("2025-09-01T00:00:10.000Z").unwrap();
        assert_eq!(
            parse_time_arg("2025-09-01T00:00:10.0005Z", 0).unwrap(),
            at + 1
        );
        assert_eq!(
            parse_time_arg("2025-09-01T00:00:10.000000001Z", 0).unwrap(),
            at + 1
        );
        assert_eq!(
            parse_time_arg("2025-09-01T00:00:10.000000Z", 0).unwrap(),
            at
        );
        assert_eq!(
            parse_time_arg("2025-09-01T00:00:10.123Z", 0).unwrap(),
            at + 123
        );
        assert_eq!(parse_time_arg("2025-09-01T00:00:10Z", 0).unwrap(), at);
        assert_eq!(parse_time_arg("2025-09-01", 0).unwrap(), at - 10_000);
    }

    /// A relative time past i64's milliseconds is refused, not wrapped round (xcmd2 review).
    #[test]
    fn a_relative_time_too_far_back_is_refused() {
        let now = 1_756_684_800_000;
        assert!(parse_time_arg("9999999999999d", now).is_err());
        assert!(parse_time_arg("9223372036854775807s", now).is_err());
        assert_eq!(
            parse_time_arg("100000d", now).unwrap(),
            now - 100_000 * 86_400_000
        );
    }

    #[test]
    fn formats() {
        let z = 1_756_821_791_482;
        assert_eq!(parse_timestamp_ms("2025-09-02T14:03:11.482Z"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02T14:03:11.482+00:00"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02T22:03:11.482+08:00"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02T14:03:11.482000"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02 14:03:11.482"), Some(z));
        assert_eq!(parse_timestamp_ms("1756821791482"), Some(z));
        // Python logging and Powertools: milliseconds after a comma, offsets without a colon.
        assert_eq!(parse_timestamp_ms("2025-09-02 14:03:11,482"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02 14:03:11,482+0000"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02 10:03:11,482-0400"), Some(z));
        assert_eq!(parse_timestamp_ms("2025-09-02 14:03:11,"), None);
        assert_eq!(parse_timestamp_ms("not a time"), None);
        assert_eq!(timestamp_in_prefix("| 2025-09-02 14:03:11.482 | "), Some(z));
        assert_eq!(
            timestamp_in_prefix("2023/06/02/[72]88ab219a 2025-09-02T14:03:11.482000 "),
            Some(z)
        );
        // Python's `[%(asctime)s]`, a zone as a word of its own, and a date alone (a day, no
        // event's time).
        assert_eq!(timestamp_in_prefix("[2025-09-02 14:03:11,482] "), Some(z));
        assert_eq!(
            timestamp_in_prefix("2025-09-02 16:03:11,482 +02:00 INFO"),
            Some(z)
        );
        assert_eq!(
            timestamp_in_prefix("[2025-09-02 09:03:11,482 -0500] INFO"),
            Some(z)
        );
        assert_eq!(
            timestamp_in_prefix("2025-09-02 14:03:11.482 UTC x"),
            Some(z)
        );
        assert_eq!(timestamp_in_prefix("2025-09-02 REPORT"), None);
        assert_eq!(format_ms(z), "2025-09-02T14:03:11.482Z");
    }

    #[test]
    fn impossible_times_are_found() {
        let toks = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        for (line, shown) in [
            ("2026-02-30T10:00:00.000Z START", "2026-02-30T10:00:00.000Z"),
            ("2026-13-01 10:00:00.000 REPORT", "2026-13-01 10:00:00.000"),
            ("[2026-01-01 24:00:00,123] INFO", "2026-01-01 24:00:00,123"),
            ("| 2026/01/01 10:61:00 | x", "2026/01/01 10:61:00"),
            ("2025-02-29T00:00:00Z", "2025-02-29T00:00:00Z"),
            // Ninth-round ingestion review: offsets past ±23:59.
            (
                "2025-09-04T10:00:00.000+25:00 R",
                "2025-09-04T10:00:00.000+25:00",
            ),
            (
                "2025-09-04T10:00:00.000+02:60 R",
                "2025-09-04T10:00:00.000+02:60",
            ),
            (
                "2025-09-04T10:00:00.000-2400 R",
                "2025-09-04T10:00:00.000-2400",
            ),
        ] {
            assert_eq!(
                impossible_time_in(&toks(line)).as_deref(),
                Some(shown),
                "{line}"
            );
        }
        for line in [
            "2024-02-29T00:00:00Z leap day",
            "2026-06-30T23:59:60Z leap second",
            "6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33 INFO x",
            "hello 2026 world",
            "2026-02-03",
            "20260230 x",
            "2025-09-04T10:00:00.000+23:59 R",
            "2025-09-04T10:00:00.000-05:30 R",
        ] {
            assert_eq!(impossible_time_in(&toks(line)), None, "{line}");
        }
        // ISO 8601's whole-hour offset is read.
        assert_eq!(
            parse_timestamp_ms("2025-09-04T10:00:00.000+02"),
            parse_timestamp_ms("2025-09-04T08:00:00.000Z")
        );
        assert_eq!(
            parse_timestamp_ms("2025-09-04 10:00:00-03"),
            parse_timestamp_ms("2025-09-04T13:00:00Z")
        );
    }

    #[test]
    fn relative() {
        assert_eq!(
            parse_time_arg("90m", 10_000_000).unwrap(),
            10_000_000 - 5_400_000
        );
        assert_eq!(
            parse_time_arg("2h", 10_000_000).unwrap(),
            10_000_000 - 7_200_000
        );
        assert!(parse_time_arg("2 fortnights", 0).is_err());
        assert_eq!(parse_time_arg("2025-09-02", 0).unwrap(), 1_756_771_200_000);
    }
}
