//! The dashboard's state and how keys change it. Pure: no terminal, no threads. A key returns
//! the [`Effect`]s the event loop carries out (quit, start a background job).

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use regex::Regex;

use super::data::DashData;
use crate::query::QueryResult;

/// The views, as `:` commands name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Functions,
    /// One function's detail.
    Detail(String),
    Logs,
    /// X-Ray traces, slowest first.
    Traces,
    /// One trace's waterfall.
    Trace(String),
    /// One function's cost options, with what-if knobs.
    Cost(String),
    /// A what-if simulation of one function's observed traffic.
    Sim(String),
    /// One function's invocations, slowest first.
    Invocations(String),
}

impl View {
    pub fn title(&self) -> String {
        match self {
            View::Functions => "functions".into(),
            View::Detail(f) => format!("function {f}"),
            View::Logs => "logs".into(),
            View::Traces => "traces".into(),
            View::Trace(id) => format!("trace {id}"),
            View::Cost(f) => format!("cost of {f}"),
            View::Sim(f) => format!("simulate {f}"),
            View::Invocations(f) => format!("invocations of {f}"),
        }
    }
}

/// What the bottom line is being used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Normal,
    /// After `:`.
    Command(String),
    /// After `/`.
    Filter(String),
}

/// Columns of the functions view, in sort order: header, and width in the table (room for the
/// header and its sort mark).
pub const FUNCTION_COLUMNS: &[(&str, u16)] = &[
    ("FUNCTION", 18),
    ("INVOC", 8),
    ("ERR%", 7),
    ("COLD%", 7),
    ("P50 WARM", 10),
    ("P99 WARM", 10),
    ("P99 COLD", 10),
    ("INIT P50", 10),
    ("MEM USED/CONF", 15),
    ("$/MONTH", 9),
    ("$/1M", 8),
    ("FLAGS", 7),
];

/// A sort key of an amount.
fn dollars(d: rust_decimal::Decimal) -> f64 {
    rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(0.0)
}

/// A `/` filter: a regex, `!` first inverts it; empty clears it.
fn parse_filter(text: &str) -> Result<Option<(Regex, bool)>, String> {
    let (pattern, invert) = match text.strip_prefix('!') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    if pattern.is_empty() {
        return Ok(None);
    }
    Regex::new(pattern)
        .map(|re| Some((re, invert)))
        .map_err(|e| {
            format!(
                "not a regular expression: {}",
                e.to_string().lines().last().unwrap_or("")
            )
        })
}

/// Concurrency AWS keeps unreserved in every account (facts 3.3): provisioned concurrency of a
/// function without a reservation comes out of the rest.
const MIN_UNRESERVED: u64 = 100;

/// The most provisioned concurrency the simulate view's function can have under an account
/// limit of `limit` (the simulator refuses more).
fn provisioned_cap(limit: u64) -> u32 {
    // At most 1,000 (the knob's own end): fits in u32.
    u32::try_from(limit.saturating_sub(MIN_UNRESERVED).min(1_000)).unwrap_or(1_000)
}

/// How [`provisioned_cap_note`] starts.
const CAP_NOTE: &str = "provisioned concurrency stops at ";

fn provisioned_cap_note(limit: u64) -> String {
    format!(
        "{CAP_NOTE}{}: the account limit {limit} keeps {MIN_UNRESERVED} unreserved (raise the limit knob for more)",
        provisioned_cap(limit)
    )
}

/// The next (`up`) or previous value on a knob's scale, from the first step at or above `now`.
fn step<T: PartialOrd + Copy>(steps: &[T], now: T, up: bool) -> T {
    let i = steps
        .iter()
        .position(|s| *s >= now)
        .unwrap_or(steps.len() - 1);
    let j = if up {
        (i + 1).min(steps.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    steps[j]
}

/// Side effects a key asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Run the logs view's query (a background job); `id` orders the answers.
    RunLogsQuery {
        id: u64,
        text: String,
        scope: super::data::LogsScope,
    },
    /// Simulate one function with the simulate view's knobs (a background job).
    RunSim {
        id: u64,
        function: String,
        knobs: super::data::SimKnobs,
    },
    /// Price one function with the cost view's knobs (a background job).
    RunCost {
        id: u64,
        function: String,
        knobs: super::data::CostKnobs,
    },
}

/// Loading progress, as the loading screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loading {
    /// Bytes read so far.
    pub bytes: u64,
    /// The inputs' size and number of files (0 when not told).
    pub total_bytes: u64,
    pub files: u64,
    /// Reading is over; the figures are being computed.
    pub computing: bool,
    pub elapsed_ms: u64,
}

#[derive(Debug)]
pub struct App {
    pub data: Option<Arc<DashData>>,
    /// Loading progress (while `data` is `None`).
    pub loading: Loading,
    /// Why loading failed.
    pub load_error: Option<String>,
    /// Jobs asked for before the data was loaded: started once it is.
    deferred: Vec<Effect>,
    /// The view stack: `esc` pops.
    pub views: Vec<View>,
    pub input: Input,
    pub help: bool,
    /// One line of news (loading, an error, a hint).
    pub status: String,
    // Functions view.
    pub selected: usize,
    pub sort_column: usize,
    pub sort_reverse: bool,
    /// The filter as typed (`!` first inverts it).
    pub filter_text: String,
    filter: Option<(Regex, bool)>,
    // Logs view.
    pub logs_query: String,
    /// The level filter and time range (`L`, `T`).
    pub logs_scope: super::data::LogsScope,
    pub logs: Option<QueryResult>,
    pub logs_selected: usize,
    pub logs_running: bool,
    /// The selected row shown whole (enter), scrolled this many lines.
    pub logs_popup: Option<u16>,
    /// The terminal's size (columns, rows) at the last frame; (0, 0) before the first: what
    /// the row popup's scroll is bounded by.
    pub screen: (u16, u16),
    /// Why the last query failed (shown in place of the rows).
    pub logs_error: Option<String>,
    logs_id: u64,
    // Traces view.
    pub traces_selected: usize,
    pub trace_filter_text: String,
    trace_filter: Option<(Regex, bool)>,
    pub errors_only: bool,
    pub cold_only: bool,
    // Cost view: the knobs and the latest answer.
    pub cost_knobs: super::data::CostKnobs,
    /// The function the knobs were turned for.
    cost_function: Option<String>,
    pub cost: Option<super::data::CostAnswer>,
    /// Why the last pricing failed (shown in its place).
    pub cost_error: Option<String>,
    pub cost_running: bool,
    cost_id: u64,
    /// The cursor in the cost view's options (cheapest first).
    pub cost_selected: usize,
    // Invocations view.
    pub invocations_selected: usize,
    // Simulate view: the knobs, the knob the arrows change, the latest run and the baseline.
    pub sim_knobs: super::data::SimKnobs,
    pub sim_knob: usize,
    pub sim: Option<super::data::SimRun>,
    pub sim_baseline: Option<super::data::SimRun>,
    pub sim_running: bool,
    /// Why the last simulation could not run (shown in its place).
    pub sim_error: Option<String>,
    /// What was loaded (the status line when no view has a message of its own).
    pub summary: String,
    sim_id: u64,
    /// Colours (`--theme`, `theme` in the config file).
    pub theme: super::theme::Theme,
}

/// The simulate view's knobs, in the order `[`/`]` (or tab) walk them.
pub const SIM_KNOBS: &[&str] = &[
    "traffic ×",
    "keep-alive s",
    "provisioned",
    "memory MB",
    "concurrency limit",
    "scaling /10 s",
];

/// Edits a prompt's text with `key`: characters, backspace, Ctrl-U (clear) and Ctrl-W (the last
/// word); other control combinations do nothing (they are not text).
fn edit_line(s: &mut String, key: KeyEvent) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Backspace => {
            s.pop();
        }
        KeyCode::Char('u') if ctrl => s.clear(),
        KeyCode::Char('w') if ctrl => {
            let kept = s.trim_end().rfind(' ').map_or(0, |i| i + 1);
            s.truncate(kept);
        }
        KeyCode::Char(_) if ctrl || key.modifiers.contains(KeyModifiers::ALT) => {}
        KeyCode::Char(c) => s.push(c),
        _ => {}
    }
}

impl App {
    pub fn new(status: impl Into<String>) -> App {
        App {
            data: None,
            loading: Loading::default(),
            load_error: None,
            deferred: Vec::new(),
            views: vec![View::Functions],
            input: Input::Normal,
            help: false,
            status: status.into(),
            selected: 0,
            sort_column: 0,
            sort_reverse: false,
            filter_text: String::new(),
            filter: None,
            logs_query: String::new(),
            logs_scope: super::data::LogsScope::default(),
            logs: None,
            logs_selected: 0,
            logs_running: false,
            logs_popup: None,
            screen: (0, 0),
            logs_error: None,
            logs_id: 0,
            traces_selected: 0,
            trace_filter_text: String::new(),
            trace_filter: None,
            errors_only: false,
            cold_only: false,
            cost_knobs: super::data::CostKnobs::default(),
            cost_function: None,
            cost: None,
            cost_error: None,
            cost_running: false,
            cost_id: 0,
            cost_selected: 0,
            invocations_selected: 0,
            sim_knobs: super::data::SimKnobs::default(),
            sim_knob: 0,
            sim: None,
            sim_baseline: None,
            sim_running: false,
            sim_error: None,
            summary: String::new(),
            sim_id: 0,
            theme: super::theme::Theme::default(),
        }
    }

    pub fn view(&self) -> &View {
        self.views.last().unwrap_or(&View::Functions)
    }

    /// The data arrived from the loading job. Returns the jobs asked for while it loaded, to
    /// start now.
    pub fn loaded(&mut self, data: DashData) -> Vec<Effect> {
        let n = data.report.functions.len();
        let inv: u64 = data.report.functions.iter().map(|f| f.invocations).sum();
        let reasons = &data.inputs.skip_reasons;
        self.summary = format!(
            "{}: {n} function{}, {inv} invocation{}{}{}{}",
            data.source_label,
            if n == 1 { "" } else { "s" },
            if inv == 1 { "" } else { "s" },
            if n == 0 && data.inputs.filtered_out.is_some() {
                ", none matched --function/--since/--until"
            } else if n == 0 {
                ", no invocations (REPORT lines or platform.report events) found"
            } else {
                ""
            },
            if data.skipped > 0 {
                format!(
                    ", {} malformed record{} skipped{}",
                    data.skipped,
                    if data.skipped == 1 { "" } else { "s" },
                    if reasons.is_empty() {
                        String::new()
                    } else {
                        let top: Vec<String> = reasons
                            .iter()
                            .take(2)
                            .map(|(r, k)| format!("{k} {r}"))
                            .collect();
                        format!(
                            " ({}{})",
                            top.join(", "),
                            if reasons.len() > 2 { ", ..." } else { "" }
                        )
                    }
                )
            } else {
                String::new()
            },
            data.notes
                .first()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
        self.status = self.summary.clone();
        self.data = Some(Arc::new(data));
        self.selected = 0;
        std::mem::take(&mut self.deferred)
    }

    /// The loading job failed: nothing asked for meanwhile will run.
    pub fn load_failed(&mut self, why: String) {
        self.status = format!("loading failed: {}", why.lines().next().unwrap_or(""));
        self.load_error = Some(why);
        self.deferred.clear();
        self.logs_running = false;
        self.cost_running = false;
        self.sim_running = false;
    }

    /// Asks for a job: started now, or once the data is loaded (the latest request of a kind
    /// replaces an earlier one).
    fn request(&mut self, e: Effect, effects: &mut Vec<Effect>) {
        if self.data.is_some() {
            effects.push(e);
            return;
        }
        let kind = super::jobs::JobKind::of(&e);
        if let Some(why) = &self.load_error {
            // No data will come: the request cannot run, and no view may wait for it.
            self.status = format!(
                "loading failed, nothing to work on: {}",
                why.lines().next().unwrap_or("")
            );
            match kind {
                Some(super::jobs::JobKind::Logs) => self.logs_running = false,
                Some(super::jobs::JobKind::Cost) => self.cost_running = false,
                Some(super::jobs::JobKind::Sim) => self.sim_running = false,
                None => effects.push(e),
            }
            return;
        }
        self.deferred
            .retain(|d| super::jobs::JobKind::of(d) != kind);
        self.deferred.push(e);
    }

    /// The logs job answered; answers of superseded queries are dropped.
    pub fn logs_answer(&mut self, id: u64, result: Result<QueryResult, String>) {
        if id != self.logs_id {
            return;
        }
        self.logs_running = false;
        // The status line is the view's on screen: an answer that comes in after the logs
        // view was left is kept for it, not written over another view's line.
        let here = self.view() == &View::Logs;
        match result {
            Ok(r) => {
                if here {
                    self.status = format!("{} rows", r.rows.len());
                }
                self.logs_popup = None;
                self.logs = Some(r);
                self.logs_error = None;
                self.logs_selected = 0;
            }
            Err(e) => {
                // The view shows the error, whole, in place of the rows of an older query.
                if here {
                    self.status = e.lines().next().unwrap_or("").to_string();
                }
                self.logs_error = Some(e);
            }
        }
    }

    /// Functions in the view's order: filtered, then sorted by the sort column.
    pub fn function_rows(&self) -> Vec<&crate::analytics::FunctionReport> {
        let Some(data) = &self.data else {
            return Vec::new();
        };
        let mut rows: Vec<_> = data
            .report
            .functions
            .iter()
            .filter(|f| match &self.filter {
                Some((re, invert)) => re.is_match(&f.function) != *invert,
                None => true,
            })
            .collect();
        let key = |f: &crate::analytics::FunctionReport| -> f64 {
            let cost = data.costs.get(&f.function);
            match self.sort_column {
                1 => f.invocations as f64,
                2 => f.error_ratio,
                3 => f.cold_start_ratio,
                4 => f.warm_duration_ms.p50.unwrap_or(-1.0),
                5 => f.warm_duration_ms.p99.unwrap_or(-1.0),
                6 => f.cold_duration_ms.p99.unwrap_or(-1.0),
                // A SnapStart function starts cold by restoring: its restore time (as
                // `faascope report`'s `init p50`).
                7 => f
                    .init_duration_ms
                    .p50
                    .or(f.restore_duration_ms.p50)
                    .unwrap_or(-1.0),
                8 => f.memory_utilization_max.unwrap_or(-1.0),
                9 => cost.map_or(-1.0, |c| dollars(c.usd_per_month)),
                10 => cost.and_then(|c| c.usd_per_million).map_or(-1.0, dollars),
                _ => data.findings_of(&f.function).count() as f64,
            }
        };
        if self.sort_column == 0 {
            rows.sort_by(|a, b| a.function.cmp(&b.function));
        } else {
            // Numbers: largest first, as `report --sort` does.
            rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.function.cmp(&b.function)));
        }
        if self.sort_reverse {
            rows.reverse();
        }
        rows
    }

    /// The invocation under the cursor of the invocations view.
    pub fn selected_invocation(&self) -> Option<&crate::model::Invocation> {
        let View::Invocations(f) = self.view() else {
            return None;
        };
        let data = self.data.as_ref()?;
        let i = *data
            .invocations_by_function
            .get(f)?
            .get(self.invocations_selected)?;
        data.tables.invocations.get(i)
    }

    /// Traces in the view's order (slowest first), filtered.
    pub fn trace_rows(&self) -> Vec<&crate::analytics::traces::TraceSummary> {
        let Some(data) = &self.data else {
            return Vec::new();
        };
        data.traces
            .iter()
            .filter(|t| !self.errors_only || t.error || t.fault || t.throttle)
            .filter(|t| !self.cold_only || t.cold_start == Some(true))
            .filter(|t| match &self.trace_filter {
                Some((re, invert)) => (re.is_match(&t.root) || re.is_match(&t.trace_id)) != *invert,
                None => true,
            })
            .collect()
    }

    /// How far the row popup can scroll: its wrapped lines less a screenful, at the width of
    /// the screen less its margins and a few columns (more rows than it shows, never fewer:
    /// the frame bounds the rest). Unbounded before the first frame.
    fn popup_max_scroll(&self) -> u16 {
        let (w, h) = self.screen;
        let row = self
            .logs
            .as_ref()
            .and_then(|l| Some((&l.columns, l.rows.get(self.logs_selected)?)));
        match row {
            Some((columns, row)) if w > 0 && h > 0 => {
                let rows = super::ui::popup_rows(columns, row, w.saturating_sub(10));
                u16::try_from(rows.saturating_sub(usize::from(h / 2))).unwrap_or(u16::MAX)
            }
            _ => u16::MAX,
        }
    }

    fn rows_in_view(&self) -> usize {
        match self.view() {
            View::Functions => self.function_rows().len(),
            View::Logs => self.logs.as_ref().map_or(0, |l| l.rows.len()),
            View::Traces => self.trace_rows().len(),
            View::Invocations(f) => self
                .data
                .as_ref()
                .and_then(|d| d.invocations_by_function.get(f))
                .map_or(0, Vec::len),
            View::Cost(_) => self.cost.as_ref().map_or(0, |c| c.comparison.options.len()),
            View::Detail(_) | View::Trace(_) | View::Sim(_) => 0,
        }
    }

    fn move_selection(&mut self, delta: isize) {
        let n = self.rows_in_view();
        let sel = match self.view() {
            View::Functions => &mut self.selected,
            View::Logs => &mut self.logs_selected,
            View::Traces => &mut self.traces_selected,
            View::Invocations(_) => &mut self.invocations_selected,
            View::Cost(_) => &mut self.cost_selected,
            // No list here: the functions view's cursor is not this view's to move.
            View::Detail(_) | View::Trace(_) | View::Sim(_) => return,
        };
        if n == 0 {
            *sel = 0;
            return;
        }
        let next = (*sel as isize + delta).clamp(0, n as isize - 1);
        *sel = next as usize;
    }

    fn open_logs(&mut self, effects: &mut Vec<Effect>) {
        if self.view() != &View::Logs {
            self.views.push(View::Logs);
        }
        if self.logs.is_none() && !self.logs_running {
            self.run_logs(effects);
        }
    }

    /// The function the cost, simulate and invocations views take: the one on screen (the
    /// detail view's, the selected trace's, the selected log row's), else the selected row of
    /// the functions view. `Err` is the status line when the view shows no function that has
    /// invocations: a key must never act on a function the screen does not show.
    fn cost_target(&self) -> Result<String, String> {
        let known = |f: &str| {
            self.data
                .as_ref()
                .is_some_and(|d| d.report.functions.iter().any(|r| r.function == f))
        };
        let of_trace = |id: &str| -> Result<String, String> {
            // The earliest segment that is a function read from logs: the root, or what an API
            // Gateway root calls (a span's function is its segment's name).
            let data = self.data.as_ref().ok_or("no data")?;
            let mut spans: Vec<_> = data
                .tables
                .spans
                .iter()
                .filter(|s| s.trace_id == id)
                .collect();
            spans.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
            spans
                .iter()
                .map(|s| &*s.function)
                .find(|f| known(f))
                .map(str::to_string)
                .ok_or_else(|| {
                    format!("no function of trace {id} has invocations in the logs read: nothing to price or simulate")
                })
        };
        match self.view() {
            View::Detail(f) | View::Cost(f) | View::Sim(f) | View::Invocations(f) => Ok(f.clone()),
            View::Trace(id) => of_trace(id),
            View::Traces => match self.trace_rows().get(self.traces_selected) {
                Some(t) => of_trace(&t.trace_id),
                None => Err("no trace selected".into()),
            },
            View::Logs => {
                let row = self.logs.as_ref().and_then(|l| {
                    let at = l.columns.iter().position(|c| c == "function")?;
                    match l.rows.get(self.logs_selected)?.get(at)? {
                        crate::query::Value::Str(f) => Some(f.clone()),
                        _ => None,
                    }
                });
                match row {
                    Some(f) if known(&f) => Ok(f),
                    Some(f) => Err(format!(
                        "{} has no invocations in the logs read: nothing to price or simulate",
                        crate::output::sanitize(&f)
                    )),
                    None => Err(
                        "the selected row names no function (a `function` column): pick one in the functions view (esc)"
                            .into(),
                    ),
                }
            }
            View::Functions => self
                .function_rows()
                .get(self.selected)
                .map(|f| f.function.clone())
                .ok_or_else(|| "no function selected".into()),
        }
    }

    fn open_cost(&mut self, effects: &mut Vec<Effect>) {
        if self.data.is_none() {
            self.status =
                "the sources are still loading: the cost view opens once they are in".into();
            return;
        }
        let function = match self.cost_target() {
            Ok(f) => f,
            Err(why) => {
                self.status = why;
                return;
            }
        };
        if self.view() != &View::Cost(function.clone()) {
            // Knobs belong to one function: another starts from its own configuration.
            if self.cost_function.as_deref() != Some(function.as_str()) {
                self.cost_knobs = super::data::CostKnobs::default();
                self.cost_function = Some(function.clone());
                self.cost_selected = 0;
            }
            self.views.push(View::Cost(function));
        }
        self.cost = None;
        self.run_cost(effects);
    }

    fn run_cost(&mut self, effects: &mut Vec<Effect>) {
        self.cost_id += 1;
        self.cost_running = true;
        if let Some(e) = self.cost_error.take() {
            if self.status == e.lines().next().unwrap_or("") {
                self.status = self.summary.clone();
            }
        }
        let function = match self.view() {
            View::Cost(f) => f.clone(),
            _ => String::new(),
        };
        let e = Effect::RunCost {
            id: self.cost_id,
            function,
            knobs: self.cost_knobs,
        };
        self.request(e, effects);
    }

    /// The cost job answered; answers for older knob settings are dropped.
    pub fn cost_answer(&mut self, id: u64, result: Result<super::data::CostAnswer, String>) {
        if id != self.cost_id {
            return;
        }
        self.cost_running = false;
        match result {
            Ok(c) => self.cost = Some(c),
            Err(e) => {
                // No answer for these knobs: the last one is not shown as if it were.
                self.cost = None;
                if matches!(self.view(), View::Cost(_)) {
                    self.status = e.lines().next().unwrap_or("").to_string();
                }
                self.cost_error = Some(e);
            }
        }
    }

    fn open_sim(&mut self, effects: &mut Vec<Effect>) {
        if self.data.is_none() {
            self.status =
                "the sources are still loading: the simulate view opens once they are in".into();
            return;
        }
        let function = match self.cost_target() {
            Ok(f) => f,
            Err(why) => {
                self.status = why;
                return;
            }
        };
        if self.view() != &View::Sim(function.clone()) {
            self.views.push(View::Sim(function));
        }
        self.sim = None;
        self.sim_baseline = None;
        self.sim_knobs = super::data::SimKnobs::default();
        self.run_sim(effects);
    }

    fn run_sim(&mut self, effects: &mut Vec<Effect>) {
        self.sim_id += 1;
        self.sim_running = true;
        // The last run's error is no longer news once the knobs change.
        if let Some(e) = self.sim_error.take() {
            if self.status == e.lines().next().unwrap_or("") {
                self.status = self.summary.clone();
            }
        }
        let function = match self.view() {
            View::Sim(f) => f.clone(),
            _ => String::new(),
        };
        let e = Effect::RunSim {
            id: self.sim_id,
            function,
            knobs: self.sim_knobs,
        };
        self.request(e, effects);
    }

    /// A simulation finished; runs for older knob settings are dropped. A run at the default
    /// knobs is kept as the baseline the later ones are compared with (only such a run: when
    /// the first run was superseded by a knob change, the baseline waits for the knobs to come
    /// back to their defaults rather than show another setting under its name).
    pub fn sim_answer(&mut self, id: u64, result: Result<super::data::SimRun, String>) {
        if id != self.sim_id {
            return;
        }
        self.sim_running = false;
        match result {
            Ok(out) => {
                if self.sim_baseline.is_none() && out.knobs == super::data::SimKnobs::default() {
                    self.sim_baseline = Some(out.clone());
                }
                self.sim = Some(out);
            }
            Err(e) => {
                // No result for these knobs: the last one is not shown as if it were (the
                // view shows the error, whole, in its place).
                self.sim = None;
                if matches!(self.view(), View::Sim(_)) {
                    self.status = e.lines().next().unwrap_or("").to_string();
                }
                self.sim_error = Some(e);
            }
        }
    }

    /// The configured memory of a function (its latest REPORT line's), 128 MB when unknown.
    pub fn configured_memory_mb(&self, function: &str) -> u32 {
        self.data
            .as_ref()
            .and_then(|d| {
                d.report
                    .functions
                    .iter()
                    .find(|f| f.function == function)
                    .and_then(|f| f.memory_size_mb)
            })
            .unwrap_or(128)
    }

    /// The most memory a function was seen to use (its REPORT lines' Max Memory Used).
    pub fn max_memory_used_mb(&self, function: &str) -> Option<f64> {
        self.data.as_ref().and_then(|d| {
            d.report
                .functions
                .iter()
                .find(|f| f.function == function)
                .and_then(|f| f.max_memory_used_mb.max)
        })
    }

    /// A warning when a memory what-if is below what the function was seen to use.
    pub fn memory_warning(&self, function: &str, memory_mb: Option<u32>) -> Option<String> {
        let (m, used) = (memory_mb?, self.max_memory_used_mb(function)?);
        (f64::from(m) < used).then(|| {
            format!(
                "{m} MB is below the {used:.0} MB the function used at most: it would run out of memory"
            )
        })
    }

    /// Turns the selected knob one step up (`up`) or down. Provisioned concurrency stays within
    /// what the account limit knob lets a function provision (see [`provisioned_cap`]); while
    /// it is held at that cap the status line says so for the limit the knob shows.
    fn turn_knob(&mut self, up: bool) {
        let configured = match self.view() {
            View::Sim(f) => self.configured_memory_mb(f),
            _ => 128,
        };
        let had_note = self.status.starts_with(CAP_NOTE);
        let mut note = false;
        let k = &mut self.sim_knobs;
        match self.sim_knob {
            0 => {
                k.traffic_scale = step(
                    &[0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0],
                    k.traffic_scale,
                    up,
                )
            }
            1 => {
                k.keep_alive_s = step(
                    &[60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0],
                    k.keep_alive_s,
                    up,
                )
            }
            2 => {
                k.provisioned = if up {
                    (k.provisioned + 1).min(provisioned_cap(k.concurrency_limit))
                } else {
                    k.provisioned.saturating_sub(1)
                };
                note = up && k.provisioned == provisioned_cap(k.concurrency_limit);
            }
            3 => k.memory_mb = super::data::step_memory(k.memory_mb, configured, up),
            4 => {
                k.concurrency_limit = step(
                    &[1, 2, 5, 10, 50, 100, 500, 1_000, 3_000, 10_000],
                    k.concurrency_limit,
                    up,
                );
                // A lower limit leaves less to provision: the knob follows.
                let cap = provisioned_cap(k.concurrency_limit);
                if k.provisioned > cap {
                    k.provisioned = cap;
                    note = true;
                }
            }
            _ => k.scaling_per_10s = step(&[1, 5, 10, 50, 100, 500, 1_000], k.scaling_per_10s, up),
        }
        let (limit, held) = (
            k.concurrency_limit,
            k.provisioned == provisioned_cap(k.concurrency_limit),
        );
        if note || (had_note && held) {
            // Said for the limit as it is now, not as it was when the knob was first held.
            self.status = provisioned_cap_note(limit);
        } else if had_note {
            self.status = self.summary.clone();
        }
    }

    fn open_traces(&mut self) {
        if self.view() != &View::Traces {
            self.views.truncate(1);
            self.views.push(View::Traces);
        }
        if let Some(d) = self.data.as_ref().filter(|d| d.traces.is_empty()) {
            // Traces read and all left out by the options differ from none read (review of
            // 2026-12-07: the view asked for the files it had been given).
            self.status = match d.inputs.traces_filtered_out {
                Some(n) => {
                    format!("none of the {n} trace(s) read matched --function/--since/--until")
                }
                None => "no X-Ray traces in the sources (add trace files or xray://)".into(),
            };
        }
    }

    fn run_logs(&mut self, effects: &mut Vec<Effect>) {
        self.logs_id += 1;
        self.logs_running = true;
        self.status = if self.data.is_some() {
            "running the query...".into()
        } else {
            "the query runs once the sources are loaded".into()
        };
        let e = Effect::RunLogsQuery {
            id: self.logs_id,
            text: self.logs_query.clone(),
            scope: self.logs_scope,
        };
        self.request(e, effects);
    }

    fn command(&mut self, cmd: &str, effects: &mut Vec<Effect>) {
        match cmd.trim() {
            "q" | "q!" | "quit" => effects.push(Effect::Quit),
            "functions" | "fn" | "func" => {
                self.views.truncate(1);
            }
            "logs" | "log" => self.open_logs(effects),
            "traces" | "trace" | "tr" => self.open_traces(),
            "cost" | "$" => self.open_cost(effects),
            "help" => self.help = true,
            "sim" | "simulate" => self.open_sim(effects),
            other => {
                self.status = format!(
                    "unknown command :{other} (functions, logs, traces, cost, sim, q); ? shows the keys"
                )
            }
        }
    }

    fn apply_filter(&mut self, text: String, effects: &mut Vec<Effect>) {
        match self.view() {
            View::Logs => {
                self.logs_query = text;
                self.run_logs(effects);
            }
            View::Traces | View::Trace(_) => match parse_filter(&text) {
                Ok(f) => {
                    self.trace_filter = f;
                    self.trace_filter_text = if self.trace_filter.is_some() {
                        text
                    } else {
                        String::new()
                    };
                    self.traces_selected = 0;
                    // A regex error from an earlier try is no longer news.
                    self.status = self.summary.clone();
                }
                Err(e) => self.status = e,
            },
            _ => match parse_filter(&text) {
                Ok(f) => {
                    self.filter = f;
                    self.filter_text = if self.filter.is_some() {
                        text
                    } else {
                        String::new()
                    };
                    self.selected = 0;
                    self.status = self.summary.clone();
                }
                Err(e) => self.status = e,
            },
        }
    }

    /// Handles one key; returns what the event loop must do.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let view_before = self.view().clone();
        let status_before = self.status.clone();
        let effects = self.handle_key(key);
        // A message belongs to the view it was made in: another view starts without it
        // (unless this key made a new one).
        if self.view() != &view_before && self.status == status_before {
            self.status = self.summary.clone();
        }
        if self.view() != &view_before {
            self.logs_popup = None;
        }
        effects
    }

    fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let mut effects = Vec::new();
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            effects.push(Effect::Quit);
            return effects;
        }
        match std::mem::replace(&mut self.input, Input::Normal) {
            Input::Command(mut s) => match key.code {
                KeyCode::Enter => self.command(&s, &mut effects),
                KeyCode::Esc => {}
                _ => {
                    edit_line(&mut s, key);
                    self.input = Input::Command(s);
                }
            },
            Input::Filter(mut s) => match key.code {
                KeyCode::Enter => self.apply_filter(s, &mut effects),
                KeyCode::Esc => {}
                _ => {
                    edit_line(&mut s, key);
                    self.input = Input::Filter(s);
                }
            },
            Input::Normal => self.normal_key(key, &mut effects),
        }
        effects
    }

    fn normal_key(&mut self, key: KeyEvent, effects: &mut Vec<Effect>) {
        if self.help {
            // Any key closes the help; `q` still quits.
            self.help = false;
            if key.code != KeyCode::Char('q') {
                return;
            }
        }
        if let (Some(scroll), View::Logs) = (self.logs_popup, self.view()) {
            // The row popup: j/k show the next and previous rows, PgDn/PgUp scroll a long
            // one; `q` still quits, any other key closes it.
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    self.move_selection(1);
                    self.logs_popup = Some(0);
                    return;
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    self.move_selection(-1);
                    self.logs_popup = Some(0);
                    return;
                }
                KeyCode::PageDown => {
                    self.logs_popup = Some(scroll.saturating_add(10).min(self.popup_max_scroll()));
                    return;
                }
                KeyCode::PageUp => {
                    self.logs_popup = Some(scroll.saturating_sub(10));
                    return;
                }
                KeyCode::Char('q') => {}
                _ => {
                    self.logs_popup = None;
                    return;
                }
            }
        }
        match key.code {
            KeyCode::Char('q') => effects.push(Effect::Quit),
            KeyCode::Char(':') => self.input = Input::Command(String::new()),
            // The views with a filter of their own: elsewhere `/` would set the functions
            // view's filter out of sight (review of 2026-12-07: the list came back empty).
            KeyCode::Char('/')
                if !matches!(self.view(), View::Functions | View::Logs | View::Traces) =>
            {
                self.status = "`/` filters the functions, logs and traces views: `esc` back to one of them (`:functions`, `:logs`, `:traces`)".into();
            }
            KeyCode::Char('/') => {
                // The logs query is kept for editing; a name filter starts afresh (as k9s).
                let current = match self.view() {
                    View::Logs => self.logs_query.clone(),
                    _ => String::new(),
                };
                self.input = Input::Filter(current);
            }
            KeyCode::Char('?') => self.help = true,
            KeyCode::Esc if self.view() == &View::Traces && self.trace_filter.is_some() => {
                self.trace_filter = None;
                self.trace_filter_text.clear();
            }
            // As in the traces view: the first `esc` clears the query (every log line again),
            // the next one goes back.
            KeyCode::Esc if self.view() == &View::Logs && !self.logs_query.trim().is_empty() => {
                self.apply_filter(String::new(), effects);
            }
            KeyCode::Esc => {
                if self.views.len() > 1 {
                    self.views.pop();
                } else if self.filter.is_some() {
                    self.filter = None;
                    self.filter_text.clear();
                }
            }
            KeyCode::Char('j') | KeyCode::Down => self.move_selection(1),
            KeyCode::Char('k') | KeyCode::Up => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(20),
            KeyCode::PageUp => self.move_selection(-20),
            KeyCode::Char('g') | KeyCode::Home => self.move_selection(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.move_selection(isize::MAX / 2),
            KeyCode::Char('>') if self.view() == &View::Functions => {
                self.sort_column = (self.sort_column + 1) % FUNCTION_COLUMNS.len();
            }
            KeyCode::Char('<') if self.view() == &View::Functions => {
                self.sort_column =
                    (self.sort_column + FUNCTION_COLUMNS.len() - 1) % FUNCTION_COLUMNS.len();
            }
            KeyCode::Char('r') if self.view() == &View::Functions => {
                self.sort_reverse = !self.sort_reverse
            }
            KeyCode::Char('l') if self.view() != &View::Logs => self.open_logs(effects),
            KeyCode::Char('t') if self.view() != &View::Traces => self.open_traces(),
            KeyCode::Char('$') if !matches!(self.view(), View::Cost(_)) => self.open_cost(effects),
            KeyCode::Char('i') if !matches!(self.view(), View::Invocations(_) | View::Logs) => {
                match self.cost_target() {
                    Ok(f) => {
                        self.invocations_selected = 0;
                        self.views.push(View::Invocations(f));
                    }
                    Err(why) => self.status = why,
                }
            }
            KeyCode::Enter if matches!(self.view(), View::Invocations(_)) => {
                if let Some(inv) = self.selected_invocation() {
                    // Its log lines, oldest first: the logs view with the query that selects them.
                    // The id as a string literal of the query language (review of
                    // 2026-12-07: a `"` was dropped and a `\` read as an escape: 0 rows).
                    self.logs_query = request_lines_query(&inv.request_id);
                    // All of the invocation's lines, whatever the level and range were.
                    self.logs_scope = super::data::LogsScope::default();
                    self.views.push(View::Logs);
                    self.run_logs(effects);
                }
            }
            KeyCode::Char('x') if matches!(self.view(), View::Invocations(_)) => {
                match self.selected_invocation().and_then(|i| i.trace_id.clone()) {
                    // A trace id in the logs, but no spans of it read: say how to get them.
                    Some(id)
                        if self
                            .data
                            .as_ref()
                            .is_some_and(|d| !d.tables.spans.iter().any(|s| s.trace_id == id)) =>
                    {
                        let spans = self.data.as_ref().map_or(0, |d| d.tables.spans.len());
                        self.status = super::ui::no_such_trace(&id, spans);
                    }
                    Some(id) => self.views.push(View::Trace(id)),
                    None => self.status = "this invocation has no X-Ray trace id".into(),
                }
            }
            KeyCode::Char('s') if !matches!(self.view(), View::Sim(_) | View::Logs) => {
                self.open_sim(effects)
            }
            KeyCode::Tab | KeyCode::Char(']') if matches!(self.view(), View::Sim(_)) => {
                self.sim_knob = (self.sim_knob + 1) % SIM_KNOBS.len()
            }
            KeyCode::BackTab | KeyCode::Char('[') if matches!(self.view(), View::Sim(_)) => {
                self.sim_knob = (self.sim_knob + SIM_KNOBS.len() - 1) % SIM_KNOBS.len()
            }
            KeyCode::Char('+') | KeyCode::Char('=') | KeyCode::Right
                if matches!(self.view(), View::Sim(_)) =>
            {
                self.turn_knob(true);
                self.run_sim(effects);
            }
            KeyCode::Char('-') | KeyCode::Left if matches!(self.view(), View::Sim(_)) => {
                self.turn_knob(false);
                self.run_sim(effects);
            }
            KeyCode::Char('a') if matches!(self.view(), View::Cost(_)) => {
                self.cost_knobs.arm64 = !self.cost_knobs.arm64;
                self.run_cost(effects);
            }
            KeyCode::Char('+') | KeyCode::Char('=') if matches!(self.view(), View::Cost(_)) => {
                self.cost_knobs.provisioned =
                    self.cost_knobs.provisioned.saturating_add(1).min(10_000);
                self.run_cost(effects);
            }
            KeyCode::Char('-') if matches!(self.view(), View::Cost(_)) => {
                self.cost_knobs.provisioned = self.cost_knobs.provisioned.saturating_sub(1);
                self.run_cost(effects);
            }
            KeyCode::Char(c @ ('m' | 'M')) if matches!(self.view(), View::Cost(_)) => {
                let configured = match self.view() {
                    View::Cost(f) => self.configured_memory_mb(f),
                    _ => 128,
                };
                self.cost_knobs.memory_mb =
                    super::data::step_memory(self.cost_knobs.memory_mb, configured, c == 'M');
                self.run_cost(effects);
            }
            KeyCode::Char('L') if self.view() == &View::Logs => {
                let s = &mut self.logs_scope;
                s.level = (s.level + 1) % super::data::LOG_LEVELS.len();
                self.run_logs(effects);
            }
            KeyCode::Char('T') if self.view() == &View::Logs => {
                let s = &mut self.logs_scope;
                s.range = (s.range + 1) % super::data::LOG_RANGES.len();
                self.run_logs(effects);
            }
            KeyCode::Char('e') if self.view() == &View::Traces => {
                self.errors_only = !self.errors_only;
                self.traces_selected = 0;
            }
            KeyCode::Char('c') if self.view() == &View::Traces => {
                self.cold_only = !self.cold_only;
                self.traces_selected = 0;
            }
            KeyCode::Enter
                if self.view() == &View::Logs
                    && self.logs.as_ref().is_some_and(|r| !r.rows.is_empty()) =>
            {
                self.logs_popup = Some(0);
            }
            KeyCode::Enter if self.view() == &View::Traces => {
                if let Some(t) = self.trace_rows().get(self.traces_selected) {
                    let id = t.trace_id.clone();
                    self.views.push(View::Trace(id));
                }
            }
            KeyCode::Enter if self.view() == &View::Functions => {
                if let Some(f) = self.function_rows().get(self.selected) {
                    let name = f.function.clone();
                    self.views.push(View::Detail(name));
                }
            }
            _ => {}
        }
    }

    /// The keys of the current view, for `?`.
    pub fn help_lines(&self) -> Vec<(&'static str, &'static str)> {
        let mut lines = vec![
            (":", "command: :functions, :logs, :traces, :cost, :sim, :q"),
            (
                "/",
                "filter (functions: regex, ! inverts; logs: Logs Insights query or expression)",
            ),
            ("?", "this help"),
            ("esc", "back (or clear the filter)"),
            ("q", "quit"),
            ("j/k ↑/↓", "move; PgUp/PgDn, g/G top/bottom"),
        ];
        match self.view() {
            View::Functions => lines.extend([
                ("enter", "open the function's detail"),
                ("< / >", "move the sort column (marked ▼)"),
                ("r", "reverse the sort"),
                ("i", "the selected function's invocations, slowest first"),
                ("l", "logs"),
                ("t", "traces"),
                ("$", "the selected function's cost options"),
                ("s", "simulate the selected function (what-if knobs)"),
            ]),
            View::Detail(_) => lines.extend([
                ("i", "invocations, slowest first"),
                ("l", "logs"),
                ("t", "traces"),
                ("$", "cost options"),
                ("s", "simulate"),
            ]),
            View::Traces => lines.extend([
                ("enter", "the trace's waterfall"),
                ("e", "errors, faults and throttles only (toggle)"),
                ("c", "cold starts only (toggle)"),
                (
                    "$ / s / i",
                    "cost, simulate, invocations of the trace's function",
                ),
            ]),
            View::Trace(_) => lines.extend([
                ("esc", "back to the traces"),
                (
                    "$ / s / i",
                    "cost, simulate, invocations of the trace's function",
                ),
            ]),
            View::Sim(_) => lines.extend([
                ("tab / ]", "next knob ([ or shift-tab: previous)"),
                (
                    "+ / -",
                    "turn the knob (→ / ← too); the simulation re-runs in the background",
                ),
            ]),
            View::Cost(_) => lines.extend([
                (
                    "j/k",
                    "scroll the options (every option `faascope cost` prices)",
                ),
                ("a", "architecture: x86_64 / arm64"),
                (
                    "+ / -",
                    "provisioned concurrency to price (0: only at the observed percentiles)",
                ),
                (
                    "M / m",
                    "memory one step up / down (invocation time rescaled as faascope tune does)",
                ),
            ]),
            View::Invocations(_) => lines.extend([
                ("enter", "the invocation's log lines"),
                ("x", "its X-Ray trace (when it has one)"),
            ]),
            View::Logs => lines.extend([
                ("/", "e.g. @type = \"REPORT\" and @duration > 1000"),
                (
                    "enter",
                    "the selected row whole (j/k: next/previous, PgDn/PgUp: scroll, esc: close)",
                ),
                ("L", "level: all, ERROR, WARN, INFO, DEBUG"),
                (
                    "T",
                    "time range back from the newest line: all, 15m, 1h, 6h, 24h, 7d",
                ),
                (
                    "$",
                    "cost of the selected row's function (:sim simulates it)",
                ),
            ]),
        }
        lines
    }
}

/// The logs view's query for one request's lines, oldest first: the id as a string literal of
/// the query language, `"` and `\` escaped.
fn request_lines_query(request_id: &str) -> String {
    format!(
        "filter @requestId = \"{}\" | sort @timestamp asc",
        request_id.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    pub(crate) fn press(app: &mut App, keys: &str) -> Vec<Effect> {
        let mut all = Vec::new();
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\u{1b}' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            all.extend(app.key(KeyEvent {
                code,
                modifiers: KeyModifiers::NONE,
                kind: KeyEventKind::Press,
                state: ratatui::crossterm::event::KeyEventState::NONE,
            }));
        }
        all
    }

    fn app() -> App {
        let mut a = App::new("loading");
        a.loaded(super::super::tests::sample_data());
        a
    }

    /// Review of 2026-12-07: an id holding `"` or `\\` gave a query that found none of its lines.
    #[test]
    fn a_request_id_is_quoted_as_a_string_literal() {
        for id in ["abc\"def", "back\\slash", "plain-1"] {
            let q = request_lines_query(id);
            let parsed = crate::query::parse(&q).expect("parses");
            assert!(
                format!("{parsed:?}").contains(&format!("{id:?}")),
                "{q}: {parsed:?}"
            );
        }
    }

    #[test]
    fn sort_filter_and_drill_down() {
        let mut a = app();
        let names = |a: &App| -> Vec<String> {
            a.function_rows()
                .iter()
                .map(|f| f.function.clone())
                .collect()
        };
        assert_eq!(names(&a)[0], "catalog-snapstart", "by name first");
        press(&mut a, ">");
        assert_eq!(a.sort_column, 1);
        assert_eq!(names(&a)[0], "orders-api", "most invocations first");
        press(&mut a, "r");
        assert_eq!(names(&a)[0], "nightly-report");
        press(&mut a, "r<");
        assert_eq!(a.sort_column, 0);
        // Filter, inverted filter, and a bad regex keeps the old one.
        press(&mut a, "/^geo\n");
        assert_eq!(names(&a), ["geo-lookup"]);
        press(&mut a, "/!^geo\n");
        assert_eq!(names(&a).len(), 7);
        press(&mut a, "/(\n");
        assert!(a.status.starts_with("not a regular expression"));
        assert_eq!(names(&a).len(), 7);
        press(&mut a, "\u{1b}");
        assert_eq!(names(&a).len(), 8, "esc clears the filter");
        // Down twice, enter: the third function's detail; esc back.
        press(&mut a, "jj\n");
        assert_eq!(a.view(), &View::Detail("image-batch".into()));
        press(&mut a, "\u{1b}");
        assert_eq!(a.view(), &View::Functions);
        // Selection stays in range.
        press(&mut a, "G");
        assert_eq!(a.selected, 7);
        press(&mut a, "jjj");
        assert_eq!(a.selected, 7);
    }

    /// An answer that comes in after its view was left does not write over the status line
    /// of the view on screen (the summary, with the skipped-record count).
    #[test]
    fn a_late_answer_leaves_another_views_status_alone() {
        let mut a = app();
        a.summary = "sample-data/: 8 functions, 1 malformed record skipped".into();
        a.status = a.summary.clone();
        let e = press(&mut a, "l\u{1b}");
        let Some(Effect::RunLogsQuery { id, .. }) = e.first().cloned() else {
            panic!("{e:?}")
        };
        assert_eq!(a.view(), &View::Functions);
        let rows = QueryResult {
            rows: vec![vec![crate::query::Value::Num(1.0)]; 352],
            ..QueryResult::default()
        };
        a.logs_answer(id, Ok(rows));
        assert_eq!(a.status, a.summary);
        assert!(a.logs.is_some(), "kept for the logs view");
        a.logs_answer(id, Err("filter:1:1: unexpected".into()));
        assert_eq!(a.status, a.summary);
        for keys in ["$\u{1b}", "s\u{1b}"] {
            let e = press(&mut a, keys);
            assert_eq!(a.view(), &View::Functions);
            match e.first().cloned() {
                Some(Effect::RunCost { id, .. }) => a.cost_answer(id, Err("no prices".into())),
                Some(Effect::RunSim { id, .. }) => a.sim_answer(id, Err("refused".into())),
                other => panic!("{other:?}"),
            }
            assert_eq!(a.status, a.summary, "{keys:?}");
        }
        // In its own view, an answer is news.
        let e = press(&mut a, "lL");
        let Some(Effect::RunLogsQuery { id, .. }) = e.first().cloned() else {
            panic!("{e:?}")
        };
        a.logs_answer(
            id,
            Ok(QueryResult {
                rows: vec![vec![crate::query::Value::Num(1.0)]; 3],
                ..QueryResult::default()
            }),
        );
        assert_eq!(a.status, "3 rows");
    }

    /// Fourth-round dashboard review: `$`, `s` and `i` in the traces, waterfall and logs views
    /// acted on the functions view's selected row (catalog-snapstart, which has no traces),
    /// not on the trace or log row on screen.
    #[test]
    fn keys_act_on_the_function_on_screen() {
        let mut a = app();
        assert_eq!(
            a.cost_target().unwrap(),
            "catalog-snapstart",
            "functions view"
        );
        press(&mut a, "t");
        let root = a.trace_rows()[0].root.clone();
        assert_ne!(root, "catalog-snapstart");
        for keys in ["$", "s", "i"] {
            press(&mut a, keys);
            let want = match keys {
                "$" => View::Cost(root.clone()),
                "s" => View::Sim(root.clone()),
                _ => View::Invocations(root.clone()),
            };
            assert_eq!(a.view(), &want, "{keys} in the traces view");
            press(&mut a, "\u{1b}");
        }
        press(&mut a, "\n");
        assert!(matches!(a.view(), View::Trace(_)));
        press(&mut a, "$");
        assert_eq!(a.view(), &View::Cost(root.clone()), "in the waterfall");
        // The logs view: the selected row's `function`, or a word when it names none or one
        // without invocations.
        let mut a = app();
        let e = press(&mut a, "l");
        let Some(Effect::RunLogsQuery { id, .. }) = e.first().cloned() else {
            panic!("{e:?}")
        };
        let row = |f: &str| {
            vec![
                crate::query::Value::Str(f.into()),
                crate::query::Value::Str("hello".into()),
            ]
        };
        a.logs_answer(
            id,
            Ok(QueryResult {
                columns: vec!["function".into(), "@message".into()],
                rows: vec![row("webhook-handler"), row("api-gateway-only")],
                ..QueryResult::default()
            }),
        );
        press(&mut a, "$");
        assert_eq!(a.view(), &View::Cost("webhook-handler".into()));
        press(&mut a, "\u{1b}j$");
        assert_eq!(a.view(), &View::Logs);
        assert_eq!(
            a.status,
            "api-gateway-only has no invocations in the logs read: nothing to price or simulate"
        );
    }

    /// INIT P50 of a SnapStart function is its restore time (as `report`'s `init p50`), and the
    /// column sorts by it.
    #[test]
    fn init_p50_of_a_snapstart_function_is_its_restore_time() {
        let mut a = app();
        let data = a.data.clone().unwrap();
        let snap = data
            .report
            .functions
            .iter()
            .find(|f| f.function == "catalog-snapstart")
            .unwrap();
        assert!(snap.init_duration_ms.p50.is_none() && snap.restore_duration_ms.p50.is_some());
        // INIT P50 is the eighth column: largest first.
        press(&mut a, ">>>>>>>");
        assert_eq!(a.sort_column, 7);
        let key = |f: &crate::analytics::FunctionReport| {
            f.init_duration_ms
                .p50
                .or(f.restore_duration_ms.p50)
                .unwrap_or(-1.0)
        };
        let rows = a.function_rows();
        let at = rows
            .iter()
            .position(|f| f.function == "catalog-snapstart")
            .unwrap();
        assert!(rows[..at].iter().all(|f| key(f) >= key(snap)));
        assert!(rows[at + 1..].iter().all(|f| key(f) <= key(snap)));
    }

    #[test]
    fn commands_logs_queries_and_quit() {
        let mut a = app();
        let e = press(&mut a, ":logs\n");
        assert_eq!(a.view(), &View::Logs);
        assert_eq!(
            e,
            [Effect::RunLogsQuery {
                id: 1,
                text: String::new(),
                scope: Default::default(),
            }]
        );
        // A newer query supersedes the first: the first answer is dropped.
        let e = press(&mut a, "/@type = \"REPORT\"\n");
        assert_eq!(
            e,
            [Effect::RunLogsQuery {
                id: 2,
                text: "@type = \"REPORT\"".into(),
                scope: Default::default(),
            }]
        );
        a.logs_answer(1, Ok(QueryResult::default()));
        assert!(a.logs.is_none() && a.logs_running);
        a.logs_answer(2, Err("filter:1:3: unexpected".into()));
        assert!(!a.logs_running && a.status.contains("unexpected"));
        press(&mut a, ":nope\n");
        assert!(a.status.contains("unknown command :nope"));
        press(&mut a, ":nosuch\n");
        assert!(a.status.contains("sim, q"));
        press(&mut a, ":traces\n");
        assert_eq!(a.view(), &View::Traces);
        press(&mut a, ":functions\n");
        assert_eq!(a.view(), &View::Functions);
        press(&mut a, "?");
        assert!(a.help);
        press(&mut a, "x");
        assert!(!a.help);
        assert_eq!(press(&mut a, ":q\n"), [Effect::Quit]);
        assert_eq!(press(&mut a, "q"), [Effect::Quit]);
    }
}

#[cfg(test)]
mod cost_tests {
    use super::super::data::{run_cost, CostKnobs};
    use super::tests::press;
    use super::*;

    #[test]
    fn cost_knobs_run_jobs_and_stale_answers_are_dropped() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        let e = press(&mut a, "jj$");
        assert_eq!(a.view(), &View::Cost("image-batch".into()));
        assert_eq!(
            e,
            [Effect::RunCost {
                id: 1,
                function: "image-batch".into(),
                knobs: CostKnobs::default(),
            }]
        );
        let e = press(&mut a, "a++-");
        assert_eq!(e.len(), 4);
        assert_eq!(
            e.last(),
            Some(&Effect::RunCost {
                id: 5,
                function: "image-batch".into(),
                knobs: CostKnobs {
                    arm64: true,
                    provisioned: 1,
                    memory_mb: None
                },
            })
        );
        let data = a.data.clone().unwrap();
        a.cost_answer(
            4,
            run_cost(
                &data,
                "image-batch",
                CostKnobs {
                    arm64: true,
                    provisioned: 2,
                    memory_mb: None,
                },
            ),
        );
        assert!(
            a.cost.is_none() && a.cost_running,
            "a stale answer is dropped"
        );
        a.cost_answer(5, run_cost(&data, "image-batch", a.cost_knobs));
        let c = &a.cost.as_ref().unwrap().comparison;
        assert_eq!(c.arch, crate::cost::Arch::Arm64);
        assert!(
            c.options.iter().any(|o| o.id.contains("pc-1")),
            "{:?}",
            c.options.iter().map(|o| &o.id).collect::<Vec<_>>()
        );
        // The break-even chart: it says what the options table says for that size (the engine's
        // effective on-demand rate), and the two lines meet there.
        let be = a.cost.as_ref().unwrap().break_even.clone().unwrap();
        assert_eq!(be.environments, 1);
        let u = be.break_even_utilization.unwrap();
        let table = c
            .options
            .iter()
            .find(|o| o.id == "lambda-pc-1")
            .and_then(|o| o.provisioned.as_ref())
            .and_then(|p| p.break_even_utilization)
            .map(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap())
            .unwrap();
        assert!((u - table).abs() < 1e-9, "{u} vs {table}");
        assert!(u > 0.5, "{u}");
        let (first, last) = (be.points[0], be.points[20]);
        let od = last.1 * u;
        let pc = first.2 + (last.2 - first.2) * u;
        assert!((od - pc).abs() < 1e-6 * od.max(1.0), "{od} vs {pc}");
        assert_eq!(first.1, 0.0);
        press(&mut a, "\u{1b}");
        assert_eq!(a.view(), &View::Functions);
    }

    #[test]
    fn cost_view_prices_the_function_as_the_table_does() {
        // Knobs at their defaults: the cost view's on-demand month is the functions table's,
        // the function priced beside the account's others (their volume tiers are shared;
        // sample-data stays in the first tier, so tiers themselves are tested in tests/cost.rs
        // through `cost --function`, which uses the same `Comparison::select`).
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        let data = a.data.clone().unwrap();
        for f in data.report.functions.iter().map(|f| f.function.clone()) {
            let answer = run_cost(&data, &f, CostKnobs::default()).unwrap();
            let view = answer.comparison.on_demand_usd.typical;
            let table = data.costs[&f].usd_per_month;
            // Exact decimals both: the same amount to the last digit.
            assert_eq!(view, table, "{f}");
        }
    }

    #[test]
    fn memory_knob_steps_through_sizes_and_reprices() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        press(&mut a, "jj$");
        let configured = a.configured_memory_mb("image-batch");
        let data = a.data.clone().unwrap();
        let before = run_cost(&data, "image-batch", a.cost_knobs).unwrap();
        assert_eq!(before.comparison.memory_mb, configured);
        assert_eq!(before.duration_factor, 1.0);
        // One step down, then back up to the configured size (shown as "as configured").
        let e = press(&mut a, "m");
        let Some(Effect::RunCost { knobs, .. }) = e.last().cloned() else {
            panic!("{e:?}")
        };
        let smaller = knobs.memory_mb.expect("a smaller size");
        assert!(smaller < configured);
        let after = run_cost(&data, "image-batch", knobs).unwrap();
        assert_eq!(after.comparison.memory_mb, smaller);
        // Fully CPU-bound below one vCPU: the time grows as the memory shrinks, so the
        // GB-seconds (and the on-demand duration cost) stay about the same.
        if configured <= 1769 {
            let expected = f64::from(configured) / f64::from(smaller);
            assert!((after.duration_factor - expected).abs() < 1e-9);
        }
        assert!(after
            .comparison
            .notes
            .iter()
            .any(|n| n.contains("memory what-if")));
        press(&mut a, "M");
        assert_eq!(a.cost_knobs.memory_mb, None);
        press(&mut a, "MM");
        assert!(a.cost_knobs.memory_mb.unwrap() > configured);
        // Back and into the same function: the knobs stay; another function starts afresh.
        press(&mut a, "\u{1b}$");
        assert!(a.cost_knobs.memory_mb.is_some());
        press(&mut a, "\u{1b}j$");
        assert_ne!(a.view(), &View::Cost("image-batch".into()));
        assert_eq!(a.cost_knobs, CostKnobs::default());
    }
}

#[cfg(test)]
mod sim_tests {
    use super::tests::press;
    use super::*;

    #[test]
    fn knobs_re_run_the_simulation_and_the_baseline_stays() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        let e = press(&mut a, "s");
        assert_eq!(a.view(), &View::Sim("catalog-snapstart".into()));
        let Some(Effect::RunSim {
            id,
            function,
            knobs,
        }) = e.first().cloned()
        else {
            panic!("{e:?}")
        };
        assert_eq!(knobs, super::super::data::SimKnobs::default());
        let data = a.data.clone().unwrap();
        a.sim_answer(
            id,
            super::super::data::run_simulation(&data, &function, knobs),
        );
        let base = a.sim_baseline.clone().unwrap();
        // Traffic ×1.5, then ×2 (two steps up); only the last answer counts.
        let e = press(&mut a, "++");
        let Some(Effect::RunSim { id, knobs, .. }) = e.last().cloned() else {
            panic!()
        };
        assert_eq!(knobs.traffic_scale, 2.0);
        a.sim_answer(id - 1, Err("stale".into()));
        assert!(a.sim_running && a.status != "stale");
        a.sim_answer(
            id,
            super::super::data::run_simulation(&data, "catalog-snapstart", knobs),
        );
        let now = a.sim.clone().unwrap();
        let ratio = now.output.total.requests as f64 / base.output.total.requests as f64;
        assert!((1.8..2.2).contains(&ratio), "{ratio}");
        assert_eq!(
            a.sim_baseline.as_ref().unwrap().output.total.requests,
            base.output.total.requests
        );
        // Twice the traffic costs more.
        let usd = |r: &super::super::data::SimRun| r.priced.as_ref().unwrap().total_usd_per_month;
        assert!(usd(&now) > usd(&base), "{} vs {}", usd(&now), usd(&base));
        // Next knob: keep-alive down from 600 s to 300 s; provisioned up.
        press(&mut a, "]-");
        assert_eq!(a.sim_knobs.keep_alive_s, 300.0);
        press(&mut a, "]+");
        assert_eq!(a.sim_knobs.provisioned, 1);
        // Memory: one step up from the configured size; durations shrink or stay.
        let configured = a.configured_memory_mb("catalog-snapstart");
        press(&mut a, "]+");
        let m = a.sim_knobs.memory_mb.expect("a larger size");
        assert!(m > configured);
        let r =
            super::super::data::run_simulation(&data, "catalog-snapstart", a.sim_knobs).unwrap();
        assert_eq!(r.memory_mb, m);
        assert!(r.duration_factor <= 1.0);
        assert_eq!(r.output.functions[0].memory_mb, m);
        // Same knobs, same result (seeded).
        let k = a.sim_knobs;
        let r1 = super::super::data::run_simulation(&data, "catalog-snapstart", k).unwrap();
        let r2 = super::super::data::run_simulation(&data, "catalog-snapstart", k).unwrap();
        assert_eq!(r1.output.total.cold_starts, r2.output.total.cold_starts);
        assert_eq!(
            r1.output.total.latency.all.p99_ms,
            r2.output.total.latency.all.p99_ms
        );
        press(&mut a, "\u{1b}");
        assert_eq!(a.view(), &View::Functions);
    }

    #[test]
    fn provisioned_concurrency_stays_within_the_account_limit() {
        assert_eq!(provisioned_cap(1_000), 900);
        assert_eq!(provisioned_cap(100), 0);
        assert_eq!(provisioned_cap(1), 0);
        assert_eq!(provisioned_cap(10_000), 1_000);
        assert!(provisioned_cap_note(500).starts_with(
            "provisioned concurrency stops at 400: the account limit 500 keeps 100 unreserved"
        ));
    }
}

#[cfg(test)]
mod invocation_tests {
    use super::tests::press;
    use super::*;

    #[test]
    fn invocations_drill_down_to_log_lines_and_trace() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        // catalog-snapstart (first by name): the slowest invocation first.
        press(&mut a, "\ni");
        assert_eq!(a.view(), &View::Invocations("catalog-snapstart".into()));
        let slowest = a.selected_invocation().unwrap().duration_ms;
        press(&mut a, "j");
        assert!(a.selected_invocation().unwrap().duration_ms <= slowest);
        press(&mut a, "k");
        let id = a.selected_invocation().unwrap().request_id.clone();
        let e = press(&mut a, "\n");
        assert_eq!(a.view(), &View::Logs);
        let Some(Effect::RunLogsQuery { text, .. }) = e.first().cloned() else {
            panic!("{e:?}")
        };
        assert!(text.contains(&id));
        let r = super::super::data::run_logs_query(a.data.as_ref().unwrap(), &text).unwrap();
        assert!(
            r.rows.len() >= 3,
            "START, REPORT and more for {id}: {}",
            r.rows.len()
        );
        press(&mut a, "\u{1b}");
        // An invocation with a trace id opens its waterfall.
        let data = a.data.clone().unwrap();
        let (f, pos) = data
            .invocations_by_function
            .iter()
            .find_map(|(f, ids)| {
                ids.iter()
                    .position(|i| data.tables.invocations[*i].trace_id.is_some())
                    .map(|p| (f.clone(), p))
            })
            .expect("sample-data has invocations with X-Ray trace ids");
        a.views = vec![View::Functions, View::Invocations(f)];
        a.invocations_selected = pos;
        press(&mut a, "x");
        assert!(matches!(a.view(), View::Trace(_)));
    }

    #[test]
    fn prompts_take_text_not_control_keys_and_esc_clears_the_logs_query() {
        let mut a = App::new("test");
        a.input = Input::Filter("level = ERROR".into());
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        a.key(ctrl('x'));
        assert_eq!(a.input, Input::Filter("level = ERROR".into()));
        a.key(ctrl('w'));
        assert_eq!(a.input, Input::Filter("level = ".into()));
        a.key(ctrl('u'));
        assert_eq!(a.input, Input::Filter(String::new()));
        a.input = Input::Normal;
        a.views.push(View::Logs);
        a.logs_query = "filter @requestId = \"r1\"".into();
        a.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        assert_eq!(a.view(), &View::Logs, "the first esc clears the query");
        assert!(a.logs_query.is_empty());
        a.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        assert_eq!(a.view(), &View::Functions);
    }
}

#[cfg(test)]
mod loading_tests {
    use super::tests::press;
    use super::*;

    #[test]
    fn logs_asked_for_while_loading_run_once_loaded_and_cost_and_sim_say_to_wait() {
        let mut a = App::new("loading the sources...");
        assert_eq!(press(&mut a, "l"), [], "no data: nothing to run yet");
        assert_eq!(a.view(), &View::Logs);
        assert!(a.logs_running);
        assert!(
            a.status.contains("once the sources are loaded"),
            "{}",
            a.status
        );
        // A level filter asked for meanwhile replaces the first request.
        assert_eq!(press(&mut a, "L"), []);
        // (`s` is a key of the logs view's own: the command opens the simulate view.)
        for (keys, what) in [("$", "cost"), (":sim\n", "simulate")] {
            assert_eq!(press(&mut a, keys), []);
            assert!(
                a.status.contains("still loading") && a.status.contains(what),
                "{}",
                a.status
            );
            assert_eq!(a.view(), &View::Logs);
            assert!(!a.cost_running && !a.sim_running);
        }
        let to_run = a.loaded(super::super::tests::sample_data());
        assert_eq!(
            to_run,
            [Effect::RunLogsQuery {
                id: 2,
                text: String::new(),
                scope: super::super::data::LogsScope { level: 1, range: 0 },
            }]
        );
        assert!(a.logs_running, "its answer is awaited");
        // Nothing is kept for later once loaded.
        assert_eq!(a.loaded(super::super::tests::sample_data()), []);
        // A failed load leaves nothing waiting for an answer.
        let mut b = App::new("loading the sources...");
        press(&mut b, "l");
        b.load_failed("no such file: x.log".into());
        assert!(!b.logs_running && b.status.contains("loading failed: no such file"));
        // A view opened after the failure asks for nothing that could never run.
        let mut c = App::new("loading the sources...");
        c.load_failed("no such file: x.log".into());
        for keys in ["l", "L", "T"] {
            assert_eq!(press(&mut c, keys), [], "{keys}");
            assert!(!c.logs_running, "{keys}");
            assert!(
                c.status.contains("loading failed, nothing to work on"),
                "{}",
                c.status
            );
        }
        assert_eq!(b.loaded(super::super::tests::sample_data()), []);
    }

    #[test]
    fn keys_in_views_without_a_list_leave_the_functions_cursor_alone() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        press(&mut a, "jjjj");
        assert_eq!(a.selected, 4);
        for keys in ["\njjkG", "$jjkg", "sjkjG"] {
            press(&mut a, keys);
            assert_ne!(a.view(), &View::Functions, "{keys}");
            press(&mut a, "\u{1b}");
            assert_eq!(a.view(), &View::Functions);
            assert_eq!(a.selected, 4, "after {keys:?}");
        }
        // The waterfall of a trace: the traces list keeps its own cursor.
        press(&mut a, "tj\njjj\u{1b}");
        assert_eq!(a.traces_selected, 1);
        press(&mut a, ":functions\n");
        assert_eq!(a.selected, 4);
    }

    #[test]
    fn a_valid_filter_clears_an_earlier_regex_error() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        press(&mut a, "/(\n");
        assert!(a.status.starts_with("not a regular expression"));
        press(&mut a, "/geo\n");
        assert_eq!(a.status, a.summary);
        press(&mut a, ":traces\n/[\n");
        assert!(a.status.starts_with("not a regular expression"));
        press(&mut a, "/geo\n");
        assert_eq!(a.status, a.summary);
    }

    /// Review of 2026-12-07: `/` in the cost view set the functions filter out of sight.
    #[test]
    fn slash_where_no_filter_is_said_and_changes_nothing() {
        let mut a = App::new("");
        a.loaded(super::super::tests::sample_data());
        press(&mut a, "$/Azure\n");
        assert!(
            a.status.starts_with("`/` filters the functions"),
            "{}",
            a.status
        );
        assert!(a.filter.is_none());
        press(&mut a, "\u{1b}");
        assert_eq!(a.view(), &View::Functions);
        assert!(a.filter.is_none() && a.filter_text.is_empty());
    }
}
