//! Python literal reprs of Telemetry/Logs API batches (`[{'time': '…', 'type': 'platform.report',
//! 'record': {…}}]`), as extension samples print them with `print(batch)`.
//!
//! A small recursive-descent reader of Python literals (dicts, lists, tuples, strings, numbers,
//! True/False/None) into JSON values. Hand-written because no maintained crate reads Python
//! literals, and the grammar needed is a dozen lines.

use serde_json::{Map, Number, Value};

/// Parses a whole Python literal; `None` if the text is not one (or is plain JSON, which the
/// caller handles first).
pub fn parse(text: &str) -> Option<Value> {
    let t = text.trim();
    // Cheap gate: only dict/list reprs that use single-quoted keys.
    if !(t.starts_with("{'") || t.starts_with("[{'") || t.starts_with("[ {'")) {
        return None;
    }
    let mut p = Parser {
        s: t.as_bytes(),
        i: 0,
        depth: 0,
    };
    let v = p.value()?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: u32,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.ws();
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let v = match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut m = Map::new();
                if !self.eat(b'}') {
                    loop {
                        let k = match self.value()? {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        if !self.eat(b':') {
                            return None;
                        }
                        let v = self.value()?;
                        m.insert(k, v);
                        if self.eat(b',') {
                            if self.eat(b'}') {
                                break;
                            }
                            continue;
                        }
                        if self.eat(b'}') {
                            break;
                        }
                        return None;
                    }
                }
                Value::Object(m)
            }
            open @ (b'[' | b'(') => {
                let close = if open == b'[' { b']' } else { b')' };
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(close) {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b',') {
                            if self.eat(close) {
                                break;
                            }
                            continue;
                        }
                        if self.eat(close) {
                            break;
                        }
                        return None;
                    }
                }
                Value::Array(items)
            }
            q @ (b'\'' | b'"') => Value::String(self.string(q)?),
            _ => self.atom()?,
        };
        self.depth -= 1;
        Some(v)
    }

    fn string(&mut self, q: u8) -> Option<String> {
        self.i += 1;
        let mut out = Vec::new();
        while let Some(&b) = self.s.get(self.i) {
            self.i += 1;
            match b {
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'x' => {
                            let h = std::str::from_utf8(self.s.get(self.i..self.i + 2)?).ok()?;
                            let c = char::from_u32(u32::from_str_radix(h, 16).ok()?)?;
                            self.i += 2;
                            out.extend_from_slice(c.to_string().as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                _ if b == q => return String::from_utf8(out).ok(),
                _ => out.push(b),
            }
        }
        None
    }

    fn atom(&mut self) -> Option<Value> {
        let start = self.i;
        while self.i < self.s.len()
            && !matches!(self.s[self.i], b',' | b':' | b'}' | b']' | b')')
            && !self.s[self.i].is_ascii_whitespace()
        {
            self.i += 1;
        }
        let w = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(match w {
            "True" => Value::Bool(true),
            "False" => Value::Bool(false),
            "None" => Value::Null,
            _ => {
                if let Ok(n) = w.parse::<i64>() {
                    Value::Number(n.into())
                } else {
                    Value::Number(Number::from_f64(w.parse::<f64>().ok()?)?)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telemetry_batch_repr() {
        let v = parse("[{'time': '2022-10-12T00:03:50.000Z', 'type': 'platform.report', 'record': {'requestId': 'abc', 'metrics': {'durationMs': 1.5, 'billedDurationMs': 2, 'memorySizeMB': 128, 'maxMemoryUsedMB': 30}, 'status': 'success', 'ok': True, 'x': None}}]").unwrap();
        assert_eq!(v[0]["record"]["metrics"]["billedDurationMs"], 2);
        assert_eq!(v[0]["record"]["ok"], true);
        assert_eq!(v[0]["record"]["x"], Value::Null);
        assert_eq!(v[0]["type"], "platform.report");
    }

    #[test]
    fn rejects_non_literals() {
        assert!(parse("{\"a\": 1}").is_none());
        assert!(parse("{'a': 1").is_none());
        assert!(parse("hello").is_none());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "[\\[{'a-z0-9:, \\]}\\\\\"]{0,80}") {
            let _ = parse(&format!("{{'{s}"));
        }
    }
}
