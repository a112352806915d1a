//! A fast reader for the one line shape that dominates large inputs: a CloudWatch log event as a
//! line of an NDJSON export, `{"timestamp":N,"message":"…","logGroup":"…","logStream":"…"}`.
//!
//! Written by hand rather than with serde because it is the hot loop of `report` over
//! gigabyte exports: it borrows the group and stream, unescapes the message into a reused
//! buffer, and allocates nothing. It only has to be right, not complete: whatever it does not
//! recognise (nested values, escaped keys, fractional or string timestamps, duplicate keys,
//! anything serde_json would reject) gives `None`, and the caller parses the line with
//! serde_json as before. A property test holds it to serde_json's answers.

/// The fields of one event line. `message` is `None` when it had escapes and was unescaped into
/// the caller's scratch buffer.
#[derive(Debug, PartialEq)]
pub(super) struct ExportLine<'a> {
    pub timestamp_ms: Option<i64>,
    pub message: Option<&'a str>,
    pub log_group: Option<&'a str>,
    pub log_stream: Option<&'a str>,
}

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string after its opening quote: the raw text between the quotes and whether it holds
    /// escapes. Control characters (invalid in JSON strings) give `None`.
    fn raw_string(&mut self) -> Option<(&'a str, bool)> {
        let start = self.i;
        let mut escaped = false;
        loop {
            let k = memchr::memchr2(b'"', b'\\', &self.b[self.i..])?;
            let at = self.i + k;
            if self.b[at] == b'"' {
                let raw = &self.s[start..at];
                if has_control(raw.as_bytes()) {
                    return None;
                }
                self.i = at + 1;
                return Some((raw, escaped));
            }
            escaped = true;
            // Skip the escaped character (validated when unescaping).
            self.i = at + 2;
            if self.i > self.b.len() {
                return None;
            }
        }
    }

    /// A JSON number (strictly per the grammar); returns its text.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.i;
        let b = self.b;
        let digits = |i: &mut usize| {
            let s = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            *i > s
        };
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                return None;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                return None;
            }
        }
        self.i = i;
        Some(&self.s[start..i])
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.b[self.i..]
            .starts_with(word.as_bytes())
            .then(|| self.i += word.len())
    }
}

/// Does `b` hold a control character (invalid inside a JSON string)? A branch-free fold the
/// compiler turns into SIMD: `any()` stops early per byte and stays scalar, and this check runs
/// over every message of a gigabyte export.
fn has_control(b: &[u8]) -> bool {
    b.iter().fold(0u8, |acc, &c| acc | u8::from(c < 0x20)) != 0
}

enum Val<'a> {
    Str(&'a str, bool),
    Num(&'a str),
    Null,
    Other,
}

fn unescape(raw: &str, out: &mut String) -> Option<()> {
    out.clear();
    out.reserve(raw.len());
    let mut rest = raw;
    while let Some(k) = rest.find('\\') {
        out.push_str(&rest[..k]);
        let b = rest.as_bytes();
        let c = *b.get(k + 1)?;
        if !c.is_ascii() {
            // Not an escape (and `k + 2` would cut the character): serde_json says why.
            return None;
        }
        rest = &rest[k + 2..];
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hex = |s: &str| -> Option<u32> {
                    let h = s.get(..4)?;
                    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    u32::from_str_radix(h, 16).ok()
                };
                let hi = hex(rest)?;
                rest = &rest[4..];
                let code = if (0xD800..0xDC00).contains(&hi) {
                    let low = rest.strip_prefix("\\u").and_then(hex)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    rest = &rest[6..];
                    0x10000 + ((hi - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..0xE000).contains(&hi) {
                    return None;
                } else {
                    hi
                };
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    out.push_str(rest);
    Some(())
}

/// Reads `line` (trimmed, starting with `{`) as an export event; `None` sends it to serde_json.
pub(super) fn scan<'a>(line: &'a str, scratch: &mut String) -> Option<ExportLine<'a>> {
    let mut c = Cursor {
        s: line,
        b: line.as_bytes(),
        i: 0,
    };
    c.eat(b'{')?;
    let mut timestamp: Option<Val<'a>> = None;
    let mut message: Option<Val<'a>> = None;
    let mut group: Option<Val<'a>> = None;
    let mut stream: Option<Val<'a>> = None;
    let mut foreign = false;
    c.ws();
    if c.b.get(c.i) == Some(&b'}') {
        return None;
    }
    loop {
        c.eat(b'"')?;
        let (key, key_escaped) = c.raw_string()?;
        if key_escaped {
            return None;
        }
        c.eat(b':')?;
        c.ws();
        let val = match c.b.get(c.i)? {
            b'"' => {
                c.i += 1;
                let (raw, esc) = c.raw_string()?;
                Val::Str(raw, esc)
            }
            b'-' | b'0'..=b'9' => Val::Num(c.number()?),
            b'n' => {
                c.literal("null")?;
                Val::Null
            }
            b't' => {
                c.literal("true")?;
                Val::Other
            }
            b'f' => {
                c.literal("false")?;
                Val::Other
            }
            _ => return None,
        };
        let slot = match key {
            "timestamp" => Some(&mut timestamp),
            "message" => Some(&mut message),
            "logGroup" => Some(&mut group),
            "logStream" | "logStreamName" => Some(&mut stream),
            other => {
                foreign |= !super::collect::EVENT_KEYS.contains(&other);
                None
            }
        };
        if let Some(slot) = slot {
            if slot.is_some() {
                // serde rejects duplicate fields; let it say so.
                return None;
            }
            *slot = Some(val);
        }
        c.ws();
        match c.b.get(c.i)? {
            b',' => {
                c.i += 1;
                c.ws();
            }
            b'}' => {
                c.i += 1;
                break;
            }
            _ => return None,
        }
    }
    c.ws();
    if c.i != c.b.len() {
        return None;
    }
    let text = |v: Option<Val<'a>>| -> Option<Option<&'a str>> {
        match v {
            None | Some(Val::Null) => Some(None),
            Some(Val::Str(s, false)) => Some(Some(s)),
            _ => None,
        }
    };
    let log_group = text(group)?;
    let log_stream = text(stream)?;
    let timestamp_ms = match timestamp {
        None | Some(Val::Null) => None,
        // `-0` is a float to serde_json (the slow path), not the integer 0: left to it.
        Some(Val::Num(n)) if !n.contains(['.', 'e', 'E']) && n != "-0" => {
            Some(n.parse::<i64>().ok()?)
        }
        _ => return None,
    };
    let has_timestamp = timestamp_ms.is_some();
    let message = match message {
        Some(Val::Str(s, false)) => Some(s),
        Some(Val::Str(s, true)) => {
            unescape(s, scratch)?;
            None
        }
        _ => return None,
    };
    if log_group.is_none() && log_stream.is_none() && (!has_timestamp || foreign) {
        // Not an event, or an application's JSON log line with `timestamp` and `message` keys
        // of its own (see `collect::is_event_object`).
        return None;
    }
    Some(ExportLine {
        timestamp_ms,
        message,
        log_group,
        log_stream,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    #[test]
    fn control_characters_are_found_anywhere() {
        assert!(!has_control(b""));
        assert!(!has_control(
            "plain text, tabs escaped \\t, é and ✓".as_bytes()
        ));
        for at in [0, 1, 15, 16, 31, 32, 63, 100] {
            let mut b = vec![b'a'; 101];
            b[at] = b'\t';
            assert!(has_control(&b), "{at}");
            b[at] = 0x1f;
            assert!(has_control(&b), "{at}");
            b[at] = 0x20;
            assert!(!has_control(&b), "{at}");
        }
        let mut scratch = String::new();
        assert!(scan("{\"timestamp\":1,\"message\":\"a\tb\"}", &mut scratch).is_none());
    }

    #[test]
    fn negative_zero_timestamp_is_left_to_the_slow_path() {
        // Found by the property test below: serde_json reads `-0` as a float.
        let mut scratch = String::new();
        assert!(scan("{\"message\":\"\",\"timestamp\":-0}", &mut scratch).is_none());
        agrees("{\"message\":\"\",\"timestamp\":-0}").unwrap();
    }

    /// When `scan` answers, it must agree with serde_json reading the line as the slow path does.
    fn agrees(line: &str) -> Result<(), TestCaseError> {
        let mut scratch = String::new();
        let Some(fast) = scan(line, &mut scratch) else {
            return Ok(());
        };
        // The slow path reads the line as a `Value` when it has keys beyond CloudWatch's own.
        let r: Value = serde_json::from_str(line)
            .map_err(|e| TestCaseError::fail(format!("scan accepted what serde rejects: {e}")))?;
        let text = |k: &str| r.get(k).and_then(Value::as_str);
        let msg = fast.message.unwrap_or(scratch.as_str());
        prop_assert_eq!(Some(msg), text("message"));
        prop_assert_eq!(fast.log_group, text("logGroup"));
        prop_assert_eq!(fast.log_stream, text("logStream").or(text("logStreamName")));
        prop_assert_eq!(
            fast.timestamp_ms,
            r.get("timestamp").and_then(Value::as_i64)
        );
        Ok(())
    }

    #[test]
    fn reads_the_export_shape() {
        let line = r#"{"timestamp":1756684800641,"message":"REPORT RequestId: 6d85\tDuration: 196.97 ms\t\n","logGroup":"/aws/lambda/fn-018","logStream":"2025/09/01/[$LATEST]d0a4"}"#;
        let mut s = String::new();
        let e = scan(line, &mut s).unwrap();
        assert_eq!(e.timestamp_ms, Some(1_756_684_800_641));
        assert_eq!(e.message, None);
        assert_eq!(s, "REPORT RequestId: 6d85\tDuration: 196.97 ms\t\n");
        assert_eq!(e.log_group, Some("/aws/lambda/fn-018"));
        assert_eq!(e.log_stream, Some("2025/09/01/[$LATEST]d0a4"));
        agrees(line).unwrap();
    }

    #[test]
    fn plain_message_is_borrowed_and_extra_keys_ignored() {
        let line = r#"{ "id" : "1", "timestamp" : 5 , "message" : "hi", "ingestionTime": 6, "logStream": "s", "x": true, "y": null }"#;
        let mut s = String::new();
        let e = scan(line, &mut s).unwrap();
        assert_eq!(e.message, Some("hi"));
        assert_eq!(e.timestamp_ms, Some(5));
        agrees(line).unwrap();
        // CloudWatch's own keys alone make an event too.
        let line = r#"{"eventId":"1","timestamp":5,"message":"hi","ingestionTime":6}"#;
        assert_eq!(scan(line, &mut s).unwrap().message, Some("hi"));
    }

    #[test]
    fn an_application_json_line_is_no_event() {
        // Lambda's JSON log format and Powertools write `timestamp` and `message` keys too; with
        // keys of their own and no stream or group, such a line is the application's record.
        let line = r#"{"timestamp":5,"level":"INFO","message":"hi","requestId":"r1"}"#;
        assert_eq!(scan(line, &mut String::new()), None);
    }

    #[test]
    fn declines_what_it_does_not_handle() {
        let mut s = String::new();
        for line in [
            r#"{"timestamp":1.5,"message":"m"}"#,
            r#"{"timestamp":"2025-01-01T00:00:00Z","message":"m"}"#,
            r#"{"message":"m"}"#,
            r#"{"timestamp":1,"message":{"type":"platform.report"}}"#,
            r#"{"timestamp":1,"message":"m","message":"n"}"#,
            r#"{"timestamp":1,"message":"m","x":[1]}"#,
            r#"{"timestamp":1,"message":"bad \q escape"}"#,
            r#"{"timestamp":1,"message":"m"} trailing"#,
            r#"{"timestamp":01,"message":"m"}"#,
            r#"{"timestamp":1,"message":"m","logGroup":"\/aws"}"#,
            "{\"timestamp\":1,\"message\":\"tab\tinside\"}",
            r#"{"timestamp":1,"message":"\ud800"}"#,
            r#"{"timestamp":1,"message":"m""#,
            r#"{}"#,
        ] {
            assert_eq!(scan(line, &mut s), None, "{line}");
        }
    }

    #[test]
    fn a_backslash_before_a_wide_character_is_declined() {
        let mut scratch = String::new();
        for line in [
            r#"{"timestamp":1,"message":"a\é","logGroup":"g"}"#,
            r#"{"timestamp":1,"message":"\€ 5","logGroup":"g"}"#,
        ] {
            assert_eq!(scan(line, &mut scratch), None, "{line}");
            agrees(line).unwrap();
        }
    }

    #[test]
    fn unescapes_unicode_and_pairs() {
        let line = r#"{"timestamp":1,"message":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/"}"#;
        let mut s = String::new();
        assert_eq!(scan(line, &mut s).unwrap().message, None);
        assert_eq!(s, "café 😀 \"q\" \\ /");
        agrees(line).unwrap();
    }

    fn json_string() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 :./\\[\\]$-]{0,20}",
            "(\\\\[nt\"\\\\/]|\\\\u00[0-7][0-9a-f]|[a-z ]){0,12}",
            any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()[1..]
                .trim_end_matches('"')
                .to_string()),
        ]
    }

    fn json_value() -> impl Strategy<Value = String> {
        prop_oneof![
            json_string().prop_map(|s| format!("\"{s}\"")),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|f| f.to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("[1,2]".to_string()),
            "[-+0-9.eE]{1,6}",
        ]
    }

    proptest! {
        #[test]
        fn agrees_with_serde_on_event_like_lines(
            fields in proptest::collection::vec(
                (prop_oneof![
                    Just("timestamp".to_string()),
                    Just("message".to_string()),
                    Just("logGroup".to_string()),
                    Just("logStream".to_string()),
                    Just("logStreamName".to_string()),
                    "[a-z]{1,8}",
                ], json_value()),
                0..6,
            ),
            ws in "[ \t]{0,2}",
        ) {
            let body: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{ws}\"{k}\"{ws}:{ws}{v}"))
                .collect();
            let line = format!("{{{}{ws}}}", body.join(","));
            agrees(&line)?;
        }

        #[test]
        fn never_panics(s in "\\{.{0,80}") {
            let mut scratch = String::new();
            let _ = scan(&s, &mut scratch);
        }

        /// Escapes are where byte offsets could cut a character.
        #[test]
        fn backslashes_among_wide_characters_never_panic(m in "[a\\\\é€😀\"u0-9]{0,24}") {
            let mut scratch = String::new();
            let line = format!(r#"{{"timestamp":1,"message":"{m}","logGroup":"g"}}"#);
            let _ = scan(&line, &mut scratch);
            agrees(&line)?;
        }
    }
}
