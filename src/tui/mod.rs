//! The interactive dashboard (`faascope` or `faascope dash`): state ([`app`]), rendering
//! ([`ui`], pure over the state) and the figures ([`data`]) apart. Loading and queries run on
//! background threads that post their results to the event loop, which never blocks on them:
//! it waits at most one tick for a key, then drains the job channel and redraws.

pub mod app;
pub mod config;
pub mod data;
pub mod theme;
pub mod ui;

use std::io::IsTerminal;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::ExecutableCommand;

use app::{App, Effect};
use data::DashData;

/// What background jobs post to the event loop.
pub enum Msg {
    Loaded(Box<Result<DashData, String>>),
    Logs {
        id: u64,
        result: Result<crate::query::QueryResult, String>,
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

/// Errors before the dashboard opens.
#[derive(Debug, thiserror::Error)]
pub enum DashError {
    #[error("the dashboard needs a terminal (stdin and stdout are not both one); for a headless view run `faascope report SOURCES` (or `faascope query`, `faascope logs`)")]
    NotATerminal,
    #[error("cannot set up the terminal: {0}")]
    Terminal(#[from] std::io::Error),
}

/// Restores the terminal: raw mode off, main screen back. Safe to call twice.
fn restore() {
    let _ = disable_raw_mode();
    let _ = std::io::stdout().execute(LeaveAlternateScreen);
}

/// Runs the dashboard until the user quits. `load` produces the data on a background thread.
pub fn run<F>(load: F, tick: Duration, colors: theme::Theme) -> Result<(), DashError>
where
    F: FnOnce() -> Result<DashData, String> + Send + 'static,
{
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(DashError::NotATerminal);
    }
    // The terminal is restored on every way out, a panic included.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    if let Err(e) = std::io::stdout().execute(EnterAlternateScreen) {
        restore();
        return Err(e.into());
    }
    let result = event_loop(load, tick, colors);
    restore();
    result
}

fn event_loop<F>(load: F, tick: Duration, colors: theme::Theme) -> Result<(), DashError>
where
    F: FnOnce() -> Result<DashData, String> + Send + 'static,
{
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
    let (tx, rx): (Sender<Msg>, Receiver<Msg>) = mpsc::channel();
    let loader = tx.clone();
    std::thread::spawn(move || {
        let _ = loader.send(Msg::Loaded(Box::new(load())));
    });
    let mut app = App::new("loading the sources...");
    app.theme = colors;
    loop {
        terminal.draw(|f| ui::render(f, &app))?;
        // Every key already typed is handled before the next frame, so typing ahead never
        // waits on drawing.
        let mut wait = tick;
        while event::poll(wait)? {
            wait = Duration::ZERO;
            if let Event::Key(k) = event::read()? {
                if k.kind == KeyEventKind::Press {
                    for e in app.key(k) {
                        match e {
                            Effect::Quit => return Ok(()),
                            Effect::RunLogsQuery { id, text, scope } => {
                                spawn_logs_query(&app, &tx, id, text, scope)
                            }
                            Effect::RunSim {
                                id,
                                function,
                                knobs,
                            } => {
                                if let Some(data) = app.data.clone() {
                                    let tx = tx.clone();
                                    std::thread::spawn(move || {
                                        let result = data::run_simulation(&data, &function, knobs);
                                        let _ = tx.send(Msg::Sim {
                                            id,
                                            result: Box::new(result),
                                        });
                                    });
                                }
                            }
                            Effect::RunCost {
                                id,
                                function,
                                knobs,
                            } => {
                                if let Some(data) = app.data.clone() {
                                    let tx = tx.clone();
                                    std::thread::spawn(move || {
                                        let result = data::run_cost(&data, &function, knobs);
                                        let _ = tx.send(Msg::Cost {
                                            id,
                                            result: Box::new(result),
                                        });
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Msg::Loaded(r) => match *r {
                    Ok(d) => app.loaded(d),
                    Err(e) => app.status = format!("loading failed: {e}"),
                },
                Msg::Logs { id, result } => app.logs_answer(id, result),
                Msg::Cost { id, result } => app.cost_answer(id, *result),
                Msg::Sim { id, result } => app.sim_answer(id, *result),
            }
        }
    }
}

fn spawn_logs_query(app: &App, tx: &Sender<Msg>, id: u64, text: String, scope: data::LogsScope) {
    let Some(data) = app.data.clone() else {
        return;
    };
    let tx = tx.clone();
    std::thread::spawn(move || {
        let result = data::run_logs_query_scoped(&data, &text, scope);
        let _ = tx.send(Msg::Logs { id, result });
    });
}

/// Loads the sources and builds the dashboard's data (what the loading job runs).
pub fn load_data(
    label: String,
    ingest: impl FnOnce() -> Result<crate::ingest::Ingested, String>,
) -> Result<DashData, String> {
    let ing = ingest()?;
    DashData::build(label, ing.tables, ing.skips.total)
}

/// Shared by the views' tests: the dashboard's data from the bundled sample-data.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_data() -> DashData {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        let ing = crate::ingest::ingest_paths(
            &[root],
            &crate::ingest::IngestOptions {
                keep_logs: true,
                keep_spans: true,
                keep_metrics: true,
                report_columns: false,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        DashData::build("sample-data/".into(), ing.tables, ing.skips.total).unwrap()
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
        assert!(err.starts_with("filter:1:"), "{err}");
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
        assert_eq!(scope.label(), "level ERROR");
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
        assert!(screen(&a, 150, 8).contains("logs [level ERROR]"));
        // T: the last 15 minutes before the newest line, on top of the level.
        let effects = app::tests::press(&mut a, "T");
        let Some(Effect::RunLogsQuery { text, scope, .. }) = effects.first().cloned() else {
            panic!("{effects:?}")
        };
        assert_eq!(scope.label(), "level ERROR · last 15m");
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
        assert!(a.trace_rows().iter().all(|t| t.cold_start));
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

    #[test]
    fn sim_view() {
        let mut a = loaded();
        let data = a.data.clone().unwrap();
        let run = |a: &mut App, keys: &str| {
            for e in app::tests::press(a, keys) {
                if let Effect::RunSim {
                    id,
                    function,
                    knobs,
                } = e
                {
                    a.sim_answer(id, data::run_simulation(&data, &function, knobs));
                }
            }
        };
        run(&mut a, "jjjjjs");
        run(&mut a, "++");
        insta::assert_snapshot!("sim", screen(&a, 130, 22));
    }

    #[test]
    fn help_lists_the_views_keys() {
        let mut a = loaded();
        app::tests::press(&mut a, "?");
        insta::assert_snapshot!("help", screen(&a, 120, 20));
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
            let e = run(
                || Err("unused".into()),
                Duration::from_millis(10),
                theme::Theme::default(),
            )
            .unwrap_err();
            assert!(e.to_string().contains("faascope report"));
        }
    }
}
