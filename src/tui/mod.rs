//! The interactive dashboard (`faascope` or `faascope dash`): state ([`app`]), rendering
//! ([`ui`], pure over the state) and the figures ([`data`]) apart. Loading and queries run on
//! background threads that post their results to the event loop, which never blocks on them:
//! it waits at most one tick for a key, then drains the job channel and redraws.

pub mod app;
pub mod config;
pub mod data;
pub mod jobs;
pub mod theme;
pub mod ui;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::ExecutableCommand;

use app::{App, Effect};
use data::DashData;
use jobs::{JobKind, Jobs};

/// What background jobs post to the event loop.
pub enum Msg {
    Loaded(Box<Result<DashData, String>>),
    Logs {
        id: u64,
        result: Box<Result<crate::query::QueryResult, String>>,
    },
    Cost {
        id: u64,
        result: Box<Result<data::CostAnswer, String>>,
    },
    Sim {
        id: u64,
        result: Box<Result<data::SimRun, String>>,
    },
}

impl Msg {
    /// The kind of job that answered (`None` for the loading job).
    fn kind(&self) -> Option<JobKind> {
        match self {
            Msg::Loaded(_) => None,
            Msg::Logs { .. } => Some(JobKind::Logs),
            Msg::Cost { .. } => Some(JobKind::Cost),
            Msg::Sim { .. } => Some(JobKind::Sim),
        }
    }
}

/// Errors before the dashboard opens.
#[derive(Debug, thiserror::Error)]
pub enum DashError {
    #[error("the dashboard needs a terminal (stdin and stdout are not both one); for a headless view run `faascope report SOURCES` (or `faascope query`, `faascope logs`)")]
    NotATerminal,
    #[error("cannot set up the terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// The sources could not be loaded (shown in the dashboard, and again on exit).
    #[error("{0}")]
    LoadFailed(String),
}

/// Restores the terminal: raw mode off, main screen back, cursor shown. Safe to call twice.
fn restore() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = out.execute(LeaveAlternateScreen);
    let _ = out.execute(Show);
}

/// The signals that end the dashboard, its terminal restored first: `kill`, a closed
/// terminal or ssh session, Ctrl-\ (raw mode turns it into a key, but `kill -QUIT` is not), and
/// `kill -INT` (Ctrl-C is a key in raw mode: it quits as `q` does).
pub const EXIT_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGINT,
];

/// The exit status after `signal`: 128 + its number, as shells report a process it ended.
pub fn signal_exit_code(signal: i32) -> i32 {
    128 + signal
}

/// The signal that asked the dashboard to end (0: none).
static SIGNALLED: AtomicI32 = AtomicI32::new(0);

/// How long the event loop has to notice a signal (it looks between key waits of at most
/// [`WAKE`]) before the signal thread restores the terminal and exits by itself.
const SIGNAL_GRACE: Duration = Duration::from_secs(1);

/// The longest the event loop waits without looking at signals and job answers.
const WAKE: Duration = Duration::from_millis(40);

/// Watches [`EXIT_SIGNALS`] on a thread (signal-hook: no code runs in the signal handler
/// itself). The event loop sees [`SIGNALLED`] and ends; if it is stuck, the thread restores
/// the terminal and exits after [`SIGNAL_GRACE`].
fn watch_signals() -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(EXIT_SIGNALS)?;
    std::thread::Builder::new()
        .name("faascope-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                SIGNALLED.store(signal, Ordering::SeqCst);
                std::thread::sleep(SIGNAL_GRACE);
                restore();
                std::process::exit(signal_exit_code(signal));
            }
        })?;
    Ok(())
}

/// How the event loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    Quit,
    /// Quit after the sources failed to load: the error is the run's, as for `report`.
    LoadFailed(String),
    Signal(i32),
}

/// Background jobs run on threads of this name; a panic in one is reported by the job (as an
/// error answer), not by the panic hook, which would restore the terminal under the running
/// dashboard.
const JOB_THREAD: &str = "faascope-job";

/// The last panic message of a thread other than the event loop's (a job, or a worker thread
/// a job fans out to: rayon's, a scoped reader), kept by the panic hook for the job's answer.
static JOB_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Runs `job` on a background thread and posts `wrap` of its result; a panic in it is posted
/// as an error result (so no view waits for an answer that never comes).
fn spawn_job<T: 'static>(
    tx: &Sender<Msg>,
    job: impl FnOnce() -> Result<T, String> + Send + 'static,
    wrap: impl FnOnce(Result<T, String>) -> Msg + Send + 'static,
) -> std::io::Result<()> {
    let tx = tx.clone();
    std::thread::Builder::new()
        .name(JOB_THREAD.into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
                .unwrap_or_else(|_| {
                    let why = JOB_PANIC
                        .lock()
                        .ok()
                        .and_then(|mut p| p.take())
                        .unwrap_or_else(|| "a background job panicked".into());
                    Err(format!("internal error (a bug, please report it): {why}"))
                });
            let _ = tx.send(wrap(result));
        })?;
    Ok(())
}

/// Loading progress, told by the loading job and shown on the loading screen. Cheap to call
/// for every block read.
#[derive(Debug, Clone, Default)]
pub struct LoadProgress(Arc<ProgressCounters>);

#[derive(Debug, Default)]
struct ProgressCounters {
    bytes: AtomicU64,
    total_bytes: AtomicU64,
    files: AtomicU64,
    computing: AtomicBool,
}

impl LoadProgress {
    /// `n` more bytes were read (what the ingest progress callback is told).
    pub fn read(&self, n: u64) {
        self.0.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// The inputs found: how many files and their size in bytes.
    pub fn set_total(&self, files: u64, bytes: u64) {
        self.0.files.store(files, Ordering::Relaxed);
        self.0.total_bytes.store(bytes, Ordering::Relaxed);
    }

    /// Reading is over: the report, costs and series are being computed.
    pub fn computing(&self) {
        self.0.computing.store(true, Ordering::Relaxed);
    }

    /// The figures as they are now, `started` being when loading began.
    pub fn snapshot(&self, started: Instant) -> app::Loading {
        app::Loading {
            bytes: self.0.bytes.load(Ordering::Relaxed),
            total_bytes: self.0.total_bytes.load(Ordering::Relaxed),
            files: self.0.files.load(Ordering::Relaxed),
            computing: self.0.computing.load(Ordering::Relaxed),
            elapsed_ms: started.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
        }
    }
}

/// Runs the dashboard until the user quits. `load` produces the data on a background thread and
/// tells its progress (bytes read, then computing) to the loading screen; see
/// [`load_data_with_progress`]. On SIGTERM, SIGHUP, SIGQUIT or SIGINT the terminal is restored
/// and the process exits with 128 + the signal's number.
pub fn run_with_progress<F>(load: F, tick: Duration, colors: theme::Theme) -> Result<(), DashError>
where
    F: FnOnce(LoadProgress) -> Result<DashData, String> + Send + 'static,
{
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(DashError::NotATerminal);
    }
    // The terminal is restored on every way out, a panic included (a background job's panic
    // is its error answer instead: see `spawn_job`).
    // Only a panic of the event loop's own thread ends the dashboard: any other thread is a job
    // or a worker a job fans out to (rayon's pool, a scoped reader), whose panic reaches the
    // job's `catch_unwind` and becomes its error answer.
    let ui_thread = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != ui_thread {
            let why = info.to_string().replace('\n', " ");
            if let Ok(mut p) = JOB_PANIC.lock() {
                *p = Some(why);
            }
            return;
        }
        restore();
        previous(info);
    }));
    // Before raw mode: a signal from here on restores the terminal.
    watch_signals()?;
    enable_raw_mode()?;
    if let Err(e) = std::io::stdout().execute(EnterAlternateScreen) {
        restore();
        return Err(e.into());
    }
    let mut app = App::new("loading the sources...");
    app.theme = colors;
    let result = event_loop(load, tick, &mut app);
    restore();
    // The loaded tables can take seconds to free (1.4 GB read: 3 s, the last frame frozen on
    // the screen before the terminal came back: ninth-round dash review): after the restore,
    // off the way out (the process ending frees them all the same).
    let _ = std::thread::Builder::new()
        .name("faascope-free".into())
        .spawn(move || drop(app));
    match result? {
        Ending::Quit => Ok(()),
        Ending::LoadFailed(why) => Err(DashError::LoadFailed(why)),
        Ending::Signal(signal) => std::process::exit(signal_exit_code(signal)),
    }
}

fn event_loop<F>(load: F, tick: Duration, app: &mut App) -> Result<Ending, DashError>
where
    F: FnOnce(LoadProgress) -> Result<DashData, String> + Send + 'static,
{
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
    let (tx, rx): (Sender<Msg>, Receiver<Msg>) = mpsc::channel();
    let progress = LoadProgress::default();
    let started = Instant::now();
    {
        let progress = progress.clone();
        spawn_job(&tx, move || load(progress), |r| Msg::Loaded(Box::new(r)))?;
    }
    let mut jobs = Jobs::default();
    loop {
        if app.data.is_none() {
            app.loading = progress.snapshot(started);
        }
        if let Ok(size) = terminal.size() {
            app.screen = (size.width, size.height);
        }
        terminal.draw(|f| ui::render(f, app))?;
        // Wait up to a tick for a key, looking at signals and job answers in between. Every
        // key already typed is handled before the next frame, so typing ahead never waits on
        // drawing.
        let deadline = Instant::now() + tick;
        let mut keys = false;
        loop {
            let signal = SIGNALLED.load(Ordering::SeqCst);
            if signal != 0 {
                return Ok(Ending::Signal(signal));
            }
            let wait = if keys {
                Duration::ZERO
            } else {
                deadline.saturating_duration_since(Instant::now()).min(WAKE)
            };
            if event::poll(wait)? {
                keys = true;
                if let Event::Key(k) = event::read()? {
                    if k.kind == KeyEventKind::Press {
                        for e in app.key(k) {
                            if e == Effect::Quit {
                                return Ok(match &app.load_error {
                                    Some(why) => Ending::LoadFailed(why.clone()),
                                    None => Ending::Quit,
                                });
                            }
                            if let Some(e) = jobs.submit(e) {
                                start_job(app.data.as_ref(), &tx, e)?;
                            }
                        }
                    }
                }
                continue;
            }
            let mut answered = false;
            while let Ok(msg) = rx.try_recv() {
                answered = true;
                if let Some(next) = msg.kind().and_then(|k| jobs.finished(k)) {
                    start_job(app.data.as_ref(), &tx, next)?;
                }
                match msg {
                    Msg::Loaded(r) => match *r {
                        Ok(d) => {
                            // The requests made while loading (the logs view opened early).
                            for e in app.loaded(d) {
                                if let Some(e) = jobs.submit(e) {
                                    start_job(app.data.as_ref(), &tx, e)?;
                                }
                            }
                        }
                        Err(e) => app.load_failed(e),
                    },
                    Msg::Logs { id, result } => app.logs_answer(id, *result),
                    Msg::Cost { id, result } => app.cost_answer(id, *result),
                    Msg::Sim { id, result } => app.sim_answer(id, *result),
                }
            }
            if keys || answered || Instant::now() >= deadline {
                break;
            }
        }
    }
}

/// Starts the job an effect asks for. Without data (which the state never asks for) the job
/// answers at once with an error, so nothing waits for it.
fn start_job(data: Option<&Arc<DashData>>, tx: &Sender<Msg>, e: Effect) -> std::io::Result<()> {
    const NOT_LOADED: &str = "the sources are not loaded yet";
    let data = data.cloned();
    match e {
        Effect::Quit => {}
        Effect::RunLogsQuery { id, text, scope } => spawn_job(
            tx,
            move || {
                let data = data.ok_or(NOT_LOADED)?;
                data::run_logs_query_scoped(&data, &text, scope)
            },
            move |result| Msg::Logs {
                id,
                result: Box::new(result),
            },
        )?,
        Effect::RunSim {
            id,
            function,
            knobs,
        } => spawn_job(
            tx,
            move || data::run_simulation(&*data.ok_or(NOT_LOADED)?, &function, knobs),
            move |r| Msg::Sim {
                id,
                result: Box::new(r),
            },
        )?,
        Effect::RunCost {
            id,
            function,
            knobs,
        } => spawn_job(
            tx,
            move || data::run_cost(&*data.ok_or(NOT_LOADED)?, &function, knobs),
            move |r| Msg::Cost {
                id,
                result: Box::new(r),
            },
        )?,
    }
    Ok(())
}

/// What the dashboard reads: log records with each REPORT event's text (the logs view's
/// `@message`, the whole event as `faascope query` has it), spans, metrics, and the
/// invocations as rows.
pub fn ingest_options() -> crate::ingest::IngestOptions {
    crate::ingest::IngestOptions {
        keep_logs: true,
        keep_spans: true,
        keep_metrics: true,
        report_columns: false,
        report_texts: true,
        ..Default::default()
    }
}

/// Loads the sources with `ingest` (which counts the bytes it reads into `progress`, and says
/// what the months are priced from) and builds the dashboard's data, telling `progress` when
/// the figures are being computed: what the loading job runs.
pub fn load_data_with_progress(
    label: String,
    progress: &LoadProgress,
    ingest: impl FnOnce() -> Result<(crate::ingest::Ingested, data::PricingBasis), String>,
) -> Result<DashData, String> {
    let (ing, basis) = ingest()?;
    progress.computing();
    let mut data = DashData::build_priced(label, ing.tables, ing.skips.total, &basis)?;
    data.inputs = data::Inputs::of(&ing.skips, ing.files, ing.log_lines);
    if !ing.skips.deleted_groups.is_empty() {
        // First: the summary line shows the first note, and these figures miss those groups.
        data.notes.insert(
            0,
            format!(
                "log group(s) deleted during the pull, their events left out: {}",
                ing.skips.deleted_groups.join(", ")
            ),
        );
    }
    Ok(data)
}

/// Shared by the views' tests: the dashboard's data from the bundled sample-data.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_data() -> DashData {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        let ing = crate::ingest::ingest_paths(&[root], &ingest_options(), None).unwrap();
        DashData::build("sample-data/".into(), ing.tables, ing.skips.total).unwrap()
    }

    /// `slow`: 40 invocations at 1024 MB of 2,000 ms, 2 of them timed out at 3 s.
    fn slow_data() -> DashData {
        let mut text = String::new();
        for i in 0..40u32 {
            let (ms, status) = if i % 20 == 0 {
                ("3000.40", "\tStatus: timeout")
            } else {
                ("2000.00", "")
            };
            text.push_str(&format!(
                "2025-09-01T00:{:02}:00.000Z REPORT RequestId: 40000000-0000-4000-8000-0000000000{i:02}\tDuration: {ms} ms\tBilled Duration: 3000 ms\tMemory Size: 1024 MB\tMax Memory Used: 60 MB{status}\t\n",
                i
            ));
        }
        let input = crate::ingest::MemoryInput {
            name: "/aws/lambda/slow".into(),
            bytes: text.into_bytes(),
        };
        let ing = crate::ingest::ingest_inputs(&[], vec![input], &ingest_options(), None).unwrap();
        DashData::build("slow".into(), ing.tables, 0).unwrap()
    }

    /// dash8 review: the Cost view priced a memory what-if where the function would time out
    /// without a word (`tune` marks such a size "times out").
    #[test]
    fn a_cost_what_if_past_the_timeout_is_warned() {
        let data = slow_data();
        let at = |m: u32| {
            let knobs = data::CostKnobs {
                memory_mb: Some(m),
                ..Default::default()
            };
            data::run_cost(&data, "slow", knobs)
                .unwrap()
                .timeout_warning
        };
        // At 512 MB 2 s runs twice as long, past the 3 s timeout; at 2048 MB not.
        let w = at(512).expect("warned");
        assert!(w.contains("exceeds the function's timeout of 3 s"), "{w}");
        assert_eq!(at(2048), None);
    }

    /// Ninth-round dash review: a function that ran at several sizes has each invocation's
    /// time scaled from the size it ran at (all were scaled from the latest size: 512 MB runs
    /// priced twice as fast at 1024 MB, and a timeout warned that `tune` does not give).
    #[test]
    fn a_cost_what_if_scales_each_invocation_from_its_own_size() {
        let mut text = String::new();
        for i in 0..40u32 {
            // 20 at 512 MB of 2,000 ms, then 20 at 1024 MB (the latest) of 1,000 ms: the same
            // work, fully CPU-bound.
            let (ms, mb, status) = match i {
                0 => ("3000.40", 512, "\tStatus: timeout"),
                1..20 => ("2000.00", 512, ""),
                _ => ("1000.00", 1024, ""),
            };
            text.push_str(&format!(
                "2025-09-01T00:{:02}:00.000Z REPORT RequestId: 40000000-0000-4000-8000-0000000000{i:02}\tDuration: {ms} ms\tBilled Duration: {} ms\tMemory Size: {mb} MB\tMax Memory Used: 60 MB{status}\t\n",
                i,
                &ms[..4]
            ));
        }
        let input = crate::ingest::MemoryInput {
            name: "/aws/lambda/mixed".into(),
            bytes: text.into_bytes(),
        };
        let ing = crate::ingest::ingest_inputs(&[], vec![input], &ingest_options(), None).unwrap();
        let data = DashData::build("mixed".into(), ing.tables, 0).unwrap();
        let at = |m: u32| {
            let knobs = data::CostKnobs {
                memory_mb: Some(m),
                ..Default::default()
            };
            data::run_cost(&data, "mixed", knobs).unwrap()
        };
        // At 512 MB every completed run takes 2,000 ms, under the 3 s timeout: no warning (the
        // 512 MB runs doubled again to 4 s gave one). The factor is time-weighted: 38 s at
        // 512 MB stay (× 1), 20 s at 1024 MB double: 78 / 58.
        let a = at(512);
        assert_eq!(a.timeout_warning, None);
        assert!(
            (a.duration_factor - 78.0 / 58.0).abs() < 1e-9,
            "{}",
            a.duration_factor
        );
        assert!(a
            .comparison
            .notes
            .iter()
            .any(|n| n.contains("each size's invocations from the size they ran at")));
        // At 256 MB they would take 4,000 ms: past the timeout.
        let w = at(256).timeout_warning.expect("warned");
        assert!(
            w.contains("modelled p99 of 4.0 s exceeds the function's timeout of 3 s"),
            "{w}"
        );
        // Not tune's figure (tune models from the size most ran at): said as simulate's.
        assert!(
            w.contains("each invocation scaled from the size it ran at"),
            "{w}"
        );
    }

    /// Ninth-round dash review: on a short terminal the Cost view's warnings and headline were
    /// cut from the bottom of their box without a sign (at 80x24 the "cheapest … saves" line,
    /// at 60x15 the "would time out" warning, while the table showed the size's price).
    #[test]
    fn the_cost_view_keeps_its_warnings_on_a_short_terminal() {
        let mut a = App::new("loading");
        a.loaded(slow_data());
        cost_keys(&mut a, "$mm");
        assert_eq!(a.cost_knobs.memory_mb, Some(512));
        let s = screen(&a, 80, 24);
        assert!(s.contains("would time out"), "{s}");
        assert!(s.contains("cheapest:"), "{s}");
        assert!(s.contains("(saves $"), "{s}");
        // Too short for all of it: the warning stays, and the box says it is cut.
        let s = screen(&a, 60, 15);
        assert!(s.contains("⚠ at 512 MB the modelled p99"), "{s}");
        assert!(s.contains("· cut: a taller terminal"), "{s}");
        assert!(s.contains("OPTION"), "{s}");
    }

    fn screen(app: &App, w: u16, h: u16) -> String {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        t.draw(|f| ui::render(f, app)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }

    fn loaded() -> App {
        let mut a = App::new("loading");
        a.loaded(sample_data());
        a
    }

    #[test]
    fn themes_colour_the_screen() {
        use ratatui::style::Color;
        let draw = |theme: theme::Theme| {
            let mut a = loaded();
            a.theme = theme;
            let mut t =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(150, 14)).unwrap();
            t.draw(|f| ui::render(f, &a)).unwrap();
            t.backend().buffer().clone()
        };
        for (theme, accent, on_accent) in [
            (theme::Theme::DARK, Color::Cyan, Color::Black),
            (theme::Theme::LIGHT, Color::Blue, Color::White),
        ] {
            let buf = draw(theme);
            // The title bar, then the table header ("FUNCTION" on row 2, inside the border).
            assert_eq!(buf[(1, 0)].bg, accent, "{:?}", theme.name);
            assert_eq!(buf[(1, 0)].fg, on_accent, "{:?}", theme.name);
            assert_eq!(buf[(1, 2)].symbol(), "F");
            assert_eq!(buf[(1, 2)].fg, accent, "{:?}", theme.name);
        }
        // The text is the same in both.
        let mut a = loaded();
        let dark = screen(&a, 150, 14);
        a.theme = theme::Theme::LIGHT;
        assert_eq!(screen(&a, 150, 14), dark);
    }

    #[test]
    fn loading_screen() {
        insta::assert_snapshot!(screen(&App::new("loading the sources..."), 80, 8));
    }

    #[test]
    fn functions_view() {
        let mut a = loaded();
        insta::assert_snapshot!("functions", screen(&a, 150, 14));
        app::tests::press(&mut a, ">r/!batch\n");
        insta::assert_snapshot!("functions_sorted_filtered", screen(&a, 150, 14));
    }

    /// Narrow terminals drop whole columns rather than cut numbers short; a name from the logs
    /// in the header line is stripped of terminal controls like every other cell.
    #[test]
    fn narrow_screens_and_hostile_names() {
        let mut a = loaded();
        let narrow = screen(&a, 80, 14);
        assert!(
            narrow.contains("21047") && narrow.contains("39021"),
            "{narrow}"
        );
        assert!(!narrow.contains("2104 "), "{narrow}");
        a.views.push(app::View::Detail(
            "inj\u{1b}]0;PWN\u{7}\u{1b}[2Jname".into(),
        ));
        let top = screen(&a, 150, 14);
        assert!(top.contains("injname") && !top.contains('\u{1b}'), "{top}");
    }

    /// A small terminal keeps the detail view's summary (wrapped) and leaves out the charts
    /// it has no room for; chart labels are whole or absent (`0:00  1 h` read as one hour).
    #[test]
    fn small_terminals_keep_the_detail_summary_and_whole_labels() {
        let mut a = loaded();
        app::tests::press(&mut a, "G\n");
        let s = screen(&a, 40, 10);
        assert!(
            s.contains("┌ webhook-handler") && s.contains("invocations 6467"),
            "{s}"
        );
        for (w, h) in [(40, 10), (40, 24), (60, 24), (80, 30), (100, 30), (132, 40)] {
            let s = screen(&a, w, h);
            assert!(s.contains("invocations 6467"), "{w}x{h}:\n{s}");
            for line in s.lines() {
                if line.contains(" h│") || line.contains(" h ") {
                    assert!(line.contains("+71 h"), "{w}x{h}: a cut label\n{s}");
                }
                assert!(!line.contains("│0:00"), "{w}x{h}: a cut label\n{s}");
            }
        }
        let s = screen(&a, 132, 40);
        assert!(s.contains("09-01 00:00") && s.contains("+71 h"), "{s}");
        // Fourth-round dashboard review: at 80x24 the insights gave way to a chart; they come
        // first now (what to act on), a chart only with room left.
        let s = screen(&a, 60, 15);
        assert!(
            s.contains("insights: 3 finding(s), more lines than fit"),
            "{s}"
        );
        for (w, h) in [(80, 24), (100, 30)] {
            let s = screen(&a, w, h);
            assert!(
                s.contains("insights"),
                "{w}x{h}:
{s}"
            );
            assert!(
                s.contains("timed out"),
                "{w}x{h}: the timeout finding
{s}"
            );
        }
    }

    /// Timestamps are never cut short without a mark: a narrow terminal leaves out the last
    /// columns and cuts the request id with `…`.
    #[test]
    fn narrow_invocation_and_trace_lists_cut_with_an_ellipsis() {
        let mut a = loaded();
        app::tests::press(&mut a, "i");
        let time = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}").unwrap();
        let s = screen(&a, 60, 15);
        assert!(
            s.contains("TIME (UTC)") && s.contains("columns off screen"),
            "{s}"
        );
        let rows: Vec<&str> = s.lines().filter(|l| l.contains("ms")).collect();
        assert!(!rows.is_empty(), "{s}");
        for r in &rows {
            assert!(time.is_match(r) && r.contains('…'), "{s}");
        }
        // Narrower than the time itself: cut with `…` too.
        let s = screen(&a, 20, 15);
        assert!(
            s.lines().any(|l| l.contains("2025-09-") && l.contains('…')),
            "{s}"
        );
        // The traces list likewise.
        app::tests::press(&mut a, "\u{1b}t");
        let s = screen(&a, 70, 12);
        let start = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").unwrap();
        assert!(
            s.lines()
                .filter(|l| l.contains("1-"))
                .all(|l| start.is_match(l)),
            "{s}"
        );
    }

    /// The waterfall keeps each call's annotation (`GetItem, HTTP 200`, `cold`): two calls to
    /// one service do not look the same. A trace not in the sources says how to add it.
    #[test]
    fn the_waterfall_keeps_annotations_and_a_missing_trace_says_how_to_add_it() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        // A trace with two rows of the same name and different details.
        let (id, rows) = data
            .traces
            .iter()
            .filter_map(|t| {
                let rows = crate::analytics::traces::waterfall(&data.tables.spans, &t.trace_id)?;
                let twice = rows.iter().any(|x| {
                    rows.iter().any(|y| {
                        x.name == y.name
                            && x.detail.is_some()
                            && y.detail.is_some()
                            && x.detail != y.detail
                    })
                });
                twice.then(|| (t.trace_id.clone(), rows))
            })
            .next()
            .expect("sample-data has a trace calling one service twice");
        a.views.push(app::View::Trace(id));
        let s = screen(&a, 132, 40);
        for r in &rows {
            if let Some(d) = &r.detail {
                assert!(s.contains(d.as_str()), "{d:?} missing:\n{s}");
            }
            if !r.flags.is_empty() {
                assert!(s.contains(r.flags.as_str()), "{:?} missing:\n{s}", r.flags);
            }
        }
        // A trace id the sources have no spans of.
        a.views.pop();
        a.views.push(app::View::Trace(
            "1-00000000-000000000000000000000000".into(),
        ));
        let s = screen(&a, 100, 10);
        assert!(
            s.contains("is not in the sources") && s.contains("xray://"),
            "{s}"
        );
        // `x` on an invocation whose trace is not in the sources (its logs without the X-Ray
        // files) says so, and stays.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data/s3-export/orders-api");
        let ing = crate::ingest::ingest_paths(&[root], &ingest_options(), None).unwrap();
        let mut a = App::new("");
        a.loaded(DashData::build("orders-api".into(), ing.tables, 0).unwrap());
        let data = a.data.clone().unwrap();
        let (f, pos) = data
            .invocations_by_function
            .iter()
            .find_map(|(f, ids)| {
                ids.iter()
                    .position(|i| data.tables.invocations[*i].trace_id.is_some())
                    .map(|p| (f.clone(), p))
            })
            .expect("orders-api's logs name X-Ray trace ids");
        a.views = vec![app::View::Functions, app::View::Invocations(f.clone())];
        a.invocations_selected = pos;
        app::tests::press(&mut a, "x");
        assert_eq!(a.view(), &app::View::Invocations(f));
        assert!(
            a.status.contains("is not in the sources") && a.status.contains("xray://"),
            "{}",
            a.status
        );
    }

    /// Third-round dashboard review: PgDn in the row popup scrolled past the end into an empty
    /// box (and back took as many PgUp), and a 60 MB line was copied and wrapped on every frame.
    #[test]
    fn the_row_popup_scrolls_to_its_end_and_no_further() {
        use crate::query::{QueryResult, Value};
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let mut a = loaded();
        let effects = app::tests::press(&mut a, ":logs\n/fields @message\n");
        let id = match effects.last() {
            Some(Effect::RunLogsQuery { id, .. }) => *id,
            other => panic!("{other:?}"),
        };
        let long: String = (1..=60).map(|i| format!("line {i}\n")).collect();
        let huge = "x".repeat(300_000);
        a.logs_answer(
            id,
            Ok(QueryResult {
                columns: vec!["@message".into()],
                rows: vec![vec![Value::Str(long)], vec![Value::Str(huge)]],
                time_bin: None,
                warnings: Vec::new(),
                records_scanned: 2,
                skipped: Default::default(),
            }),
        );
        a.screen = (80, 16);
        app::tests::press(&mut a, "\n");
        for _ in 0..20 {
            a.key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        }
        let s = screen(&a, 80, 16);
        assert!(s.contains("line 60"), "{s}");
        // The popup holds 61 rows (the label line, 59 more and the trailing empty one) in 10:
        // the last screenful, said in its title.
        assert!(s.contains("lines 52–61 of 61"), "{s}");
        let at_end = a.logs_popup.unwrap();
        assert!(at_end <= 61, "{at_end}");
        a.key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE));
        let s = screen(&a, 80, 16);
        assert!(!s.contains("line 60"), "one PgUp leaves the end: {s}");
        // The next row: 300,000 characters, shown to 100,000 with the rest named.
        app::tests::press(&mut a, "j");
        for _ in 0..200 {
            a.key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        }
        let s = screen(&a, 80, 16);
        assert!(s.contains("200000 more bytes"), "{s}");
    }

    /// The logs view prints numbers as `faascope query` does, never cuts one, says when
    /// columns are off screen, and `enter` shows the selected row whole.
    #[test]
    fn logs_view_numbers_columns_and_the_whole_row() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        let query = "filter @type = \"REPORT\" | stats count(*) as invocations, avg(@duration) as mean_ms, pct(@duration, 50) as p50, pct(@duration, 99) as p99, max(@duration) as max_ms, sum(@billedDuration) as billed by function";
        let effects = app::tests::press(&mut a, &format!(":logs\n/{query}\n"));
        let id = match effects.last() {
            Some(Effect::RunLogsQuery { id, .. }) => *id,
            other => panic!("{other:?}"),
        };
        let r = data::run_logs_query(&data, query).unwrap();
        // The cells `faascope query` prints (its Markdown table: the same numbers as its
        // terminal table).
        let printed = crate::output::query::render(&r, crate::output::Format::Markdown, None);
        let geo: Vec<String> = printed
            .lines()
            .find(|l| l.contains("geo-lookup"))
            .unwrap()
            .split('|')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        a.logs_answer(id, Ok(r));
        let s = screen(&a, 132, 16);
        let row = s.lines().find(|l| l.contains("geo-lookup")).unwrap();
        let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
        assert_eq!(cells, geo, "{s}");
        // 60 columns: whole numbers, and the columns left out are counted.
        let s = screen(&a, 60, 16);
        let row = s.lines().find(|l| l.contains("geo-lookup")).unwrap();
        let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
        assert!(cells.len() < geo.len(), "{s}");
        assert_eq!(cells, geo[..cells.len()], "{s}");
        let off = geo.len() - cells.len();
        assert!(
            s.contains(&format!(
                "{off} column{} off screen",
                if off == 1 { "" } else { "s" }
            )),
            "{s}"
        );
        // enter: the row whole, every column with every digit.
        let geo_at = a
            .logs
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .position(|r| r[0].text() == "geo-lookup")
            .unwrap();
        app::tests::press(&mut a, &"j".repeat(geo_at));
        app::tests::press(&mut a, "\n");
        let s = screen(&a, 80, 16);
        let row = &a.logs.as_ref().unwrap().rows[geo_at];
        assert!(s.contains(&format!("billed: {}", row[6].text())), "{s}");
        // Twelve significant digits (not the float's noise).
        let crate::query::Value::Num(mean) = row[2] else {
            panic!("{:?}", row[2])
        };
        let shown = ui::significant(mean, 12);
        assert!(
            shown.len() >= 12 && shown.len() < row[2].text().len(),
            "{shown}"
        );
        assert!(s.contains(&format!("mean_ms: {shown}")), "{s}");
        // j moves to the next row with it open; esc closes it.
        app::tests::press(&mut a, "j");
        assert_eq!(a.logs_selected, geo_at + 1);
        assert!(a.logs_popup.is_some());
        app::tests::press(&mut a, "\u{1b}");
        assert!(a.logs_popup.is_none());
        assert_eq!(
            a.view(),
            &app::View::Logs,
            "esc closed the row, not the view"
        );

        // Every log line: a REPORT's @message whole in the popup, @type not cut.
        let effects = app::tests::press(&mut a, "\u{1b}");
        let id = match effects.last() {
            Some(Effect::RunLogsQuery { id, .. }) => *id,
            other => panic!("{other:?}"),
        };
        let all = data::run_logs_query(&data, "").unwrap();
        let init = all
            .rows
            .iter()
            .position(|r| r[2].text() == "INIT_START")
            .expect("sample-data has INIT_START lines");
        let report = all
            .rows
            .iter()
            .position(|r| r[2].text() == "REPORT" && r[3].text().len() > 150)
            .expect("a long REPORT event");
        let message = all.rows[report][3].text();
        a.logs_answer(id, Ok(all));
        a.logs_selected = init;
        let s = screen(&a, 100, 12);
        assert!(s.contains("INIT_START"), "{s}");
        a.logs_selected = report;
        app::tests::press(&mut a, "\n");
        let s = screen(&a, 100, 24);
        // The popup's inside, line after line (the view's border and first column beside it).
        let flat: String = s
            .lines()
            .filter_map(|l| l.split('│').nth(2))
            .map(str::trim_end)
            .collect();
        let squeeze = |t: &str| t.replace(' ', "");
        assert!(
            squeeze(&flat).contains(&squeeze(&format!("@message:{message}"))),
            "{message}\n{s}"
        );
    }

    #[test]
    fn detail_view() {
        let mut a = loaded();
        app::tests::press(&mut a, "j\n");
        insta::assert_snapshot!("detail", screen(&a, 150, 40));
    }

    #[test]
    fn logs_view_runs_the_query_language() {
        let mut a = loaded();
        let effects = app::tests::press(&mut a, ":logs\n");
        let Some(Effect::RunLogsQuery { id, text, .. }) = effects.first().cloned() else {
            panic!("{effects:?}")
        };
        let data = a.data.clone().unwrap();
        a.logs_answer(id, data::run_logs_query(&data, &text));
        insta::assert_snapshot!("logs", screen(&a, 150, 12));
        let effects = app::tests::press(&mut a, "/@type = \"REPORT\" and @duration > 11000\n");
        let Some(Effect::RunLogsQuery { id, text, .. }) = effects.first().cloned() else {
            panic!("{effects:?}")
        };
        let r = data::run_logs_query(&data, &text).unwrap();
        assert_eq!(r.rows.len(), 1, "one invocation over 11 s in sample-data");
        a.logs_answer(id, Ok(r));
        insta::assert_snapshot!("logs_filtered", screen(&a, 150, 8));
        // A query error names the column.
        let err = data::run_logs_query(&data, "@duration >").unwrap_err();
        assert!(err.starts_with("query:1:"), "{err}");
    }

    #[test]
    fn logs_level_filter_and_time_range() {
        let mut a = loaded();
        app::tests::press(&mut a, ":logs\n");
        let data = a.data.clone().unwrap();
        // L: ERROR lines only (text lines' levels and JSON `level`s alike).
        let effects = app::tests::press(&mut a, "L");
        let Some(Effect::RunLogsQuery { text, scope, .. }) = effects.first().cloned() else {
            panic!("{effects:?}")
        };
        assert_eq!(scope.label(), "level ERROR, FATAL");
        let errors = data::run_logs_query_scoped(&data, &text, scope).unwrap();
        let expected = data
            .tables
            .logs
            .iter()
            .filter(|r| r.level.as_deref() == Some("ERROR"))
            .count();
        assert!(expected > 0, "sample-data has ERROR lines");
        assert_eq!(errors.rows.len(), expected);
        a.logs_answer(a_id(&effects), Ok(errors));
        assert!(screen(&a, 150, 8).contains("logs [level ERROR, FATAL]"));
        // T: the last 15 minutes before the newest line, on top of the level.
        let effects = app::tests::press(&mut a, "T");
        let Some(Effect::RunLogsQuery { text, scope, .. }) = effects.first().cloned() else {
            panic!("{effects:?}")
        };
        assert_eq!(scope.label(), "level ERROR, FATAL · last 15m");
        let all_recent = data::run_logs_query_scoped(
            &data,
            &text,
            data::LogsScope {
                level: 0,
                range: scope.range,
            },
        )
        .unwrap();
        let newest = data.newest_ms.unwrap();
        let since = newest - 15 * 60_000;
        let expected = data
            .tables
            .logs
            .iter()
            .filter_map(|r| r.timestamp)
            .chain(data.tables.invocations.iter().filter_map(|r| r.timestamp))
            .filter(|&t| t >= since)
            .count();
        assert!(expected > 0);
        assert_eq!(all_recent.rows.len(), expected);
        // Both narrow a typed query too, and walking on comes back to everything.
        let r = data::run_logs_query_scoped(&data, "@type = \"REPORT\"", scope).unwrap();
        assert!(r.rows.is_empty(), "REPORT lines have no level");
        app::tests::press(&mut a, "LLLLTTTTT");
        assert_eq!(a.logs_scope, data::LogsScope::default());
    }

    fn a_id(effects: &[Effect]) -> u64 {
        match effects.first() {
            Some(Effect::RunLogsQuery { id, .. }) => *id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn traces_view_and_waterfall() {
        let mut a = loaded();
        app::tests::press(&mut a, ":traces\n");
        let n = a.trace_rows().len();
        assert!(n > 10, "sample-data has X-Ray traces");
        insta::assert_snapshot!("traces", screen(&a, 160, 12));
        app::tests::press(&mut a, "e");
        let errors = a.trace_rows().len();
        assert!(
            errors < n
                && a.trace_rows()
                    .iter()
                    .all(|t| t.error || t.fault || t.throttle)
        );
        app::tests::press(&mut a, "ec");
        assert!(a.trace_rows().iter().all(|t| t.cold_start == Some(true)));
        app::tests::press(&mut a, "c/geo\n");
        assert!(a
            .trace_rows()
            .iter()
            .all(|t| t.root.contains("geo") || t.trace_id.contains("geo")));
        app::tests::press(&mut a, "\u{1b}\n");
        assert!(matches!(a.view(), app::View::Trace(_)));
        insta::assert_snapshot!("trace_waterfall", screen(&a, 160, 16));
        app::tests::press(&mut a, "\u{1b}");
        assert_eq!(a.view(), &app::View::Traces);
    }

    #[test]
    fn cost_view() {
        let mut a = loaded();
        let effects = app::tests::press(&mut a, "jj$++");
        let Some(Effect::RunCost {
            id,
            function,
            knobs,
        }) = effects.last().cloned()
        else {
            panic!("{effects:?}")
        };
        let data = a.data.clone().unwrap();
        a.cost_answer(id, data::run_cost(&data, &function, knobs));
        insta::assert_snapshot!("cost", screen(&a, 150, 34));
    }

    /// Runs the pricing the keys ask for (the last one).
    fn cost_keys(a: &mut App, keys: &str) {
        let data = a.data.clone().unwrap();
        let last = app::tests::press(a, keys)
            .into_iter()
            .rev()
            .find(|e| matches!(e, Effect::RunCost { .. }));
        if let Some(Effect::RunCost {
            id,
            function,
            knobs,
        }) = last
        {
            a.cost_answer(id, data::run_cost(&data, &function, knobs));
        }
    }

    /// The option names are the last to shrink, every option can be scrolled to, and the
    /// cheapest is named as `faascope cost` names it.
    #[test]
    fn the_cost_view_keeps_option_names_and_scrolls() {
        let mut a = loaded();
        // webhook-handler (the last by name).
        cost_keys(&mut a, "G$");
        assert_eq!(a.view(), &app::View::Cost("webhook-handler".into()));
        let n = a.cost.as_ref().unwrap().comparison.options.len();
        let s = screen(&a, 80, 24);
        assert!(s.contains("OPTION") && s.contains("TYPICAL $"), "{s}");
        assert!(s.contains("Lambda on demand"), "{s}");
        assert!(
            s.contains("cheapest: Lambda")
                && s.contains(
                    "Compute Savings Plan (all-upfront, 3-yr assumed) (saves $0.01/month"
                ),
            "the name, whole: {s}"
        );
        assert!(
            !s.contains("cheapest: lambda-"),
            "the name, not the id: {s}"
        );
        // 100 columns: names abbreviated, not cut to five letters.
        let s = screen(&a, 100, 30);
        assert!(
            s.contains("Azure Functions Flex Consumption (on demand)")
                && s.contains("Azure Flex, 1 always ready"),
            "{s}"
        );
        // 132 columns: whole names where they fit, else abbreviated (never cut mid-word
        // without a `…`), and the chart beside.
        let s = screen(&a, 132, 40);
        assert!(s.contains("Compute SP (all-upfront, 3 yr)"), "{s}");
        assert!(s.contains("Azure Flex, 1 always ready"), "{s}");
        assert!(s.contains("break-even"), "{s}");
        // The last option is reached with G (and j), in a short terminal too.
        app::tests::press(&mut a, "G");
        assert_eq!(a.cost_selected, n - 1);
        let s = screen(&a, 80, 24);
        assert!(s.contains(&format!("-{n} (j/k)")), "{s}");
        app::tests::press(&mut a, "gj");
        assert_eq!(a.cost_selected, 1);
        // Esc and back into the same function keeps the cursor; another starts at the top.
        app::tests::press(&mut a, "\u{1b}$");
        assert_eq!(a.cost_selected, 1);
        cost_keys(&mut a, "\u{1b}k$");
        assert_eq!(a.cost_selected, 0);
        insta::assert_snapshot!("cost_narrow", screen(&a, 80, 24));
    }

    #[test]
    fn sim_view() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        sim_keys(&mut a, &data, "jjjjjs");
        sim_keys(&mut a, &data, "++");
        insta::assert_snapshot!("sim", screen(&a, 130, 22));
        // Narrower: the legend shortens rather than being cut mid-word, the labels end in `…`,
        // the headers are short, and the rows a short terminal hides are counted.
        let narrow = screen(&a, 80, 24);
        assert!(
            narrow.contains(" result: observed = REPORT lines; baseline = default knobs "),
            "{narrow}"
        );
        assert!(narrow.contains('…'), "{narrow}");
        let narrower = screen(&a, 70, 24);
        assert!(
            narrower.contains("BASELINE") && narrower.contains("WITH KNOBS"),
            "{narrower}"
        );
        let short = screen(&a, 80, 16);
        assert!(short.contains("more row(s) below"), "{short}");
    }

    /// Verification of 1c5f2bf: the timeouts row pushed "$ per month" out of the result box
    /// for every function with a timeout in its logs (sample-data's webhook-handler).
    #[test]
    fn the_sim_view_keeps_its_price_beside_the_timeouts_row() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        sim_keys(&mut a, &data, "/webhook\n");
        sim_keys(&mut a, &data, "s");
        let s = screen(&a, 130, 30);
        assert!(s.contains("simulate webhook-handler"), "{s}");
        assert!(s.contains("timeouts (environment reset)"), "{s}");
        assert!(s.contains("$ per month"), "{s}");
        assert!(!s.contains("more row(s) below"), "{s}");
    }

    #[test]
    fn help_lists_the_views_keys() {
        let mut a = loaded();
        app::tests::press(&mut a, "?");
        insta::assert_snapshot!("help", screen(&a, 120, 20));
        // Fourth-round dashboard review: at 60x15 lines were cut at the edge and the last keys
        // left out without a word. Wrapped now, and the title says when keys do not fit.
        let s = screen(&a, 60, 15);
        assert!(s.contains("keys: functions (cut: more below)"), "{s}");
        assert!(s.contains(":functions, :logs"), "{s}");
        let s = screen(&a, 132, 40);
        assert!(
            !s.contains("cut: more below") && s.contains("simulate the selected function"),
            "{s}"
        );
    }

    #[test]
    fn log_text_cannot_drive_the_terminal() {
        let mut data = sample_data();
        data.report.functions[0].function = "evil\u{1b}[2J\u{1b}]0;title\u{7}name".into();
        let mut a = App::new("");
        a.loaded(data);
        let s = screen(&a, 150, 8);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s}");
        assert!(s.contains("evilname"), "{s}");
    }

    #[test]
    fn logs_query_takes_an_expression_or_a_query() {
        let q = data::logs_query("@duration > 5").unwrap();
        assert_eq!(q.commands.len(), 2, "filter + display");
        let q = data::logs_query("stats count(*) by function").unwrap();
        assert_eq!(q.commands.len(), 1);
        assert!(data::logs_query("stats count(*) by").is_err());
    }

    #[test]
    fn only_the_rows_on_screen_are_drawn() {
        assert_eq!(ui::window(0, 1000, 13), (0, 10));
        assert_eq!(ui::window(9, 1000, 13), (0, 10));
        assert_eq!(ui::window(10, 1000, 13), (1, 10));
        assert_eq!(ui::window(999, 1000, 13), (990, 10));
        assert_eq!(ui::window(0, 3, 13), (0, 3));
        assert_eq!(ui::window(0, 0, 13), (0, 0));
        assert_eq!(ui::window(0, 5, 2), (0, 1));
    }

    #[test]
    fn not_a_terminal_is_a_clear_error() {
        // The test harness's stdout is captured, not a terminal.
        if !std::io::stdout().is_terminal() {
            let e = run_with_progress(
                |_| Err("unused".into()),
                Duration::from_millis(10),
                theme::Theme::default(),
            )
            .unwrap_err();
            assert!(e.to_string().contains("faascope report"));
        }
    }

    /// The dashboard's data from a file of tests/fixtures/dash, loaded as the loading job does.
    fn fixture(name: &str, function_name: Option<&str>) -> (DashData, LoadProgress) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/dash")
            .join(name);
        let progress = LoadProgress::default();
        let read = |n: u64| progress.read(n);
        let data = load_data_with_progress(name.into(), &progress, || {
            crate::ingest::ingest_paths(
                &[path],
                &crate::ingest::IngestOptions {
                    function_name: function_name.map(Into::into),
                    ..ingest_options()
                },
                Some(&read),
            )
            .map(|ing| (ing, data::PricingBasis::default()))
            .map_err(|e| e.to_string())
        })
        .unwrap();
        (data, progress)
    }

    #[test]
    fn loading_shows_the_bytes_read_then_the_computing() {
        let mut a = App::new("loading the sources...");
        a.loading = app::Loading {
            bytes: 412_300_000,
            total_bytes: 1_000_000_000,
            files: 3,
            computing: false,
            elapsed_ms: 1_234,
        };
        let s = screen(&a, 80, 8);
        assert!(
            s.contains("read 412.3 MB of 1.0 GB (3 files) (41%)   1.2 s"),
            "{s}"
        );
        // A gzip input: more text read than its size on disk, so no share over 100 %.
        a.loading.total_bytes = 20_500_000;
        let s = screen(&a, 80, 8);
        assert!(s.contains("read 412.3 MB (3 files)   1.2 s"), "{s}");
        assert!(!s.contains('%'), "{s}");
        a.loading.total_bytes = 1_000_000_000;
        a.loading.computing = true;
        let s = screen(&a, 80, 8);
        assert!(
            s.contains("read 412.3 MB (3 files); computing the report, costs and charts..."),
            "{s}"
        );
        // The loading job tells what the ingestion read, then that it computes.
        let (_, progress) = fixture("untimed.log", Some("my-func"));
        let size = std::fs::metadata(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/dash/untimed.log"),
        )
        .unwrap()
        .len();
        let seen = progress.snapshot(std::time::Instant::now());
        assert_eq!(seen.bytes, size);
        assert!(seen.computing);
        // A failed load says why in the loading box, whole.
        a.load_failed("no such file: /a/very/long/path/that/goes/on/and/on/and/on/to/the/end.log (check the path)".into());
        let s = screen(&a, 60, 8);
        assert!(
            s.contains("loading failed:") && s.contains("(check the path)"),
            "{s}"
        );
    }

    #[test]
    fn empty_and_report_less_inputs_say_why() {
        let mut a = App::new("");
        a.loaded(fixture("empty.log", None).0);
        assert!(
            a.status
                .contains("no invocations (REPORT lines or platform.report events) found")
                && a.status
                    .contains("1 malformed record skipped (1 empty file)"),
            "{}",
            a.status
        );
        let s = screen(&a, 120, 12);
        assert!(
            s.contains("functions (0)")
                && s.contains("no invocations (REPORT lines or platform.report events) found")
                && s.contains("read 1 file, 0 log lines")
                && s.contains("skipped 1 malformed record:")
                && s.contains("1  empty file")
                && s.contains("empty.log:0: empty file: no records"),
            "{s}"
        );
        // Ninth-round dash review: a file passed over (faascope's own export) says so.
        let mut a = App::new("");
        a.loaded(fixture("own-export.ndjson", None).0);
        let s = screen(&a, 120, 12);
        assert!(
            s.contains("passed over 1 file that holds no logs to read")
                && s.contains("own-export.ndjson (faascope's export of the logs table, NDJSON)"),
            "{s}"
        );
        let mut a = App::new("");
        a.loaded(fixture("noreport.log", None).0);
        let s = screen(&a, 120, 12);
        assert!(
            s.contains("no invocations (REPORT lines or platform.report events) found")
                && s.contains("read 1 file, 1 log line")
                && !s.contains("skipped"),
            "{s}"
        );
    }

    /// A function with timed and untimed invocations is priced from the timed ones, and the
    /// status line says how many were left out.
    #[test]
    fn untimed_invocations_of_a_priced_function_are_named() {
        let mut a = App::new("");
        a.loaded(fixture("partly-untimed.log", Some("my-func")).0);
        assert!(
            a.status.contains("1 function, 2 invocations")
                && a.status
                    .contains("invocations without a time are not priced: my-func 1"),
            "{}",
            a.status
        );
        let s = screen(&a, 150, 8);
        let row = s.lines().find(|l| l.contains("my-func")).unwrap();
        let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
        assert_ne!(cells[cells.len() - 2], "-", "$/MONTH: {s}");
    }

    /// Invocations without a time (REPORT lines copied from the console) cannot be placed in a
    /// window, so no month can be projected: the functions table shows `-`, and the status
    /// line, the detail view and the cost view say why.
    #[test]
    fn a_function_without_a_cost_says_why() {
        let mut a = App::new("");
        a.loaded(fixture("untimed.log", Some("my-func")).0);
        let why = "no invocation with a time (REPORT lines without timestamps)";
        assert!(
            a.status.contains("1 function, 2 invocations")
                && a.status
                    .contains(&format!("(no cost for 1 of 1 functions: my-func: {why})")),
            "{}",
            a.status
        );
        // On screen whole, on the status line of a usual terminal.
        let s = screen(&a, 150, 8);
        assert!(s.contains(&format!("{why})")), "{s}");
        let row = s.lines().find(|l| l.contains("my-func")).unwrap();
        let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
        assert_eq!(cells[cells.len() - 2..], ["-", "-"], "$/MONTH, $/1M: {s}");
        app::tests::press(&mut a, "\n");
        let s = screen(&a, 150, 40);
        assert!(
            s.contains(&format!("cost: - (no month could be projected: {why})")),
            "{s}"
        );
        // The cost view shows the reason in place of the options.
        let effects = app::tests::press(&mut a, "$");
        let Some(Effect::RunCost {
            id,
            function,
            knobs,
        }) = effects.last().cloned()
        else {
            panic!("{effects:?}")
        };
        let data = a.data.clone().unwrap();
        a.cost_answer(id, data::run_cost(&data, &function, knobs));
        let s = screen(&a, 100, 30);
        assert!(
            s.contains("cannot price: no cost for my-func: no invocation with")
                && s.contains("timestamps)"),
            "{s}"
        );
    }

    /// Runs the simulations the keys ask for: only the last one (the others' answers would be
    /// dropped as stale).
    fn sim_keys(a: &mut App, data: &DashData, keys: &str) {
        let last = app::tests::press(a, keys)
            .into_iter()
            .rev()
            .find(|e| matches!(e, Effect::RunSim { .. }));
        if let Some(Effect::RunSim {
            id,
            function,
            knobs,
        }) = last
        {
            a.sim_answer(id, data::run_simulation(data, &function, knobs));
        }
    }

    /// Fourth-round dashboard review: a replay refused at the knobs' starting values (too few
    /// timed invocations) blamed "these knobs", which no turn of a knob could help.
    #[test]
    fn a_simulation_refused_before_any_knob_is_turned_names_the_function() {
        let mut a = loaded();
        let effects = app::tests::press(&mut a, "s");
        let Some(Effect::RunSim { id, .. }) = effects
            .into_iter()
            .find(|e| matches!(e, Effect::RunSim { .. }))
        else {
            panic!("no simulation asked for")
        };
        a.sim_answer(
            id,
            Err(
                "function 'catalog-snapstart' has 1 timed invocation(s); a replay needs at least 2"
                    .into(),
            ),
        );
        let s = screen(&a, 110, 24);
        assert!(
            s.contains("cannot simulate catalog-snapstart: function") && !s.contains("these knobs"),
            "{s}"
        );
    }

    #[test]
    fn a_failed_simulation_shows_its_error_not_the_last_result() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        // payments-java; provisioned ×20 runs.
        sim_keys(&mut a, &data, "jjjjjjs");
        assert_eq!(a.view(), &app::View::Sim("payments-java".into()));
        sim_keys(&mut a, &data, "]]++++++++++++++++++++");
        assert_eq!(a.sim_knobs.provisioned, 20);
        assert!(a.sim.is_some(), "{:?}", a.sim_error);
        // A knob turned, its run not in yet: the last result is labelled as the older knobs'.
        app::tests::press(&mut a, "]]-");
        let s = screen(&a, 110, 24);
        assert!(
            s.contains("PREVIOUS KNOBS") && !s.contains("WITH THE KNOBS"),
            "{s}"
        );
        // The account limit down to 1: provisioned concurrency follows it to 0 (the limit keeps
        // 100 unreserved, or the simulator would refuse the knobs), and the status says why.
        let effects = app::tests::press(&mut a, "------");
        assert_eq!(a.sim_knobs.concurrency_limit, 1);
        assert_eq!(a.sim_knobs.provisioned, 0);
        assert!(
            a.status.contains(
                // Clamped when the limit passed 100; said for the limit the knob shows now.
                "provisioned concurrency stops at 0: the account limit 1 keeps 100 unreserved"
            ),
            "{}",
            a.status
        );
        // A run that fails (its job answers an error) shows the error, not the last result.
        let Some(Effect::RunSim { id, .. }) = effects
            .into_iter()
            .rev()
            .find(|e| matches!(e, Effect::RunSim { .. }))
        else {
            panic!("no simulation asked for")
        };
        a.sim_answer(
            id,
            Err("the simulation job failed: out of memory while replaying the arrivals".into()),
        );
        let e = a.sim_error.clone().expect("the simulation fails");
        assert!(
            a.sim.is_none(),
            "no result shown for knobs it did not run with"
        );
        assert!(a.sim_baseline.is_some(), "the baseline stays");
        let s = screen(&a, 110, 24);
        assert!(
            s.contains("cannot simulate with these knobs") && !s.contains("WITH THE KNOBS"),
            "{s}"
        );
        // The error is on screen whole (wrapped), its last words included.
        let last = e.split_whitespace().last().unwrap();
        assert!(s.contains(last), "{e:?}: {last:?} missing from\n{s}");
        // Turning a knob back runs it again.
        sim_keys(&mut a, &data, "++++++");
        assert_eq!(a.sim_knobs.concurrency_limit, 500);
        assert!(a.sim.is_some() && a.sim_error.is_none());
        // Room to provision again: the note about the limit is gone.
        assert_eq!(a.status, a.summary);
    }

    /// The simulated month is priced over the window the observed one is projected from (as
    /// `faascope simulate --from ... --price`, which gives image-batch $10.43): the same
    /// GB-seconds cost the same, not 9 % more over the function's own, shorter span.
    #[test]
    fn the_simulated_month_and_the_observed_one_share_a_window() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        sim_keys(&mut a, &data, "jjs");
        assert_eq!(a.view(), &app::View::Sim("image-batch".into()));
        let base = a.sim_baseline.clone().unwrap();
        let simulated = base.priced.unwrap().total_usd_per_month;
        let observed = data.costs["image-batch"].usd_per_month;
        assert_eq!(crate::cost::round_cents(observed).to_string(), "10.43");
        assert!((simulated - 10.43).abs() < 0.05, "{simulated}");
        // The run covers the run's 72 whole hours.
        let start = data.window.unwrap().0;
        assert!(
            base.output.measured_s >= 72.0 * 3600.0 - 1.0,
            "{}",
            base.output.measured_s
        );
        assert_eq!(start % 3_600_000, 0, "whole hours");
    }

    /// The limit knob turned on past the point where it held provisioned concurrency: the note
    /// follows the limit the knob shows (it said 100 while the knob showed 2).
    #[test]
    fn the_provisioned_cap_note_names_the_limit_on_the_knob() {
        let mut a = loaded();
        app::tests::press(&mut a, "jjjjjs]]+");
        assert_eq!(a.sim_knobs.provisioned, 1);
        app::tests::press(&mut a, "]]---");
        assert_eq!(a.sim_knobs.concurrency_limit, 50);
        assert_eq!(a.sim_knobs.provisioned, 0);
        assert!(
            a.status.contains("the account limit 50 keeps"),
            "{}",
            a.status
        );
        app::tests::press(&mut a, "---");
        assert_eq!(a.sim_knobs.concurrency_limit, 2);
        assert!(
            a.status.contains("the account limit 2 keeps"),
            "{}",
            a.status
        );
        // Another knob turned: the note still holds, for the same limit.
        app::tests::press(&mut a, "]+");
        assert!(
            a.status.contains("the account limit 2 keeps"),
            "{}",
            a.status
        );
        app::tests::press(&mut a, "[+++++");
        assert_eq!(a.sim_knobs.concurrency_limit, 500);
        assert_eq!(a.status, a.summary);
    }

    /// Small probabilities keep three significant digits (the CLI prints P(cold) 0.0000172),
    /// and requests never served are shown with their share.
    #[test]
    fn the_simulate_view_keeps_small_shares_and_shows_rejections() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        // orders-api, traffic ×3, the account limit down to 2.
        sim_keys(&mut a, &data, "jjjjjs");
        sim_keys(&mut a, &data, "+++]]]]------");
        assert_eq!(a.view(), &app::View::Sim("orders-api".into()));
        assert_eq!(a.sim_knobs.traffic_scale, 3.0);
        assert_eq!(a.sim_knobs.concurrency_limit, 2);
        let run = a.sim.clone().unwrap_or_else(|| panic!("{:?}", a.sim_error));
        let m = &run.output.total;
        assert!(m.rejected > 0, "{m:?}");
        let s = screen(&a, 130, 24);
        let row = s.lines().find(|l| l.contains("never served")).unwrap();
        let p = m.rejection_probability.unwrap();
        assert!(
            row.contains(&format!(
                "{} ({})",
                m.rejected + m.dropped_async,
                ui::share(p)
            )),
            "{p}: {s}"
        );
        assert_eq!(ui::share(0.0000172), "0.00172%");
        assert_eq!(ui::share(0.00673), "0.673%");
        assert_eq!(ui::share(0.069), "6.90%");
        assert_eq!(ui::share(0.5), "50.00%");
        assert_eq!(ui::share(0.0), "0%");
        let row = s.lines().find(|l| l.contains("cold-start share")).unwrap();
        assert!(!row.contains(" 0.00%"), "{s}");
    }

    #[test]
    fn the_simulate_view_shows_the_observed_figures_beside_the_simulated_baseline() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        sim_keys(&mut a, &data, "jjjjjjs");
        let s = screen(&a, 120, 24);
        let p = data
            .report
            .functions
            .iter()
            .find(|f| f.function == "payments-java")
            .unwrap();
        let base = &a.sim_baseline.as_ref().unwrap().output.total;
        assert_ne!(base.cold_starts, p.cold_starts, "the two differ");
        let row = s.lines().find(|l| l.contains("cold starts ")).unwrap();
        let cells: Vec<String> = row
            .trim_matches('│')
            .split_whitespace()
            .skip(2)
            .map(String::from)
            .collect();
        let want = [p.cold_starts, base.cold_starts, base.cold_starts].map(|n| n.to_string());
        assert_eq!(cells, want, "{s}");
        assert!(
            s.contains("OBSERVED") && s.contains("BASELINE (SIMULATED)"),
            "{s}"
        );
    }

    #[test]
    fn memory_below_what_was_used_is_flagged() {
        let mut a = loaded();
        let used = a.max_memory_used_mb("payments-java").unwrap();
        assert!((200.0..256.0).contains(&used), "{used}");
        assert_eq!(a.memory_warning("payments-java", Some(256)), None);
        assert_eq!(a.memory_warning("payments-java", None), None);
        app::tests::press(&mut a, "jjjjjj$");
        while a.cost_knobs.memory_mb != Some(128) {
            app::tests::press(&mut a, "m");
        }
        let s = screen(&a, 150, 34);
        assert!(
            s.contains(&format!(
                "⚠ 128 MB is below the {used:.0} MB the function used at most: it would run out of memory"
            )),
            "{s}"
        );
        app::tests::press(&mut a, "M");
        assert!(!screen(&a, 150, 34).contains('⚠'));
        // The simulate view's memory knob too.
        app::tests::press(&mut a, "\u{1b}s]]]");
        while a.sim_knobs.memory_mb != Some(128) {
            app::tests::press(&mut a, "-");
        }
        let s = screen(&a, 150, 24);
        assert!(s.contains("⚠ 128 MB is below the"), "{s}");
    }

    #[test]
    fn a_sort_column_off_screen_is_named_in_the_title_and_long_names_end_in_an_ellipsis() {
        let mut a = loaded();
        // `<` from FUNCTION wraps to FLAGS, which 120 columns cannot draw.
        app::tests::press(&mut a, "<");
        let s = screen(&a, 120, 14);
        assert!(
            s.contains("functions (8) · sorted by FLAGS ▼ (off screen)"),
            "{s}"
        );
        let wide = screen(&a, 160, 14);
        assert!(
            wide.contains("FLAGS ▼") && !wide.contains("off screen"),
            "{wide}"
        );
        let mut data = sample_data();
        data.report.functions[0].function =
            "a-function-name-far-longer-than-the-column-it-is-shown-in".into();
        let mut a = App::new("");
        a.loaded(data);
        let s = screen(&a, 100, 14);
        let row = s.lines().find(|l| l.contains("a-function")).unwrap();
        assert!(row.contains("…"), "{s}");
    }

    /// A job that panics still answers (with an error), so no view waits for it forever.
    #[test]
    fn a_panicking_job_answers_with_an_error() {
        let (tx, rx) = mpsc::channel();
        spawn_job(
            &tx,
            || -> Result<crate::query::QueryResult, String> { panic!("boom") },
            |result| Msg::Logs {
                id: 7,
                result: Box::new(result),
            },
        )
        .unwrap();
        let Ok(Msg::Logs { id, result }) = rx.recv_timeout(Duration::from_secs(10)) else {
            panic!("no answer")
        };
        assert_eq!(id, 7);
        assert!(result.unwrap_err().starts_with("internal error"));
        // The state takes it as the query's failure: nothing is left running.
        let mut a = loaded();
        app::tests::press(&mut a, "l");
        assert!(a.logs_running);
        a.logs_answer(
            1,
            Err("internal error (a bug, please report it): boom".into()),
        );
        assert!(!a.logs_running && a.logs_error.is_some());
        let s = screen(&a, 100, 8);
        assert!(s.contains("the query failed") && s.contains("boom"), "{s}");
    }

    /// Seventh-round dashboard review: logs of a function whose memory changed (30 calls of
    /// 200 ms at 256 MB, then 30 of 50 ms at 1024 MB) replayed the older size's durations
    /// unscaled with the knob at "as configured" ($0.06 a month where `simulate --from --price`
    /// said $0.03), and scaled only once the knob was moved. Each is now scaled from its own
    /// size either way: fully CPU-bound, 256 -> 1024 MB is x0.25, so every call runs 50 ms.
    #[test]
    fn a_replay_scales_invocations_logged_at_another_size() {
        let dir = tempfile::tempdir().unwrap();
        let log: String = (0..60)
            .map(|i| {
                let (ms, mb) = if i < 30 { (200, 256) } else { (50, 1024) };
                format!(
                    "2025-09-10T00:{:02}:{:02}.000Z REPORT RequestId: 11111111-2222-3333-4444-{i:012}\tDuration: {ms}.00 ms\tBilled Duration: {ms} ms\tMemory Size: {mb} MB\tMax Memory Used: 90 MB\t\n",
                    i / 2,
                    (i % 2) * 30
                )
            })
            .collect();
        std::fs::write(dir.path().join("two.log"), log).unwrap();
        let ing = crate::ingest::ingest_paths(&[dir.path().to_path_buf()], &ingest_options(), None)
            .unwrap();
        let data = DashData::build("two/".into(), ing.tables, ing.skips.total).unwrap();
        let as_configured = data::run_simulation(&data, "two", data::SimKnobs::default()).unwrap();
        assert_eq!(as_configured.memory_mb, 1024);
        assert_eq!(as_configured.output.total.billed_execution_ms, 60 * 50);
        let knob = data::run_simulation(
            &data,
            "two",
            data::SimKnobs {
                memory_mb: Some(1024),
                ..data::SimKnobs::default()
            },
        )
        .unwrap();
        assert_eq!(knob.output.total.billed_execution_ms, 60 * 50);
        let usd = |r: &data::SimRun| r.priced.as_ref().unwrap().total_usd_per_month;
        assert_eq!(usd(&as_configured), usd(&knob));
    }

    /// Seventh-round dashboard review: a function whose invocations have no time drew three
    /// empty per-hour charts on a 1 January 1970 axis; the detail view says why instead.
    #[test]
    fn a_function_without_timed_invocations_charts_nothing_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let log: String = (0..5)
            .map(|i| format!("REPORT RequestId: 3f2a1c9e-0000-4000-8000-00000000000{i}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n"))
            .collect();
        std::fs::write(dir.path().join("nots.log"), log).unwrap();
        let ing = crate::ingest::ingest_paths(&[dir.path().to_path_buf()], &ingest_options(), None)
            .unwrap();
        let data = DashData::build("nots/".into(), ing.tables, ing.skips.total).unwrap();
        let mut a = App::new("loading");
        a.loaded(data);
        app::tests::press(&mut a, "\n");
        let s = screen(&a, 150, 30);
        assert!(s.contains("invocations 5"), "{s}");
        assert!(s.contains("no invocation with a time"), "{s}");
        assert!(!s.contains("01-01 00:00"), "{s}");
    }
}
