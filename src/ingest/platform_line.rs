//! Pure parser for the lines the Lambda platform writes in the text log format:
//! `START`, `END`, `REPORT`, `INIT_START`, `INIT_REPORT`, `RESTORE_START`, `RESTORE_REPORT`,
//! `EXTENSION`, the `XRAY TraceId` continuation, `Task timed out after N seconds` and
//! `Process exited before completing request`.
//!
//! Written by hand rather than with a regex: REPORT fields come separated by tabs, runs of spaces,
//! single spaces (consoles, markdown tables) with trailing separators and in any order (local
//! emulators print `Init Duration` first), so the parser walks whitespace tokens and matches the
//! field labels, which is both simpler to get right for every variant and several times faster.

/// A recognised platform line. Borrowed from the input.
#[derive(Debug, Clone, PartialEq)]
pub enum PlatformLine<'a> {
    Start {
        request_id: &'a str,
        version: Option<&'a str>,
    },
    End {
        request_id: &'a str,
    },
    Report(ReportFields<'a>),
    InitStart {
        runtime_version: Option<&'a str>,
    },
    InitReport {
        init_duration_ms: Option<f64>,
        phase: Option<&'a str>,
        status: Option<&'a str>,
        error_type: Option<&'a str>,
    },
    RestoreStart {
        runtime_version: Option<&'a str>,
    },
    RestoreReport {
        restore_duration_ms: Option<f64>,
        status: Option<&'a str>,
        error_type: Option<&'a str>,
    },
    Extension {
        name: Option<&'a str>,
        state: Option<&'a str>,
    },
    /// `XRAY TraceId: … SegmentId: … Sampled: …` on its own line (how the docs print it).
    Xray {
        trace_id: &'a str,
        segment_id: Option<&'a str>,
        sampled: Option<bool>,
    },
    TaskTimedOut {
        request_id: Option<&'a str>,
        after_seconds: Option<f64>,
    },
    ProcessExited {
        request_id: Option<&'a str>,
    },
}

impl PlatformLine<'_> {
    /// The word used as `event_type` in the logs table.
    pub fn event_type(&self) -> &'static str {
        match self {
            PlatformLine::Start { .. } => "START",
            PlatformLine::End { .. } => "END",
            PlatformLine::Report(_) => "REPORT",
            PlatformLine::InitStart { .. } => "INIT_START",
            PlatformLine::InitReport { .. } => "INIT_REPORT",
            PlatformLine::RestoreStart { .. } => "RESTORE_START",
            PlatformLine::RestoreReport { .. } => "RESTORE_REPORT",
            PlatformLine::Extension { .. } => "EXTENSION",
            PlatformLine::Xray { .. } => "XRAY",
            PlatformLine::TaskTimedOut { .. } => "TIMEOUT",
            PlatformLine::ProcessExited { .. } => "PROCESS_EXITED",
        }
    }

    /// The request id the line names, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            PlatformLine::Start { request_id, .. } | PlatformLine::End { request_id } => {
                Some(request_id)
            }
            PlatformLine::Report(r) => r.request_id,
            PlatformLine::TaskTimedOut { request_id, .. }
            | PlatformLine::ProcessExited { request_id } => *request_id,
            _ => None,
        }
    }
}

/// The fields of one REPORT line; every field optional so the caller decides what is required.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportFields<'a> {
    pub request_id: Option<&'a str>,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<f64>,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<f64>,
    pub status: Option<&'a str>,
    pub error_type: Option<&'a str>,
    pub trace_id: Option<&'a str>,
    pub segment_id: Option<&'a str>,
    pub sampled: Option<bool>,
    /// A field label was followed by something that is not a number (`Duration: abc ms`), or by a
    /// negative one or one out of range (`Memory Size: 99999999999 MB`).
    pub bad_field: Option<&'static str>,
    /// The text after that label (`None` when the line ends there).
    pub bad_value: Option<&'a str>,
    /// A field label that appears twice (`Duration: 10.00 ms … Duration: 99.00 ms`): the line
    /// is corrupt, whichever value were taken.
    pub repeated_field: Option<&'static str>,
    /// The flagged value was a number in another unit than the field's (`Duration: 10.00 s`);
    /// `bad_value` then holds the number and its unit.
    pub bad_unit: bool,
    /// The flagged value was a number without its unit (`Max Memory Used: 8` at the end of a
    /// line cut short); `bad_value` then holds the number.
    pub missing_unit: bool,
    /// The line ends inside a field's label (`…\tInit Dur`): cut short.
    pub cut_label: Option<&'a str>,
}

impl<'a> ReportFields<'a> {
    /// Marks `label` as the field that holds no number in range (the first one found wins).
    pub fn flag(&mut self, label: &'static str, value: Option<&'a str>) {
        if self.bad_field.is_none() {
            self.bad_field = Some(label);
            self.bad_value = value;
        }
    }
}

/// What a skip of a REPORT whose `label` field held `value` says beside its reason: the value
/// and what the field accepts.
/// A field's value as a skip's reason quotes it: up to 40 characters, as other reasons quote
/// a value (robust2 review: a million-digit Duration was written whole into stderr and the
/// JSON).
pub fn clipped(v: &str) -> String {
    let mut q: String = v.chars().take(40).collect();
    if q.len() < v.len() {
        q.push('…');
    }
    q
}

pub fn bad_field_detail(label: &str, value: Option<&str>) -> String {
    let value = value.map_or("nothing".to_string(), |v| format!("`{}`", clipped(v)));
    let accepts = if label == "@memorySize" {
        // Logs Insights gives memory in bytes (MB × 10^6).
        format!(
            "bytes (MB × 10^6) of a whole number of MB from {} to {} (Lambda's largest size)",
            MEMORY_SIZE_MB.start(),
            MEMORY_SIZE_MB.end()
        )
    } else if label == "@maxMemoryUsed" {
        "bytes (MB × 10^6) from 0 to 10^15".to_string()
    } else if label.contains("Memory Size") || label.contains("memorySize") {
        format!(
            "a whole number of MB from {} to {} (Lambda's largest size)",
            MEMORY_SIZE_MB.start(),
            MEMORY_SIZE_MB.end()
        )
    } else if label.contains("Memory") {
        "a whole number of MB from 0 to 10^9".to_string()
    } else {
        "a number of ms from 0 to 10^9".to_string()
    };
    format!(
        "{label} is {value}; it takes {accepts}: the line is corrupt (the other lines are read)"
    )
}

/// A parsed line: the prefix before the platform keyword (a timestamp, a log-stream name, a
/// console's decoration) and what the line says.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    pub prefix: &'a str,
    pub line: PlatformLine<'a>,
}

/// How many of [`KEYWORDS`], from the first, start an event of their own: one of them after a
/// platform line's own, on the same line, is a second event run into the first (a lost line
/// break), never part of it (`XRAY TraceId:` is: it continues a REPORT).
const EVENT_KEYWORDS: usize = 9;

/// Where a second platform event starts in `line` (two events run together on one line, their
/// line break lost: `REPORT RequestId: a … REPORT RequestId: b …`), when the line is a platform
/// line whose own keyword starts an event and another such keyword follows it after white
/// space. The caller reads the two parts as two events.
pub fn joined_event_at(line: &str) -> Option<usize> {
    let (pos, kw) = find_keyword(line)?;
    let prefix = &line[..pos];
    // A platform line as `parse` takes one: its keyword after a short prefix.
    // (An X-Ray line, which continues a REPORT, can have the next event run into it too:
    // ninth-round query review, the REPORT after it was lost.)
    if !(KEYWORDS[..EVENT_KEYWORDS].contains(&kw) || kw == "XRAY TraceId:")
        || !is_decoration(prefix)
    {
        return None;
    }
    let from = pos + kw.len();
    let rest = &line[from..];
    // A keyword glued to what precedes it is no event (`xREPORT`), unless that is how the line
    // before it ends: an END's request id, a REPORT's last unit, a START's version (a lost line
    // break where the runtime or a renderer wrote no trailing tab: `END RequestId: r1REPORT
    // RequestId: r1 …`; tenth-round dashboard review: that REPORT was lost without a word).
    let line_end = |before: &str| {
        before.ends_with(|c: char| c.is_whitespace())
            || before.ends_with(" ms")
            || before.ends_with(" MB")
            || before.ends_with("$LATEST")
            || before.ends_with("Sampled: true")
            || before.ends_with("Sampled: false")
            || (kw == "END RequestId:" && !before.trim_start().contains(char::is_whitespace))
    };
    keyword_scanner()
        .find_iter(rest)
        .find(|m| m.pattern().as_usize() < EVENT_KEYWORDS && line_end(&rest[..m.start()]))
        .map(|m| from + m.start())
}

/// Where an `END RequestId: <id>` run into the end of an application line starts (a lost line
/// break: Python's uncaught-error output ends without one, so a console copy shows
/// `…strict_mode=validate)END RequestId: <id>`; logs2 review: the END was lost, or the
/// traceback line read as the END). Only an END that ends the line, its request id a UUID as
/// Lambda writes it, glued to text that is not a platform line and holds no other END (not
/// after a quote: a message quoting an END, `The message is "END RequestId: …`).
pub fn glued_end_at(line: &str) -> Option<usize> {
    const END: &str = "END RequestId: ";
    let at = line.rfind(END)?;
    let (text, end) = line.split_at(at);
    let id = end[END.len()..].trim_end();
    let glued = text
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace() && !matches!(c, '|' | '"' | '\'' | '`'));
    (glued
        && looks_like_request_id(id)
        && !text.contains(END)
        && !text.trim().is_empty()
        && parse(text.trim()).is_none())
    .then_some(at)
}

/// The words a platform line starts with; the first [`EVENT_KEYWORDS`] start an event.
const KEYWORDS: &[&str] = &[
    "REPORT RequestId:",
    "START RequestId:",
    "END RequestId:",
    "INIT_START",
    "INIT_REPORT",
    "RESTORE_START",
    "RESTORE_REPORT",
    "EXTENSION Name:",
    // Lambda's own layout: a tab after the word (the docs render it as a space).
    "EXTENSION\tName:",
    "XRAY TraceId:",
    "Task timed out after",
    "Process exited before completing request",
];

/// How many whitespace-separated tokens a prefix may hold before the keyword and still be taken
/// as decoration (`2023/06/02/[72]88ab… 2023-06-02T11:27:22.355000`, `| 2026-06-03 05:22:39.288 |`,
/// `<ts> <request id>` before `Task timed out`, python-lambda-local's
/// `[root - INFO - 2020-05-02 20:28:50,023]`).
const MAX_PREFIX_TOKENS: usize = 6;

/// Whether `prefix`, what stands before a platform keyword on a line, is a rendering's
/// decoration (times, masked times, log groups and streams, a request id, table borders and
/// columns, bracketed logger heads: `[root - INFO - 2020-05-02 20:28:50,023]`) or the end of a
/// line run together with the keyword (no space between: a console's copy that lost a line
/// break). An application logger's level (`[INFO]\t<time>\t<id>\tREPORT …`, `<time>\t<id>\t
/// INFO\t…`) or a word of its own text just before the keyword (`forwarding REPORT …`) makes
/// it the application's line: a log shipper logging another function's REPORT (ninth-round
/// live review: each was billed as an invocation of the function that logged it).
fn is_decoration(prefix: &str) -> bool {
    if prefix.split_whitespace().count() > MAX_PREFIX_TOKENS || prefix.contains('"') {
        return false;
    }
    if !prefix.is_empty() && !prefix.ends_with(char::is_whitespace) {
        return true;
    }
    // Words outside a bracket group of several (python-lambda-local's head names its level
    // too); `[INFO]` is one word.
    let mut words: Vec<&str> = Vec::new();
    let mut depth = 0i32;
    for w in prefix.split_whitespace() {
        let opens = w.matches('[').count() as i32;
        let closes = w.matches(']').count() as i32;
        if depth == 0 && (opens == closes) {
            words.push(w);
        }
        depth = (depth + opens - closes).max(0);
    }
    let level = |w: &str| {
        matches!(
            w.trim_matches(|c| c == '[' || c == ']' || c == ':')
                .to_ascii_uppercase()
                .as_str(),
            "TRACE" | "DEBUG" | "INFO" | "WARN" | "WARNING" | "ERROR" | "FATAL" | "CRITICAL"
        )
    };
    // A word of text (`forwarding`), or a label (`S3:`, `msg:`; not a syslog tag `app[7]:`).
    let prose = |w: &str| {
        let word = w.strip_suffix([':', ',']).unwrap_or(w);
        let text = word.len() > 1
            && word.chars().all(|c| c.is_ascii_alphabetic())
            && word.chars().any(|c| c.is_ascii_lowercase());
        let label = w.ends_with(':')
            && word.chars().any(|c| c.is_ascii_alphabetic())
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        text || label
    };
    !words.iter().any(|w| level(w)) && !prefix.split_whitespace().last().is_some_and(prose)
}

/// Whether `line`, a CloudWatch event's message, can be a platform line: Lambda writes each
/// starting with its keyword, but for `Task timed out` and `Process exited` after a time and
/// the request id (`2020-06-09T15:02:26.150Z <id> Task timed out after 3.00 seconds`).
pub fn may_be_lambdas(line: &str) -> bool {
    match find_keyword(line) {
        Some((0, _)) => true,
        Some((_, kw)) => kw.starts_with("Task timed out") || kw.starts_with("Process exited"),
        None => false,
    }
}

/// Recognises a platform line anywhere after a short prefix. Returns `None` for everything else
/// (application output).
pub fn parse(line: &str) -> Option<Parsed<'_>> {
    let line = line.trim_end_matches(['\r', '\n']);
    let (pos, kw) = find_keyword(line)?;
    let prefix = &line[..pos];
    if !is_decoration(prefix) {
        return None;
    }
    let rest = &line[pos + kw.len()..];
    let parsed = match kw {
        "REPORT RequestId:" => PlatformLine::Report(report_fields(&line[pos + "REPORT ".len()..])),
        "START RequestId:" => {
            let mut t = rest.split_whitespace();
            let request_id = t.next()?;
            let version = match (t.next(), t.next()) {
                (Some("Version:"), v) => v,
                _ => None,
            };
            PlatformLine::Start {
                request_id,
                version,
            }
        }
        "END RequestId:" => PlatformLine::End {
            request_id: rest.split_whitespace().next()?,
        },
        "INIT_START" | "RESTORE_START" => {
            let toks: Vec<&str> = rest.split_whitespace().collect();
            let runtime_version = toks
                .windows(3)
                .find(|w| w[0] == "Runtime" && w[1] == "Version:")
                .map(|w| w[2]);
            if kw == "INIT_START" {
                PlatformLine::InitStart { runtime_version }
            } else {
                PlatformLine::RestoreStart { runtime_version }
            }
        }
        "INIT_REPORT" | "RESTORE_REPORT" => {
            let f = report_fields(rest);
            let toks: Vec<&str> = rest.split_whitespace().collect();
            let phase = toks.windows(2).find(|w| w[0] == "Phase:").map(|w| w[1]);
            if kw == "INIT_REPORT" {
                PlatformLine::InitReport {
                    init_duration_ms: f.init_duration_ms,
                    phase,
                    status: f.status,
                    error_type: f.error_type,
                }
            } else {
                PlatformLine::RestoreReport {
                    restore_duration_ms: f.restore_duration_ms,
                    status: f.status,
                    error_type: f.error_type,
                }
            }
        }
        "EXTENSION Name:" | "EXTENSION\tName:" => {
            let toks: Vec<&str> = rest.split_whitespace().collect();
            let state = toks.windows(2).find(|w| w[0] == "State:").map(|w| w[1]);
            PlatformLine::Extension {
                name: toks.first().copied(),
                state,
            }
        }
        "XRAY TraceId:" => {
            let f = report_fields(&line[pos..]);
            PlatformLine::Xray {
                trace_id: f.trace_id?,
                segment_id: f.segment_id,
                sampled: f.sampled,
            }
        }
        "Task timed out after" => PlatformLine::TaskTimedOut {
            request_id: request_id_in_prefix(prefix),
            after_seconds: rest
                .split_whitespace()
                .next()
                .and_then(|s| s.parse::<f64>().ok()),
        },
        "Process exited before completing request" => PlatformLine::ProcessExited {
            request_id: request_id_in_prefix(prefix),
        },
        _ => return None,
    };
    Some(Parsed {
        prefix,
        line: parsed,
    })
}

/// A REPORT fragment without its `REPORT RequestId:` head, as people paste them
/// (`<request id>\tDuration: 3757.18 ms\tBilled Duration: 3758 ms\tMemory Size: 128 MB…`).
pub fn parse_headless_report(line: &str) -> Option<ReportFields<'_>> {
    let has = |word: &[u8]| memchr::memmem::find(line.as_bytes(), word).is_some();
    if !(has(b"Billed Duration:") && has(b"Memory Size:")) {
        return None;
    }
    let mut f = report_fields(line);
    if f.request_id.is_none() {
        // The token just before `Duration:` is the request id when it looks like one.
        let toks: Vec<&str> = line.split_whitespace().collect();
        let i = toks.iter().position(|t| *t == "Duration:")?;
        let cand = toks.get(i.checked_sub(1)?)?;
        if looks_like_request_id(cand) {
            f.request_id = Some(cand);
        }
    }
    Some(f)
}

fn find_keyword(line: &str) -> Option<(usize, &'static str)> {
    // One SIMD search (aho-corasick's Teddy) answers most lines: application output holds no
    // keyword at all, and a platform line starts with its own (no keyword is a prefix of
    // another, so the leftmost match at 0 is the keyword the line starts with).
    // Otherwise the rule of [`find_keyword_by_search`] over the matches in order, which stops at
    // the one it takes (a search per keyword read every line to its end, for each of the events
    // run together on one line: tenth-round robustness review, 10,000 of them took 9 s).
    let mut seen = [false; KEYWORDS.len()];
    for m in keyword_scanner().find_iter(line) {
        let k = m.pattern().as_usize();
        if m.start() == 0 {
            return Some((0, KEYWORDS[k]));
        }
        // A keyword's first occurrence counts, when it follows whitespace, '|' or ']'.
        if !std::mem::replace(&mut seen[k], true) && at_boundary(line, m.start()) {
            return Some((m.start(), KEYWORDS[k]));
        }
    }
    None
}

/// The rule itself, one substring search per keyword: a keyword starting the line wins;
/// otherwise each keyword's first occurrence counts when it follows whitespace/'|'/']', and the
/// earliest such wins. (The tests' oracle for [`find_keyword`].)
#[cfg(test)]
fn find_keyword_by_search(line: &str) -> Option<(usize, &'static str)> {
    if let Some(kw) = KEYWORDS.iter().find(|kw| line.starts_with(*kw)) {
        return Some((0, kw));
    }
    let mut best: Option<(usize, &'static str)> = None;
    for kw in KEYWORDS {
        if let Some(p) = line.find(kw) {
            if at_boundary(line, p) && best.is_none_or(|(bp, _)| p < bp) {
                best = Some((p, kw));
            }
        }
    }
    best
}

/// A keyword at byte `p` must start the line or follow whitespace, '|' or ']'.
fn at_boundary(line: &str, p: usize) -> bool {
    p == 0
        || line[..p]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_whitespace() || c == '|' || c == ']')
}

fn keyword_scanner() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(KEYWORDS)
            .unwrap_or_else(|e| panic!("fixed patterns always build: {e}"))
    })
}

/// The last token of a prefix that looks like a Lambda request id (`<ts> <request id> Task timed
/// out…`, `RequestId: <id> Process exited…`).
fn request_id_in_prefix(prefix: &str) -> Option<&str> {
    prefix
        .split_whitespace()
        .rev()
        .find(|t| looks_like_request_id(t))
}

/// Lambda request ids are UUIDs (36 chars, 4 dashes); older ones are the same shape.
pub fn looks_like_request_id(s: &str) -> bool {
    s.len() == 36
        && s.bytes().filter(|&b| b == b'-').count() == 4
        && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Whitespace-separated tokens, exactly as `str::split_whitespace` gives them, but split on bytes
/// when the text is ASCII (every REPORT line in practice), which skips the Unicode whitespace
/// table in the hottest loop of large inputs.
fn tokens(s: &str) -> Vec<&str> {
    if !s.is_ascii() {
        return s.split_whitespace().collect();
    }
    let mut out = Vec::with_capacity(24);
    let mut start = None;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        // The ASCII characters `char::is_whitespace` accepts.
        let ws = matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
        match (ws, start) {
            (true, Some(st)) => {
                out.push(&s[st..i]);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// The largest duration (ms) or size (MB) a REPORT field may hold: 10^9 ms is 11.6 days (Lambda
/// stops an invocation at 15 minutes) and 10^9 MB a petabyte. A larger value is a corrupt line,
/// and as a time it would overflow the arithmetic of the reports built on it.
pub const MAX_REPORT_VALUE: f64 = 1e9;

/// The memory sizes a REPORT may show: up to Lambda's 10,240 MB (facts.md, limits), and not 0.
/// Below Lambda's 128 MB minimum is let through: local emulators print what they are given.
/// Anything else is a corrupt line, which priced as read would multiply a month's cost.
pub const MEMORY_SIZE_MB: std::ops::RangeInclusive<u32> = 1..=10_240;

/// Whether `unit` names a unit of time (for `expected` "ms") or of size (for "MB") other than
/// `expected`. Only known units count: a token that is no unit (the next label, decoration) is
/// not one.
fn is_other_unit(unit: &str, expected: &str) -> bool {
    const TIME: &[&str] = &[
        "s", "sec", "secs", "second", "seconds", "us", "µs", "μs", "ns", "m", "min", "mins",
        "minute", "minutes", "h", "hr", "hours",
    ];
    const SIZE: &[&str] = &[
        "b", "byte", "bytes", "kb", "kib", "mib", "gb", "gib", "tb", "k", "g",
    ];
    if unit == expected {
        return false;
    }
    let unit = unit.trim_end_matches([',', ';', '.']);
    let units = if expected == "MB" { SIZE } else { TIME };
    !unit.eq_ignore_ascii_case(expected) && units.iter().any(|u| u.eq_ignore_ascii_case(unit))
}

/// The text of `body` from the start of `first` to the end of `last`, both slices of `body`
/// (a value and its unit, shown together in the skip's reason).
fn span_of<'a>(body: &'a str, first: &'a str, last: &str) -> &'a str {
    let start = first.as_ptr() as usize - body.as_ptr() as usize;
    let end = last.as_ptr() as usize + last.len() - body.as_ptr() as usize;
    body.get(start..end).unwrap_or(first)
}

/// Walks whitespace tokens and picks out the REPORT field labels. Unknown tokens are ignored, so
/// decoration (`|`), trailing separators and new fields do not break parsing.
pub fn report_fields<'a>(body: &'a str) -> ReportFields<'a> {
    let toks = tokens(body);
    let mut f = ReportFields::default();
    // Each label once: a second one (two lines run together, a corrupt line) is said.
    let mut seen = 0u16;
    let twice = |seen: &mut u16, bit: u16, label: &'static str, f: &mut ReportFields<'a>| {
        if *seen & (1 << bit) != 0 && f.repeated_field.is_none() {
            f.repeated_field = Some(label);
        }
        *seen |= 1 << bit;
    };
    let mut i = 0;
    let num = |i: usize, label: &'static str, f: &mut ReportFields<'a>| -> Option<f64> {
        // Durations and sizes are never negative: `-10` is as wrong as `abc`.
        let v = toks.get(i).and_then(|t| t.parse::<f64>().ok());
        if !v.is_some_and(|x| x.is_finite() && (0.0..=MAX_REPORT_VALUE).contains(&x)) {
            f.flag(label, toks.get(i).copied());
            return None;
        }
        // The unit after the number: Lambda writes durations in ms and sizes in MB. Another
        // unit (`Duration: 10.00 s`, `Memory Size: 1 GB`) would be read 1000 times off, so the
        // line is refused with the value and its unit; so is a number without one (ninth-round
        // ingestion review: the last line of a file still being written, cut in a field,
        // read `Memory Size: 256 MB` as 25 MB without a word).
        let expected = if label.contains("Memory") { "MB" } else { "ms" };
        let value = toks.get(i).copied();
        match toks.get(i + 1) {
            Some(unit) if is_other_unit(unit, expected) => {
                if f.bad_field.is_none() {
                    f.bad_unit = true;
                }
                f.flag(label, value.map(|v| span_of(body, v, unit)));
                return None;
            }
            Some(unit)
                if unit
                    .trim_end_matches([',', ';', '.'])
                    .eq_ignore_ascii_case(expected) => {}
            _ => {
                if f.bad_field.is_none() {
                    f.missing_unit = true;
                }
                f.flag(label, value);
                return None;
            }
        }
        v
    };
    let mb = |v: Option<f64>, at: usize, label: &'static str, f: &mut ReportFields<'a>| match v {
        // Whole MB only: `128.5 MB` is corrupt (it was cut to 128 without a word, where the
        // JSON log format's reader refuses the same value).
        Some(x) if x <= f64::from(u32::MAX) && x.fract() == 0.0 => Some(x as u32),
        Some(_) => {
            f.flag(label, toks.get(at).copied());
            None
        }
        None => None,
    };
    while i < toks.len() {
        let t = toks[i];
        // Every label below starts with one of these letters; values and units (most tokens)
        // are passed over without trying each label in turn.
        if !matches!(
            t.as_bytes().first(),
            Some(b'R' | b'D' | b'B' | b'I' | b'M' | b'S' | b'E' | b'X')
        ) {
            i += 1;
            continue;
        }
        let next = toks.get(i + 1).copied();
        let next2 = toks.get(i + 2).copied();
        match (t, next, next2) {
            ("RequestId:", Some(id), _) => {
                twice(&mut seen, 0, "RequestId", &mut f);
                f.request_id = Some(id);
                i += 2;
            }
            ("Duration:", _, _) => {
                twice(&mut seen, 1, "Duration", &mut f);
                f.duration_ms = num(i + 1, "Duration", &mut f);
                i += 2;
            }
            ("Billed", Some("Duration:"), _) => {
                twice(&mut seen, 2, "Billed Duration", &mut f);
                f.billed_duration_ms = num(i + 2, "Billed Duration", &mut f);
                i += 3;
            }
            ("Billed", Some("Restore"), Some("Duration:")) => {
                twice(&mut seen, 3, "Billed Restore Duration", &mut f);
                f.billed_restore_duration_ms = num(i + 3, "Billed Restore Duration", &mut f);
                i += 4;
            }
            ("Init", Some("Duration:"), _) => {
                twice(&mut seen, 4, "Init Duration", &mut f);
                f.init_duration_ms = num(i + 2, "Init Duration", &mut f);
                i += 3;
            }
            ("Restore", Some("Duration:"), _) => {
                twice(&mut seen, 5, "Restore Duration", &mut f);
                f.restore_duration_ms = num(i + 2, "Restore Duration", &mut f);
                i += 3;
            }
            ("Memory", Some("Size:"), _) => {
                twice(&mut seen, 6, "Memory Size", &mut f);
                let v = num(i + 2, "Memory Size", &mut f);
                f.memory_size_mb = mb(v, i + 2, "Memory Size", &mut f);
                if f.memory_size_mb
                    .is_some_and(|m| !MEMORY_SIZE_MB.contains(&m))
                {
                    f.memory_size_mb = None;
                    f.flag("Memory Size", toks.get(i + 2).copied());
                }
                i += 3;
            }
            ("Max", Some("Memory"), Some("Used:")) => {
                twice(&mut seen, 7, "Max Memory Used", &mut f);
                let v = num(i + 3, "Max Memory Used", &mut f);
                f.max_memory_used_mb = mb(v, i + 3, "Max Memory Used", &mut f);
                i += 4;
            }
            ("Status:", Some(s), _) => {
                twice(&mut seen, 8, "Status", &mut f);
                f.status = Some(s);
                i += 2;
            }
            ("Error", Some("Type:"), Some(e)) => {
                twice(&mut seen, 9, "Error Type", &mut f);
                f.error_type = Some(e);
                i += 3;
            }
            ("XRAY", Some("TraceId:"), Some(id)) => {
                twice(&mut seen, 10, "XRAY TraceId", &mut f);
                f.trace_id = Some(id);
                i += 3;
            }
            ("SegmentId:", Some(id), _) => {
                twice(&mut seen, 11, "SegmentId", &mut f);
                f.segment_id = Some(id);
                i += 2;
            }
            ("Sampled:", Some(s), _) => {
                twice(&mut seen, 12, "Sampled", &mut f);
                f.sampled = match s {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                };
                i += 2;
            }
            _ => i += 1,
        }
    }
    // A line that ends inside a field's label (`…\tInit Dur`, the last line of a file still
    // being written) is cut short: what it held after the cut is lost (verification of
    // 9dc1937: a cold start read as warm without a word). No whole REPORT ends in a label.
    const LABEL_WORDS: &[&str] = &[
        "RequestId:",
        "Duration:",
        "Billed",
        "Memory",
        "Size:",
        "Max",
        "Used:",
        "Init",
        "Restore",
        "Status:",
        "Error",
        "Type:",
        "XRAY",
        "TraceId:",
        "SegmentId:",
        "Sampled:",
    ];
    // (A label with its colon and nothing after is a field without a value, said above.)
    let in_label = |t: &str| {
        LABEL_WORDS
            .iter()
            .any(|w| w.starts_with(t) && (t != *w || !w.ends_with(':')))
    };
    if let Some(last) = toks.last().filter(|t| toks.len() > 2 && in_label(t)) {
        if f.bad_field.is_none() {
            f.cut_label = Some(last);
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    const RID: &str = "6f1c2a9e-3b7d-4e52-9a10-2c4d8e7f1b33";

    fn report(line: &str) -> ReportFields<'_> {
        match parse(line).map(|p| p.line) {
            Some(PlatformLine::Report(r)) => r,
            other => panic!("not a report: {other:?}"),
        }
    }

    #[test]
    fn report_tab_separated_cold_with_xray() {
        let l = format!("REPORT RequestId: {RID}\tDuration: 48.27 ms\tBilled Duration: 261 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 212.40 ms\tXRAY TraceId: 1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e\tSegmentId: 3e5a7c9b1d2f4a6e\tSampled: true\t\n");
        let r = report(&l);
        assert_eq!(r.request_id, Some(RID));
        assert_eq!(r.duration_ms, Some(48.27));
        assert_eq!(r.billed_duration_ms, Some(261.0));
        assert_eq!(r.memory_size_mb, Some(512));
        assert_eq!(r.max_memory_used_mb, Some(91));
        assert_eq!(r.init_duration_ms, Some(212.40));
        assert_eq!(r.trace_id, Some("1-68b6f91f-4c1e9d2a7b3f5e6d8a9c0b1e"));
        assert_eq!(r.segment_id, Some("3e5a7c9b1d2f4a6e"));
        assert_eq!(r.sampled, Some(true));
        assert_eq!(r.bad_field, None);
    }

    #[test]
    fn report_runs_of_spaces_crlf_and_trailing() {
        let l = format!("REPORT RequestId: {RID}  Duration: 94.42 ms      Billed Duration: 95 ms  Memory Size: 256 MB     Max Memory Used: 66 MB   \r\n");
        let r = report(&l);
        assert_eq!(r.duration_ms, Some(94.42));
        assert_eq!(r.max_memory_used_mb, Some(66));
        assert_eq!(r.init_duration_ms, None);
    }

    #[test]
    fn report_init_before_duration_local_emulator() {
        let l = format!("REPORT RequestId: {RID}\tInit Duration: 0.53 ms\tDuration: 902.44 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB");
        let r = report(&l);
        assert_eq!(r.init_duration_ms, Some(0.53));
        assert_eq!(r.duration_ms, Some(902.44));
        assert_eq!(r.billed_duration_ms, Some(1000.0));
    }

    #[test]
    fn report_snapstart_restore() {
        let l = format!("REPORT RequestId: {RID}\tDuration: 20.12 ms\tBilled Duration: 163 ms\tMemory Size: 2048 MB\tMax Memory Used: 140 MB\tRestore Duration: 389.14 ms\tBilled Restore Duration: 142 ms\t");
        let r = report(&l);
        assert_eq!(r.restore_duration_ms, Some(389.14));
        assert_eq!(r.billed_restore_duration_ms, Some(142.0));
        assert_eq!(r.billed_duration_ms, Some(163.0));
    }

    #[test]
    fn report_status_timeout_and_error_type() {
        let l = format!("| 2026-06-03 05:22:39.288 | REPORT RequestId: {RID} Duration: 31000.00 ms Billed Duration: 34440 ms Memory Size: 160 MB Max Memory Used: 150 MB Init Duration: 3439.00 ms Status: timeout |");
        let p = parse(&l).unwrap();
        assert_eq!(p.prefix.trim(), "| 2026-06-03 05:22:39.288 |");
        let PlatformLine::Report(r) = p.line else {
            panic!()
        };
        assert_eq!(r.status, Some("timeout"));
        let l = format!("REPORT RequestId: {RID}\tDuration: 10.1 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 10 MB\tStatus: error\tError Type: Runtime.ExitError");
        let r = report(&l);
        assert_eq!(r.status, Some("error"));
        assert_eq!(r.error_type, Some("Runtime.ExitError"));
    }

    #[test]
    fn report_with_stream_and_timestamp_prefix() {
        let l = format!("2023/06/02/[72]88ab219a63d343d294d0a9947e8ab36a 2023-06-02T11:27:22.974000 REPORT RequestId: {RID}\tDuration: 1.0 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB");
        let p = parse(&l).unwrap();
        assert!(p.prefix.starts_with("2023/06/02/[72]"));
        assert!(matches!(p.line, PlatformLine::Report(_)));
    }

    #[test]
    fn start_end_and_versions() {
        let l = format!("START RequestId: {RID} Version: $LATEST");
        let p = parse(&l).unwrap();
        assert_eq!(
            p.line,
            PlatformLine::Start {
                request_id: RID,
                version: Some("$LATEST")
            }
        );
        let l = format!("END RequestId: {RID}\n");
        let p = parse(&l).unwrap();
        assert_eq!(p.line, PlatformLine::End { request_id: RID });
    }

    /// Lambda writes `EXTENSION\tName: …\tState: …\tEvents: […]` with tabs.
    #[test]
    fn extension_lines_with_tabs() {
        let p = parse(
            "EXTENSION\tName: cloudwatch_lambda_agent\tState: Ready\tEvents: [INVOKE,SHUTDOWN]",
        )
        .unwrap();
        assert_eq!(
            p.line,
            PlatformLine::Extension {
                name: Some("cloudwatch_lambda_agent"),
                state: Some("Ready"),
            }
        );
    }

    #[test]
    fn init_restore_extension_lines() {
        let p = parse("INIT_REPORT Init Duration: 1666.62 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError").unwrap();
        assert_eq!(
            p.line,
            PlatformLine::InitReport {
                init_duration_ms: Some(1666.62),
                phase: Some("invoke"),
                status: Some("error"),
                error_type: Some("Runtime.ExitError")
            }
        );
        let p = parse("RESTORE_REPORT Restore Duration: 398.97 ms").unwrap();
        assert_eq!(
            p.line,
            PlatformLine::RestoreReport {
                restore_duration_ms: Some(398.97),
                status: None,
                error_type: None
            }
        );
        let p = parse("INIT_START Runtime Version: python:3.13.v40\tRuntime Version ARN: arn:x")
            .unwrap();
        assert_eq!(
            p.line,
            PlatformLine::InitStart {
                runtime_version: Some("python:3.13.v40")
            }
        );
        let p = parse("EXTENSION Name: csharp-example-extension  State: LaunchError  Events: []  Error Type: PermissionDenied").unwrap();
        assert_eq!(
            p.line,
            PlatformLine::Extension {
                name: Some("csharp-example-extension"),
                state: Some("LaunchError")
            }
        );
    }

    #[test]
    fn timeouts_and_process_exited() {
        let p = parse("2016-04-14T23:52:45.715Z b47cde10-029a-11e6-b5d6-1f01b70b94b2 Task timed out after 120.00 seconds ").unwrap();
        assert_eq!(
            p.line,
            PlatformLine::TaskTimedOut {
                request_id: Some("b47cde10-029a-11e6-b5d6-1f01b70b94b2"),
                after_seconds: Some(120.0)
            }
        );
        let p =
            parse("RequestId: 18fea243-5715-11e7-9ad9-a197117ae4d4 Process exited before completing request")
                .unwrap();
        assert_eq!(
            p.line,
            PlatformLine::ProcessExited {
                request_id: Some("18fea243-5715-11e7-9ad9-a197117ae4d4")
            }
        );
    }

    #[test]
    fn xray_continuation_line() {
        let p = parse("XRAY TraceId: 1-5e9a1a2b-0c3e1c0e8f8b8a5d6e7f8a9b\tSegmentId: 0a1b2c3d4e5f6a7b\tSampled: false\t").unwrap();
        assert_eq!(
            p.line,
            PlatformLine::Xray {
                trace_id: "1-5e9a1a2b-0c3e1c0e8f8b8a5d6e7f8a9b",
                segment_id: Some("0a1b2c3d4e5f6a7b"),
                sampled: Some(false)
            }
        );
    }

    #[test]
    fn application_lines_are_not_platform_lines() {
        assert!(parse("2021-01-26T23:12:50.909Z\tabc\tINFO\tThis is Hello World event").is_none());
        assert!(parse(r#"{"message":"REPORT RequestId: x"}"#).is_none());
        assert!(parse("the user said a b c d e f g REPORT RequestId: x").is_none());
    }

    #[test]
    fn joined_events_and_repeated_fields_are_found() {
        let rep = |id: &str| {
            format!("REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 5 MB\t")
        };
        let two = format!("2025-09-01T00:00:00.000Z {}{}", rep("a"), rep("b"));
        let at = joined_event_at(&two).unwrap();
        assert!(
            two[at..].starts_with("REPORT RequestId: b"),
            "{}",
            &two[at..]
        );
        let start = format!("{}START RequestId: c Version: $LATEST", rep("a"));
        assert!(start[joined_event_at(&start).unwrap()..].starts_with("START RequestId: c"));
        // Ninth-round query review: after an X-Ray line, or a REPORT's X-Ray fields, the next
        // event run in with or without a tab between.
        let xray = "XRAY TraceId: 1-5e1b4151-5ac6c58f1b2a4b5c6d7e8f90\tSegmentId: 6e4b0f1a2b3c4d5e\tSampled: true";
        for line in [
            format!("{xray}\t{}", rep("b")),
            format!("{xray}{}", rep("b")),
            format!("{}{xray}{}", rep("a"), rep("b")),
        ] {
            let at = joined_event_at(&line).expect(&line);
            assert!(line[at..].starts_with("REPORT RequestId: b"), "{line}");
        }
        // XRAY continues a REPORT; a keyword glued to a word is no event; application lines
        // quoting a REPORT are no platform lines.
        for line in [
            format!(
                "{}XRAY TraceId: 1-2-3\tSegmentId: 4\tSampled: true",
                rep("a")
            ),
            format!("{}xREPORT RequestId: b", rep("a")),
            format!("the user said a b c d e f g {}{}", rep("a"), rep("b")),
        ] {
            assert_eq!(joined_event_at(&line), None, "{line}");
        }
        // A field twice is said; each field once is not.
        let l = format!("{}Duration: 99.00 ms", rep("a"));
        assert_eq!(report(&l).repeated_field, Some("Duration"));
        assert_eq!(report(&rep("a")).repeated_field, None);
        let l = format!("{}Status: timeout\tStatus: error", rep("a"));
        assert_eq!(report(&l).repeated_field, Some("Status"));
    }

    /// Verification of 9dc1937: a line cut inside a label (`…\tInit Dur`) is cut short, not a
    /// REPORT without that field.
    #[test]
    fn a_line_ending_inside_a_label_is_cut_short() {
        let whole = format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\t");
        for end in [
            "Init Dur",
            "I",
            "Max",
            "Max Memory Us",
            "Billed",
            "Restore Dura",
        ] {
            let line = format!("{whole}{end}");
            assert!(report(&line).cut_label.is_some(), "{end}");
        }
        for end in [
            "",
            "Init Duration: 200.00 ms\t",
            "Status: timeout",
            "Status: error\tError Type: Runtime.ExitError",
        ] {
            let line = format!("{whole}{end}");
            assert_eq!(report(&line).cut_label, None, "{end}");
        }
    }

    #[test]
    fn other_units_are_flagged() {
        // Durations in seconds or sizes in GB would be read 1000 times off: the line is refused
        // with the value and its unit.
        for (label, line, shown) in [
            ("Duration", format!("REPORT RequestId: {RID}\tDuration: 10.00 s\tBilled Duration: 10000 ms\tMemory Size: 128 MB\tMax Memory Used: 5 MB"), "10.00 s"),
            ("Billed Duration", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 sec\tMemory Size: 128 MB\tMax Memory Used: 5 MB"), "11 sec"),
            ("Init Duration", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 5 MB\tInit Duration: 250 us"), "250 us"),
            ("Memory Size", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 1 GB\tMax Memory Used: 5 MB"), "1 GB"),
            ("Max Memory Used", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 5 MiB"), "5 MiB"),
        ] {
            let r = report(&line);
            assert_eq!((r.bad_field, r.bad_value), (Some(label), Some(shown)), "{line}");
            assert!(r.bad_unit, "{line}");
        }
        let d = bad_field_detail("Duration", Some("10.00 s"));
        assert!(
            d.starts_with("Duration is `10.00 s`; it takes a number of ms"),
            "{d}"
        );
        // Ninth-round ingestion review: a number without its unit is refused too (the last line
        // of a file still being written, cut inside a field: `Memory Size: 25` of 256 MB).
        for (label, line, shown) in [
            ("Max Memory Used", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 256 MB\tMax Memory Used: 8"), "8"),
            ("Memory Size", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 25"), "25"),
            ("Duration", format!("REPORT RequestId: {RID}\tDuration: 10.00\tBilled Duration: 11\tMemory Size: 128\tMax Memory Used: 5"), "10.00"),
            ("Init Duration", format!("REPORT RequestId: {RID}\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 5 MB\tInit Duration: 4"), "4"),
        ] {
            let r = report(&line);
            assert_eq!((r.bad_field, r.bad_value), (Some(label), Some(shown)), "{line}");
            assert!(r.missing_unit && !r.bad_unit, "{line}");
        }
        // The expected units in any case, and followed by a separator, are fine.
        for line in [
            format!("REPORT RequestId: {RID}\tDuration: 10.00 MS\tBilled Duration: 11 ms\tMemory Size: 128 mb\tMax Memory Used: 5 MB"),
            format!("REPORT RequestId: {RID} Duration: 10.00 ms, Billed Duration: 11 ms, Memory Size: 128 MB"),
        ] {
            let r = report(&line);
            assert_eq!(r.bad_field, None, "{line}");
            assert_eq!(r.duration_ms, Some(10.0), "{line}");
            assert_eq!(r.memory_size_mb, Some(128), "{line}");
        }
    }

    #[test]
    fn bad_numbers_are_flagged() {
        let l = format!(
            "REPORT RequestId: {RID}\tDuration: abc ms\tBilled Duration: 1 ms\tMemory Size: 128 MB"
        );
        let r = report(&l);
        assert_eq!(r.duration_ms, None);
        assert_eq!(r.bad_field, Some("Duration"));
        assert_eq!(r.bad_value, Some("abc"));
        // The skip says what was there and what the field takes.
        let m = format!(
            "REPORT RequestId: {RID}\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 20480 MB"
        );
        let r = report(&m);
        assert_eq!(
            (r.bad_field, r.bad_value),
            (Some("Memory Size"), Some("20480"))
        );
        let d = bad_field_detail("Memory Size", r.bad_value);
        assert!(
            d.starts_with("Memory Size is `20480`; it takes a whole number of MB from 1 to 10240"),
            "{d}"
        );
        // A fraction of a MB is no size either (it was cut to a whole MB).
        for (label, line) in [
            ("Memory Size", format!("REPORT RequestId: {RID}\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128.5 MB\tMax Memory Used: 5 MB")),
            ("Max Memory Used", format!("REPORT RequestId: {RID}\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 5.7 MB")),
        ] {
            let r = report(&line);
            assert_eq!(r.bad_field, Some(label), "{line}");
        }
        let cut = format!("REPORT RequestId: {RID}\tDuration:");
        let r = report(&cut);
        assert_eq!((r.bad_field, r.bad_value), (Some("Duration"), None));
        assert!(bad_field_detail("Duration", None)
            .starts_with("Duration is nothing; it takes a number of ms"));
    }

    #[test]
    fn headless_fragment() {
        let f = parse_headless_report("22f4200d-856a-41b5-9276-29d48412c78f\tDuration: 3757.18 ms\tBilled Duration: 3758 ms\tMemory Size: 128 MB\tMax Memory Used: 81 MB").unwrap();
        assert_eq!(f.request_id, Some("22f4200d-856a-41b5-9276-29d48412c78f"));
        assert_eq!(f.duration_ms, Some(3757.18));
    }

    proptest::proptest! {
        #[test]
        fn tokens_match_split_whitespace(s in "[ \t\r\n\x0b\x0ca-z:.0-9\u{a0}\u{2003}-]{0,40}") {
            proptest::prop_assert_eq!(tokens(&s), s.split_whitespace().collect::<Vec<_>>());
        }
    }

    #[test]
    fn keyword_search_cases() {
        for line in [
            "x START RequestId: a",
            "xSTART RequestId: a END RequestId: b",
            "] END RequestId: b START RequestId: a",
            "INIT_REPORT Init Duration: 1 ms",
            "a RESTORE_STARTED RESTORE_START",
            "2025-01-01T00:00:00Z abc Task timed out after 3.00 seconds",
            "| 2026 | XRAY TraceId: 1-2",
            "nothing here",
        ] {
            assert_eq!(find_keyword(line), find_keyword_by_search(line), "{line}");
        }
    }

    proptest::proptest! {
        #[test]
        fn keyword_search_matches_the_naive_one(
            parts in proptest::collection::vec(
                "(START RequestId:|END RequestId:|REPORT RequestId:|INIT_START|INIT_REPORT|RESTORE_START|RESTORE_REPORT|EXTENSION Name:|XRAY TraceId:|Task timed out after|Process exited before completing request|[ |\\]x]|[a-z]{1,3}|é)",
                0..8,
            )
        ) {
            let line = parts.concat();
            proptest::prop_assert_eq!(find_keyword(&line), find_keyword_by_search(&line));
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s);
            let _ = parse_headless_report(&s);
        }

        #[test]
        fn roundtrips_generated_reports(d in 0.0f64..900000.0, b in 1u32..900000, m in 128u32..10240, u in 1u32..10240, init in proptest::option::of(0.0f64..10000.0), sep in "(\t| {1,4})") {
            let mut l = format!("REPORT RequestId: {RID}{sep}Duration: {d:.2} ms{sep}Billed Duration: {b} ms{sep}Memory Size: {m} MB{sep}Max Memory Used: {u} MB");
            if let Some(i) = init { l.push_str(&format!("{sep}Init Duration: {i:.2} ms")); }
            l.push_str(&sep);
            let r = report(&l);
            proptest::prop_assert_eq!(r.duration_ms, Some(format!("{d:.2}").parse::<f64>().unwrap()));
            proptest::prop_assert_eq!(r.billed_duration_ms, Some(b as f64));
            proptest::prop_assert_eq!(r.memory_size_mb, Some(m));
            proptest::prop_assert_eq!(r.max_memory_used_mb, Some(u));
            proptest::prop_assert_eq!(r.init_duration_ms.is_some(), init.is_some());
        }
    }
}
