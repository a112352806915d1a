//! One exact line shape, read in a single pass: a REPORT line as the Lambda platform writes it,
//! inside a CloudWatch export event,
//! `{"timestamp":N,"message":"REPORT RequestId: ID\tDuration: D ms\tBilled Duration: B ms\tMemory Size: M MB\tMax Memory Used: U MB\t[Init Duration: I ms\t]\n","logGroup":"G","logStream":"S"}`.
//!
//! About a third of the lines of a large export are this shape, and the general path (the export
//! line reader, unescaping the message, finding the platform keyword, splitting the REPORT into
//! tokens) costs several times what reading it in place does. This reader is written by hand
//! because no parser crate reads fixed text with escapes left in place without building values.
//! It only has to be right, not complete: whatever differs in any byte (another key order,
//! another field, a status, an X-Ray id, a restore, an escape other than the separators, a number
//! in another form) gives `None`, and the line takes the general path. Whenever it gives `Some`,
//! the general path reads the same values; a property test holds it to that.

/// The fields of a REPORT export line; borrowed from the line.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ExportReport<'a> {
    pub timestamp_ms: i64,
    pub log_group: &'a str,
    pub log_stream: &'a str,
    pub request_id: &'a str,
    pub duration_ms: f64,
    pub billed_duration_ms: f64,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    pub init_duration_ms: Option<f64>,
}

struct Reader<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn lit(&mut self, word: &[u8]) -> Option<()> {
        self.s.as_bytes()[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// Bytes while `ok` holds, at least one and at most `max`.
    fn span(&mut self, max: usize, ok: impl Fn(u8) -> bool) -> Option<&'a str> {
        let b = &self.s.as_bytes()[self.i..];
        let n = b.iter().take(max + 1).take_while(|&&c| ok(c)).count();
        if n == 0 || n > max {
            return None;
        }
        let out = &self.s[self.i..self.i + n];
        self.i += n;
        Some(out)
    }

    /// A plain decimal, `DIGITS[.DIGITS]`, as `str::parse::<f64>` reads it.
    /// A duration within [`platform_line::MAX_REPORT_VALUE`] (a larger one is left to the
    /// general path, which skips the line).
    fn decimal(&mut self) -> Option<f64> {
        let t = self.span(20, |c| c.is_ascii_digit() || c == b'.')?;
        decimal_value(t).filter(|&v| v <= crate::ingest::platform_line::MAX_REPORT_VALUE)
    }

    /// Digits only, as the REPORT's whole megabytes.
    fn megabytes(&mut self) -> Option<u32> {
        self.span(10, |c| c.is_ascii_digit())?
            .parse()
            .ok()
            .filter(|&mb: &u32| f64::from(mb) <= crate::ingest::platform_line::MAX_REPORT_VALUE)
    }

    /// A JSON string body with nothing to unescape and no control characters, then its quote.
    fn plain_string(&mut self) -> Option<&'a str> {
        let b = &self.s.as_bytes()[self.i..];
        let n = memchr::memchr2(b'"', b'\\', b)?;
        if b[n] != b'"' || has_control(&b[..n]) {
            return None;
        }
        let out = &self.s[self.i..self.i + n];
        self.i += n + 1;
        Some(out)
    }
}

/// Does `b` hold a control character (invalid inside a JSON string)? A branch-free fold the
/// compiler turns into SIMD, where `any()` would stop early per byte and stay scalar.
fn has_control(b: &[u8]) -> bool {
    b.iter().fold(0u8, |acc, &c| acc | u8::from(c < 0x20)) != 0
}

/// `DIGITS[.DIGITS]` (no sign, no exponent) as `str::parse::<f64>` reads it. With at most 15
/// digits the integer of all the digits is exact in an `f64`, as is the power of ten, and IEEE
/// division rounds their quotient correctly: the same value the correctly rounded parse gives.
/// Longer numbers are handed to that parse.
fn decimal_value(t: &str) -> Option<f64> {
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int.is_empty() || (t.contains('.') && frac.is_empty()) || frac.contains('.') {
        return None;
    }
    if int.len() + frac.len() > 15 {
        return t.parse().ok();
    }
    let mut n: u64 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        n = n * 10 + u64::from(c - b'0');
    }
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    Some(n as f64 / POW10[frac.len()])
}

/// `{"timestamp":N,"message":"`: the reader at the message's first byte, and N.
fn event_head(line: &str) -> Option<(Reader<'_>, i64)> {
    let mut r = Reader { s: line, i: 0 };
    r.lit(b"{\"timestamp\":")?;
    // A JSON integer: no leading zero; 18 digits at most, so it fits an i64.
    let ts = r.span(18, |c| c.is_ascii_digit())?;
    if ts.len() > 1 && ts.starts_with('0') {
        return None;
    }
    let timestamp_ms: i64 = ts.parse().ok()?;
    r.lit(b",\"message\":\"")?;
    Some((r, timestamp_ms))
}

/// The message's end, an optional escaped newline and its closing quote, then
/// `,"logGroup":"G","logStream":"S"}` to the end of the line: the group and the stream.
fn event_tail<'a>(r: &mut Reader<'a>) -> Option<(&'a str, &'a str)> {
    let _ = r.lit(b"\\n");
    r.lit(b"\"")?;
    r.lit(b",\"logGroup\":\"")?;
    let log_group = r.plain_string()?;
    r.lit(b",\"logStream\":\"")?;
    let log_stream = r.plain_string()?;
    r.lit(b"}")?;
    (r.i == r.s.len()).then_some((log_group, log_stream))
}

/// A START or END line as the platform writes it, inside an export event (what a query over
/// thin log records keeps of it: see `IngestOptions::thin_logs`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ExportStartEnd<'a> {
    pub timestamp_ms: i64,
    pub log_group: &'a str,
    pub log_stream: &'a str,
    /// `START` or `END`, as the general path names them.
    pub event_type: &'static str,
}

/// A platform line this module reads in place.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ExportPlatform<'a> {
    Report(ExportReport<'a>),
    StartEnd(ExportStartEnd<'a>),
}

/// Reads `line` (trimmed) as a REPORT ([`read`]) or a START or END ([`read_start_end`]),
/// reading the event's head once.
pub(super) fn read_platform(line: &str) -> Option<ExportPlatform<'_>> {
    let (r, timestamp_ms) = event_head(line)?;
    match r.s.as_bytes().get(r.i)? {
        b'R' => report_body(r, timestamp_ms).map(ExportPlatform::Report),
        b'S' | b'E' => start_end_body(r, timestamp_ms).map(ExportPlatform::StartEnd),
        _ => None,
    }
}

/// Reads `line` (trimmed) if it is an export event whose message is `START RequestId: ID…` or
/// `END RequestId: ID…`, with no escape in the message but a final `\n`; `None` otherwise.
/// The general path reads any such message as that platform line: the keyword starts it and
/// the request id (the first word after it) is there.
#[cfg(test)]
pub(super) fn read_start_end(line: &str) -> Option<ExportStartEnd<'_>> {
    let (r, timestamp_ms) = event_head(line)?;
    start_end_body(r, timestamp_ms)
}

fn start_end_body(mut r: Reader<'_>, timestamp_ms: i64) -> Option<ExportStartEnd<'_>> {
    let event_type = if r.lit(b"START RequestId: ").is_some() {
        "START"
    } else if r.lit(b"END RequestId: ").is_some() {
        "END"
    } else {
        return None;
    };
    // The request id's first byte: printable, not a space.
    if !r
        .s
        .as_bytes()
        .get(r.i)
        .is_some_and(|c| c.is_ascii_graphic() && *c != b'\\' && *c != b'"')
    {
        return None;
    }
    let rest = &r.s.as_bytes()[r.i..];
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    let body = &rest[..end];
    if has_control(body) {
        return None;
    }
    r.i += end;
    let (log_group, log_stream) = event_tail(&mut r)?;
    Some(ExportStartEnd {
        timestamp_ms,
        log_group,
        log_stream,
        event_type,
    })
}

/// Reads `line` (trimmed) if it is exactly the shape in the module docs; `None` otherwise.
#[cfg(test)]
pub(super) fn read(line: &str) -> Option<ExportReport<'_>> {
    let (r, timestamp_ms) = event_head(line)?;
    report_body(r, timestamp_ms)
}

fn report_body(mut r: Reader<'_>, timestamp_ms: i64) -> Option<ExportReport<'_>> {
    r.lit(b"REPORT RequestId: ")?;
    // One whitespace-free token of printable ASCII, with nothing to unescape.
    let request_id = r.span(128, |c| c.is_ascii_graphic() && c != b'\\' && c != b'"')?;
    r.lit(b"\\tDuration: ")?;
    let duration_ms = r.decimal()?;
    r.lit(b" ms\\tBilled Duration: ")?;
    let billed_duration_ms = r.decimal()?;
    r.lit(b" ms\\tMemory Size: ")?;
    let memory_size_mb = r
        .megabytes()
        .filter(|m| crate::ingest::platform_line::MEMORY_SIZE_MB.contains(m))?;
    r.lit(b" MB\\tMax Memory Used: ")?;
    let max_memory_used_mb = r.megabytes()?;
    r.lit(b" MB\\t")?;
    let init_duration_ms = if r.lit(b"Init Duration: ").is_some() {
        let v = r.decimal()?;
        r.lit(b" ms\\t")?;
        Some(v)
    } else {
        None
    };
    let (log_group, log_stream) = event_tail(&mut r)?;
    Some(ExportReport {
        timestamp_ms,
        log_group,
        log_stream,
        request_id,
        duration_ms,
        billed_duration_ms,
        memory_size_mb,
        max_memory_used_mb,
        init_duration_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::export_line;
    use crate::ingest::platform_line::{self, PlatformLine};
    use proptest::prelude::*;

    const LINE: &str = r#"{"timestamp":1756684800641,"message":"REPORT RequestId: 6d8507ed-bbd2-4f9e-aa40-7de388ec6cb7\tDuration: 196.97 ms\tBilled Duration: 197 ms\tMemory Size: 192 MB\tMax Memory Used: 108 MB\tInit Duration: 444.49 ms\t\n","logGroup":"/aws/lambda/fn-018","logStream":"2025/09/01/[$LATEST]d0a411d749c7f7aeb0a02fb724933df5"}"#;

    /// What the general path reads from the same line, in this reader's terms (`None` when it
    /// would read anything this reader does not return, such as a status or a restore).
    fn general(line: &str) -> Option<ExportReport<'_>> {
        let mut scratch = String::new();
        let e = export_line::scan(line, &mut scratch)?;
        let msg = e.message.map_or(scratch.clone(), str::to_string);
        let p = platform_line::parse(msg.trim_end_matches(['\n', '\r']))?;
        let PlatformLine::Report(f) = p.line else {
            return None;
        };
        if f.bad_field.is_some()
            || f.status.is_some()
            || f.error_type.is_some()
            || f.trace_id.is_some()
            || f.restore_duration_ms.is_some()
            || f.billed_restore_duration_ms.is_some()
        {
            return None;
        }
        // The request id is leaked only in tests, to compare borrowed values.
        let request_id: &str = Box::leak(f.request_id?.to_string().into_boxed_str());
        Some(ExportReport {
            timestamp_ms: e.timestamp_ms?,
            log_group: e.log_group?,
            log_stream: e.log_stream?,
            request_id,
            duration_ms: f.duration_ms?,
            billed_duration_ms: f.billed_duration_ms?,
            memory_size_mb: f.memory_size_mb?,
            max_memory_used_mb: f.max_memory_used_mb?,
            init_duration_ms: f.init_duration_ms,
        })
    }

    #[test]
    fn reads_the_platform_shape_cold_and_warm() {
        let r = read(LINE).expect("canonical line");
        assert_eq!(r.timestamp_ms, 1_756_684_800_641);
        assert_eq!(r.request_id, "6d8507ed-bbd2-4f9e-aa40-7de388ec6cb7");
        assert_eq!(r.duration_ms, 196.97);
        assert_eq!(r.billed_duration_ms, 197.0);
        assert_eq!(r.memory_size_mb, 192);
        assert_eq!(r.max_memory_used_mb, 108);
        assert_eq!(r.init_duration_ms, Some(444.49));
        assert_eq!(r.log_group, "/aws/lambda/fn-018");
        assert_eq!(Some(r), general(LINE));
        let warm = LINE.replace(r"Init Duration: 444.49 ms\t", "");
        let w = read(&warm).expect("warm line");
        assert_eq!(w.init_duration_ms, None);
        assert_eq!(Some(w), general(&warm));
        let no_newline = LINE.replace(r"\t\n", r"\t");
        assert_eq!(read(&no_newline), general(&no_newline));
    }

    #[test]
    fn declines_every_other_variant() {
        for (from, to) in [
            (r"ms\t\n", r"ms\tStatus: timeout\t\n"),
            (
                r"ms\t\n",
                r"ms\tXRAY TraceId: 1-2-3\tSegmentId: 4\tSampled: true\t\n",
            ),
            (r"Init Duration", r"Restore Duration"),
            (r"\tDuration", r"  Duration"),
            (r"\tDuration", r"\\tDuration"),
            ("1756684800641", "1756684800641.5"),
            ("1756684800641", "-1756684800641"),
            ("1756684800641", "01756684800641"),
            ("196.97", "1.9697e2"),
            ("196.97", "196."),
            ("196.97", ".97"),
            ("192 MB", "192.5 MB"),
            ("fn-018", r"fn-\u0030"),
            (r#""logGroup""#, r#""logGroup" "#),
            (
                r#"d0a411d749c7f7aeb0a02fb724933df5"}"#,
                r#"d0a411d749c7f7aeb0a02fb724933df5","x":1}"#,
            ),
            ("6d8507ed", "6d8507ed\u{a0}x"),
        ] {
            let line = LINE.replace(from, to);
            assert_ne!(line, LINE);
            assert_eq!(read(&line), None, "{from} -> {to}");
        }
    }

    const START: &str = r#"{"timestamp":1756684800444,"message":"START RequestId: 6d8507ed-bbd2-4f9e-aa40-7de388ec6cb7 Version: $LATEST\n","logGroup":"/aws/lambda/fn-018","logStream":"2025/09/01/[$LATEST]d0a411d749c7f7aeb0a02fb724933df5"}"#;

    /// The general path's reading of a START or END line, in this reader's terms.
    fn general_start_end(line: &str) -> Option<ExportStartEnd<'_>> {
        let mut scratch = String::new();
        let e = export_line::scan(line, &mut scratch)?;
        let msg = e.message.map_or(scratch.clone(), str::to_string);
        let p = platform_line::parse(msg.trim_end_matches(['\n', '\r']))?;
        let event_type = match p.line {
            PlatformLine::Start { .. } => "START",
            PlatformLine::End { .. } => "END",
            _ => return None,
        };
        Some(ExportStartEnd {
            timestamp_ms: e.timestamp_ms?,
            log_group: e.log_group?,
            log_stream: e.log_stream?,
            event_type,
        })
    }

    #[test]
    fn reads_start_and_end_lines() {
        let s = read_start_end(START).expect("START line");
        assert_eq!(s.event_type, "START");
        assert_eq!(s.timestamp_ms, 1_756_684_800_444);
        assert_eq!(s.log_group, "/aws/lambda/fn-018");
        assert_eq!(Some(s), general_start_end(START));
        let end = START
            .replace(" Version: $LATEST", "")
            .replace("START", "END");
        let e = read_start_end(&end).expect("END line");
        assert_eq!(e.event_type, "END");
        assert_eq!(Some(e), general_start_end(&end));
        assert_eq!(
            read_platform(START),
            Some(ExportPlatform::StartEnd(general_start_end(START).unwrap()))
        );
        assert!(matches!(
            read_platform(LINE),
            Some(ExportPlatform::Report(_))
        ));
        for (from, to) in [
            ("RequestId: 6d85", "RequestId:  6d85"),
            ("RequestId: 6d85", r"RequestId: \t6d85"),
            ("$LATEST", r#"\"x\""#),
            (r"\n", r"\n\n"),
            ("START", "STARTED"),
            ("START", " START"),
        ] {
            let line = START.replace(from, to);
            assert_eq!(read_start_end(&line), None, "{from} -> {to}");
        }
    }

    #[test]
    fn decimals_read_as_the_standard_parse() {
        for t in [
            "0",
            "0.1",
            "196.97",
            "1015.39",
            "123456789012345",
            "1234567890.12345",
        ] {
            assert_eq!(decimal_value(t), t.parse().ok(), "{t}");
        }
        for t in ["", ".", "1.", ".5", "1.2.3"] {
            assert_eq!(decimal_value(t), None, "{t}");
        }
        // Longer than 15 digits: handed to the standard parse.
        let long = "12345678901234567.8901";
        assert_eq!(decimal_value(long), long.parse().ok());
    }

    proptest! {
        #[test]
        fn decimals_agree(int in "[0-9]{1,12}", frac in proptest::option::of("[0-9]{1,8}")) {
            let t = match &frac { Some(f) => format!("{int}.{f}"), None => int.clone() };
            prop_assert_eq!(decimal_value(&t), t.parse::<f64>().ok());
        }

        #[test]
        fn agrees_with_the_general_path(
            ts in 0i64..4_000_000_000_000,
            id in "[0-9a-f-]{1,40}",
            d in "[0-9]{1,6}(\\.[0-9]{1,3})?",
            b in "[0-9]{1,6}",
            m in 1u32..=10_240,
            u in "[0-9]{1,5}",
            init in proptest::option::of("[0-9]{1,5}\\.[0-9]{2}"),
            newline in any::<bool>(),
            group in "[ -!#-\\[\\]-~]{0,30}",
        ) {
            let init = init.map(|i| format!(r"Init Duration: {i} ms\t")).unwrap_or_default();
            let nl = if newline { r"\n" } else { "" };
            let line = format!(
                r#"{{"timestamp":{ts},"message":"REPORT RequestId: {id}\tDuration: {d} ms\tBilled Duration: {b} ms\tMemory Size: {m} MB\tMax Memory Used: {u} MB\t{init}{nl}","logGroup":"{group}","logStream":"s"}}"#
            );
            let fast = read(&line);
            prop_assert!(fast.is_some(), "{}", line);
            prop_assert_eq!(fast, general(&line));
        }

        /// Any byte of a REPORT or a START line changed anywhere: these readers either decline
        /// or read what the general path reads (an END comes of mutating START's keyword).
        #[test]
        fn mutations_never_disagree(start in any::<bool>(), at in 0usize..LINE.len(), byte in 0x20u8..0x7f) {
            let base = if start { START } else { LINE };
            let mut b = base.as_bytes().to_vec();
            let at = at % b.len();
            b[at] = byte;
            let line = String::from_utf8(b).expect("ASCII");
            match read_platform(&line) {
                Some(ExportPlatform::Report(fast)) => {
                    prop_assert_eq!(Some(fast), general(&line), "{}", line);
                }
                Some(ExportPlatform::StartEnd(fast)) => {
                    prop_assert_eq!(Some(fast), general_start_end(&line), "{}", line);
                }
                None => {}
            }
        }

        #[test]
        fn start_end_agree_with_the_general_path(
            ts in 0i64..4_000_000_000_000,
            end in any::<bool>(),
            rest in "[!#-\\[\\]-~][ -!#-\\[\\]-~]{0,60}",
            newline in any::<bool>(),
            group in "[ -!#-\\[\\]-~]{0,30}",
        ) {
            let kw = if end { "END" } else { "START" };
            let nl = if newline { r"\n" } else { "" };
            let line = format!(
                r#"{{"timestamp":{ts},"message":"{kw} RequestId: {rest}{nl}","logGroup":"{group}","logStream":"s"}}"#
            );
            let fast = read_start_end(&line);
            prop_assert!(fast.is_some(), "{}", line);
            prop_assert_eq!(fast, general_start_end(&line));
        }

        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = read(&s);
            let _ = read_platform(&s);
        }
    }
}
