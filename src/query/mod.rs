//! The CloudWatch Logs Insights query language: its syntax tree and parser. Pure: no I/O and no
//! polars; `analytics::query` runs a parsed [`Query`] over local data and `aws::query` sends the
//! text to Logs Insights.
//!
//! Written by hand rather than with a parser generator: the language is small, its lexing is
//! context-dependent (`/` is a regex literal where an operand is expected and division
//! elsewhere; `5m` is a period only as an argument of `bin`), and the errors have to point at a
//! column with a hint, which a hand-written recursive-descent parser does most plainly.

pub mod library;
mod parser;

pub use parser::parse;

use std::fmt::Write as _;

/// A parsed query: its commands in pipeline order.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub commands: Vec<Command>,
}

/// One command of the pipeline, with the byte offset where it starts in the query text.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub pos: usize,
    pub kind: CommandKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CommandKind {
    /// `fields expr [as name], ...`: computes fields and chooses the ones shown.
    Fields(Vec<Item>),
    /// `display field, ...`: the columns shown (the last `display` wins).
    Display(Vec<Item>),
    /// `filter expr`
    Filter(Expr),
    /// `parse [field] "glob" as a, b` or `parse [field] /regex with (?<named>groups)/`
    Parse { source: Expr, pattern: ParsePattern },
    /// `stats agg [as name], ... [by expr [as name], ...]`
    Stats { items: Vec<Item>, by: Vec<Item> },
    /// `sort [by] expr [asc|desc], ...`
    Sort(Vec<SortKey>),
    /// `limit n`
    Limit(u64),
    /// `dedup field, ...`
    Dedup(Vec<Item>),
}

/// An expression with an optional `as` name. `text` is the expression as written, which names
/// the column when there is no alias (as Logs Insights names `pct(@duration, 99)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub expr: Expr,
    pub alias: Option<String>,
    pub text: String,
}

impl Item {
    /// The column name this item produces.
    pub fn name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParsePattern {
    /// A glob: each `*` captures into the next name.
    Glob { glob: String, names: Vec<String> },
    /// A regular expression; its named groups are the fields.
    Regex { regex: String, names: Vec<String> },
}

impl ParsePattern {
    /// The fields the pattern creates.
    pub fn names(&self) -> &[String] {
        match self {
            ParsePattern::Glob { names, .. } | ParsePattern::Regex { names, .. } => names,
        }
    }

    /// The pattern as a regex (a glob's `*` become lazy groups, one ending the glob greedy) whose
    /// capture groups 1..=n are the fields in order.
    pub fn to_regex(&self) -> String {
        match self {
            ParsePattern::Regex { regex, .. } => regex.clone(),
            ParsePattern::Glob { glob, names } => {
                let mut out = String::from("(?s)");
                let parts: Vec<&str> = glob.split('*').collect();
                for (i, part) in parts.iter().enumerate() {
                    out.push_str(&regex::escape(part));
                    if i + 1 < parts.len() {
                        // A `*` ending the glob takes the rest of the text; any other takes
                        // as little as it can (up to the first match of the text after it).
                        out.push_str(if i + 2 == parts.len() && parts[i + 1].is_empty() {
                            "(.*)"
                        } else {
                            "(.*?)"
                        });
                    }
                }
                debug_assert_eq!(parts.len(), names.len() + 1);
                out
            }
        }
    }
}

/// An expression node with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub pos: usize,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Field(String),
    Str(String),
    Num(f64),
    Regex(String),
    /// `*` in `count(*)`.
    Star,
    /// `5m`, `1h`: an argument of `bin`, `datefloor` and `dateceil`.
    Period(Period),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a like "text"`, `a like /re/`, `a =~ /re/` (negated: `not like`).
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    /// `a in [x, y]` (negated: `not in`).
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// A function call; `name` is the canonical (lower-case table) name.
    Call {
        name: &'static str,
        args: Vec<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

/// A time period: an amount of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub amount: i64,
    pub unit: PeriodUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Period {
    /// The length in milliseconds; `None` for calendar units (months, quarters, years), whose
    /// length varies.
    pub fn fixed_ms(&self) -> Option<i64> {
        let unit_ms: i64 = match self.unit {
            PeriodUnit::Millisecond => 1,
            PeriodUnit::Second => 1_000,
            PeriodUnit::Minute => 60_000,
            PeriodUnit::Hour => 3_600_000,
            PeriodUnit::Day => 86_400_000,
            PeriodUnit::Week => 7 * 86_400_000,
            PeriodUnit::Month | PeriodUnit::Quarter | PeriodUnit::Year => return None,
        };
        self.amount.checked_mul(unit_ms)
    }
}

impl Expr {
    /// Every field name the expression reads.
    pub fn fields(&self, out: &mut Vec<String>) {
        match &self.kind {
            ExprKind::Field(f) => out.push(f.clone()),
            _ => {
                let mut children = Vec::new();
                self.children(&mut children);
                children.iter().for_each(|e| e.fields(out));
            }
        }
    }

    /// [`Self::fields`], split into those read inside an aggregate's arguments (always the
    /// records' fields) and those read outside one (in `stats`, maybe another item's name).
    /// Seventh-round verification: `stats avg(v) as v` read its own name inside `avg` as the
    /// item, and came back empty.
    pub fn fields_by_aggregate(&self, inside: &mut Vec<String>, outside: &mut Vec<String>) {
        self.fields_split(false, inside, outside);
    }

    fn fields_split(
        &self,
        in_aggregate: bool,
        inside: &mut Vec<String>,
        outside: &mut Vec<String>,
    ) {
        match &self.kind {
            ExprKind::Field(f) => {
                if in_aggregate {
                    inside.push(f.clone());
                } else {
                    outside.push(f.clone());
                }
            }
            ExprKind::Call { name, args } => {
                let aggregate =
                    in_aggregate || function(name).is_some_and(|f| f.kind != FnKind::Scalar);
                args.iter()
                    .for_each(|e| e.fields_split(aggregate, inside, outside));
            }
            _ => {
                // Everything else nests expressions without changing where they are read.
                let mut all = Vec::new();
                self.children(&mut all);
                all.iter()
                    .for_each(|e| e.fields_split(in_aggregate, inside, outside));
            }
        }
    }

    /// The expressions directly inside this one.
    pub(crate) fn children<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match &self.kind {
            ExprKind::Field(_)
            | ExprKind::Str(_)
            | ExprKind::Num(_)
            | ExprKind::Regex(_)
            | ExprKind::Star
            | ExprKind::Period(_) => {}
            ExprKind::Not(e) | ExprKind::Neg(e) => out.push(e),
            ExprKind::Binary(_, a, b) => out.extend([&**a, &**b]),
            ExprKind::Like { expr, pattern, .. } => out.extend([&**expr, &**pattern]),
            ExprKind::In { expr, list, .. } => {
                out.push(expr);
                out.extend(list.iter());
            }
            ExprKind::Call { args, .. } => out.extend(args.iter()),
        }
    }

    /// Whether an aggregate function appears anywhere in the expression.
    pub fn has_aggregate(&self) -> bool {
        match &self.kind {
            ExprKind::Call { name, args } => {
                function(name).is_some_and(|f| f.kind != FnKind::Scalar)
                    || args.iter().any(Expr::has_aggregate)
            }
            ExprKind::Not(e) | ExprKind::Neg(e) => e.has_aggregate(),
            ExprKind::Binary(_, a, b) => a.has_aggregate() || b.has_aggregate(),
            ExprKind::Like { expr, pattern, .. } => expr.has_aggregate() || pattern.has_aggregate(),
            ExprKind::In { expr, list, .. } => {
                expr.has_aggregate() || list.iter().any(Expr::has_aggregate)
            }
            _ => false,
        }
    }
}

impl Query {
    /// Every field name the query reads, in first-use order, without duplicates.
    pub fn referenced_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.commands {
            match &c.kind {
                CommandKind::Fields(items)
                | CommandKind::Display(items)
                | CommandKind::Dedup(items) => items.iter().for_each(|i| i.expr.fields(&mut out)),
                CommandKind::Filter(e) => e.fields(&mut out),
                CommandKind::Parse { source, .. } => source.fields(&mut out),
                CommandKind::Stats { items, by } => {
                    items.iter().chain(by).for_each(|i| i.expr.fields(&mut out))
                }
                CommandKind::Sort(keys) => keys.iter().for_each(|k| k.expr.fields(&mut out)),
                CommandKind::Limit(_) => {}
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|f| seen.insert(f.clone()));
        out
    }

    /// Whether the query aggregates (has a `stats` command).
    pub fn has_stats(&self) -> bool {
        self.commands
            .iter()
            .any(|c| matches!(c.kind, CommandKind::Stats { .. }))
    }
}

/// What a function does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnKind {
    /// Row by row (`abs`, `strlen`, `bin`, ...).
    Scalar,
    /// Over a group, in `stats` only (`count`, `pct`, ...).
    Aggregate,
}

/// A function of the language: canonical name, kind and arity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    pub kind: FnKind,
    pub min_args: usize,
    /// `usize::MAX` for variadic functions.
    pub max_args: usize,
}

const fn f(name: &'static str, kind: FnKind, min_args: usize, max_args: usize) -> Function {
    Function {
        name,
        kind,
        min_args,
        max_args,
    }
}

/// The functions faascope runs locally (the Logs Insights ones in common use; see
/// `docs` in the README for the list).
pub const FUNCTIONS: &[Function] = &[
    // Aggregates.
    f("avg", FnKind::Aggregate, 1, 1),
    f("count", FnKind::Aggregate, 0, 1),
    f("count_distinct", FnKind::Aggregate, 1, 1),
    f("max", FnKind::Aggregate, 1, 1),
    f("min", FnKind::Aggregate, 1, 1),
    f("pct", FnKind::Aggregate, 2, 2),
    f("stddev", FnKind::Aggregate, 1, 1),
    f("sum", FnKind::Aggregate, 1, 1),
    f("earliest", FnKind::Aggregate, 1, 1),
    f("latest", FnKind::Aggregate, 1, 1),
    // General.
    f("ispresent", FnKind::Scalar, 1, 1),
    f("coalesce", FnKind::Scalar, 1, usize::MAX),
    // Arithmetic.
    f("abs", FnKind::Scalar, 1, 1),
    f("ceil", FnKind::Scalar, 1, 1),
    f("floor", FnKind::Scalar, 1, 1),
    f("greatest", FnKind::Scalar, 1, usize::MAX),
    f("least", FnKind::Scalar, 1, usize::MAX),
    f("log", FnKind::Scalar, 1, 1),
    f("sqrt", FnKind::Scalar, 1, 1),
    // Strings.
    f("isempty", FnKind::Scalar, 1, 1),
    f("isblank", FnKind::Scalar, 1, 1),
    f("concat", FnKind::Scalar, 1, usize::MAX),
    f("ltrim", FnKind::Scalar, 1, 1),
    f("rtrim", FnKind::Scalar, 1, 1),
    f("trim", FnKind::Scalar, 1, 1),
    f("strlen", FnKind::Scalar, 1, 1),
    f("toupper", FnKind::Scalar, 1, 1),
    f("tolower", FnKind::Scalar, 1, 1),
    f("substr", FnKind::Scalar, 2, 3),
    f("replace", FnKind::Scalar, 3, 3),
    f("strcontains", FnKind::Scalar, 2, 2),
    // Date and time.
    f("bin", FnKind::Scalar, 1, 1),
    f("datefloor", FnKind::Scalar, 2, 2),
    f("dateceil", FnKind::Scalar, 2, 2),
    f("frommillis", FnKind::Scalar, 1, 1),
    f("tomillis", FnKind::Scalar, 1, 1),
];

/// Other spellings of the functions above.
const ALIASES: &[(&str, &str)] = &[("percentile", "pct")];

/// Looks a function up by name, case-insensitively.
pub fn function(name: &str) -> Option<&'static Function> {
    let lower = name.to_ascii_lowercase();
    let canonical = ALIASES
        .iter()
        .find(|(a, _)| *a == lower)
        .map_or(lower.as_str(), |(_, c)| c);
    FUNCTIONS.iter().find(|f| f.name == canonical)
}

/// A query the parser rejected: where (byte offset into the query text), why, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub pos: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl QueryError {
    pub(crate) fn new(pos: usize, message: impl Into<String>) -> Self {
        QueryError {
            pos,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// 1-based line and column (in characters) of the error in `query`.
    pub fn line_col(&self, query: &str) -> (usize, usize) {
        let pos = self.pos.min(query.len());
        let before = query.get(..pos).unwrap_or(query);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// The error with the offending line of `query`, a caret under the column, and the hint.
    /// `origin` names the query (a file, or "query").
    pub fn render(&self, query: &str, origin: &str) -> String {
        let (line, col) = self.line_col(query);
        let text = query.lines().nth(line - 1).unwrap_or("");
        let mut out = format!("{origin}:{line}:{col}: {}\n", self.message);
        // A control character shown escaped, as the error that ends a run shows it (`\u{1b}`),
        // here so that the caret counts the cells it takes (review of 2026-12-07: the caret
        // stood five cells left of the error for each ESC before it).
        let show = |c: char| match c {
            '\t' => " ".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        };
        let shown: String = text.chars().map(show).collect();
        let _ = writeln!(out, "  {shown}");
        // Under the column as the terminal shows it: wide characters take two cells.
        let before: String = text.chars().take(col - 1).map(show).collect();
        let cells = unicode_width::UnicodeWidthStr::width(before.as_str());
        let _ = writeln!(out, "  {}^", " ".repeat(cells));
        if let Some(h) = &self.hint {
            let _ = writeln!(out, "hint: {h}");
        }
        out
    }
}

/// One cell of a query result.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Num(f64),
    Str(String),
    /// Milliseconds since the Unix epoch, UTC.
    Time(i64),
    Bool(bool),
}

impl Value {
    /// The value as Logs Insights prints it: times as `2025-09-02 14:00:00.000` (UTC), whole
    /// numbers without a fraction, others with their shortest exact decimal.
    pub fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Num(n) => num_text(*n),
            Value::Str(s) => s.clone(),
            Value::Time(ms) => time_text(*ms),
            Value::Bool(b) => b.to_string(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Time(ms) => Some(*ms as f64),
            Value::Str(s) => s.trim().parse().ok(),
            Value::Bool(_) | Value::Null => None,
        }
    }
}

pub fn num_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `2025-09-02 14:00:00.000`, the timestamp format of Logs Insights results.
pub fn time_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Reads a Logs Insights timestamp (`2025-09-02 14:00:00.000`, UTC) back to milliseconds.
pub fn parse_time_text(s: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

/// A query's result: named columns and rows, the same shape whether it ran locally or in
/// CloudWatch Logs Insights.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// The column holding `bin(...)` of the last `stats`, with the bin length in ms: the x axis
    /// of `--plot`.
    pub time_bin: Option<(String, i64)>,
    /// Things the user should know (a field no record has, a truncated remote result).
    pub warnings: Vec<String>,
    /// Records the query read.
    pub records_scanned: u64,
    /// Malformed records the inputs held, skipped before the query ran (local sources; the
    /// JSON output's `skipped`, as `report`'s).
    pub skipped: crate::ingest::skips::Skips,
}

/// The `bin(...)` key of the last `stats` of a query: its column name and bin length.
/// The names of the last `stats`'s `by` items (its group keys), `None` without a `stats`.
pub fn stats_by_of(q: &Query) -> Option<Vec<String>> {
    q.commands.iter().rev().find_map(|c| match &c.kind {
        CommandKind::Stats { by, .. } => Some(by.iter().map(|i| i.name().to_string()).collect()),
        _ => None,
    })
}

pub fn time_bin_of(q: &Query) -> Option<(String, i64)> {
    q.commands.iter().rev().find_map(|c| match &c.kind {
        CommandKind::Stats { by, .. } => by.iter().find_map(|i| match &i.expr.kind {
            ExprKind::Call { name: "bin", args } => match &args[0].kind {
                ExprKind::Period(p) => Some((i.name().to_string(), p.fixed_ms()?)),
                _ => None,
            },
            _ => None,
        }),
        _ => None,
    })
}
