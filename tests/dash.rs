//! End to end: the real dashboard in a tmux session on sample-data, driven by keys, its screen
//! read back with `tmux capture-pane`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::root;

struct Tmux {
    socket: String,
}

impl Tmux {
    /// A detached tmux session `dash` of `width`×`height` running `cmd`, on its own server;
    /// `None` when tmux is not installed.
    fn start(name: &str, cmd: &str, width: u16, height: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed: skipping the dashboard's end-to-end test");
            return None;
        }
        let t = Tmux {
            socket: format!("faascope-{name}-{}", std::process::id()),
        };
        let (w, h) = (width.to_string(), height.to_string());
        assert!(t
            .cmd()
            .args(["new-session", "-d", "-s", "dash", "-x", &w, "-y", &h, cmd])
            .status()
            .unwrap()
            .success());
        Some(t)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        // Once the dashboard quits, the server is gone and tmux says so on stderr.
        c.args(["-L", &self.socket]).stderr(Stdio::null());
        c
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "dash"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            assert!(self
                .cmd()
                .args(["send-keys", "-t", "dash", k])
                .status()
                .unwrap()
                .success());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `text` (30 s at most).
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(Instant::now() < deadline, "no {text:?} on the screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A tmux format of the pane (`#{alternate_on}`, `#{cursor_flag}`, ...).
    fn format(&self, f: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "dash", f])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn alive(&self) -> bool {
        self.cmd()
            .args(["has-session", "-t", "dash"])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").stderr(Stdio::null()).status();
    }
}

#[test]
fn dashboard_filter_sort_drill_down_traces_logs_and_quit() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let cmd = format!(
        "{} dash {}",
        bin.display(),
        root().join("sample-data").display()
    );
    let Some(t) = Tmux::start("test", &cmd, 160, 45) else {
        return;
    };
    let s = t.wait_for("8 functions, 95039 invocations");
    assert!(s.contains("FUNCTION ▼") && s.contains("orders-api"), "{s}");
    // Sort by invocations: orders-api (39,021) first.
    t.keys(&[">"]);
    let s = t.wait_for("INVOC ▼");
    let first = s.lines().find(|l| l.contains("ms ")).unwrap_or("");
    assert!(first.contains("orders-api"), "{s}");
    // Filter, drill into the function, back.
    t.keys(&["/", "pay", "Enter"]);
    t.wait_for("functions (1)");
    t.keys(&["Enter"]);
    let s = t.wait_for("function payments-java");
    assert!(s.contains("invocations 9355"), "{s}");
    // Its invocations, slowest first.
    t.keys(&["i"]);
    t.wait_for("invocations of payments-java (9355), slowest first");
    t.keys(&["Escape"]);
    // Its cost options; arm64 re-prices them.
    t.keys(&["$"]);
    t.wait_for("options, cheapest first");
    t.keys(&["a"]);
    t.wait_for("architecture arm64");
    // Memory one step down re-prices with the invocation time rescaled; the break-even chart.
    t.keys(&["m"]);
    let s = t.wait_for("memory what-if: invocation time ×");
    assert!(s.contains("break-even"), "{s}");
    t.keys(&["Escape"]);
    // A what-if simulation of its observed traffic: traffic up one step re-runs it.
    t.keys(&["s"]);
    let s = t.wait_for("BASELINE (SIMULATED)");
    assert!(s.contains("OBSERVED"), "{s}");
    t.keys(&["+"]);
    t.wait_for("traffic × 1.5");
    // The last run is labelled as the older knobs' until the new one is in.
    let s = t.wait_for("WITH THE KNOBS");
    assert!(
        s.contains("traffic × 1.5") && !s.contains("PREVIOUS KNOBS"),
        "{s}"
    );
    // The memory knob (the fourth): one step up.
    t.keys(&["Tab", "Tab", "Tab", "+"]);
    let s = t.wait_for("MB (× ");
    assert!(s.contains("$ per month"), "{s}");
    t.keys(&["Escape", "Escape", "Escape"]);
    t.wait_for("functions (8)");
    // The traces, one trace's waterfall, back.
    t.keys(&[":", "traces", "Enter"]);
    t.wait_for("slowest first");
    t.keys(&["Enter"]);
    let s = t.wait_for("waterfall 1-");
    assert!(s.contains("Initialization"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("slowest first");
    // The logs view, filtered with the query language.
    t.keys(&[":", "logs", "Enter"]);
    t.wait_for("352330 rows");
    t.keys(&["/", "@type = \"REPORT\" and @duration > 11000", "Enter"]);
    let s = t.wait_for("1 rows");
    assert!(s.contains("Duration: 11543.86 ms"), "{s}");
    // Help, then quit: the process ends and the session with it.
    t.keys(&["?"]);
    t.wait_for("keys: logs");
    t.keys(&["Escape", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q did not quit");
}

/// A signal (kill, a closed terminal, `kill -QUIT`) ends the dashboard with the terminal as it
/// was: raw mode off, the main screen back, the cursor shown; the exit status is 128 + the
/// signal's number.
#[test]
fn signals_restore_the_terminal_and_exit_with_128_plus_the_signal() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("QUIT", 131)] {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        // The dashboard in the background of a shell that then reports its status and the
        // terminal's mode (`</dev/tty`: a background job's stdin is /dev/null otherwise).
        let script = format!(
            "{} dash {} </dev/tty & echo $! > {}; wait $!; echo EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\{{0,1\\}}icanon' | sed 's/^/MODE=/'; sleep 60",
            bin.display(),
            root().join("sample-data").display(),
            pid_file.display()
        );
        let cmd = format!("sh -c {}", shell_quote(&script));
        let Some(t) = Tmux::start(&format!("sig{signal}"), &cmd, 120, 30) else {
            return;
        };
        t.wait_for("8 functions, 95039 invocations");
        assert_eq!(t.format("#{alternate_on} #{cursor_flag}"), "1 0");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        assert!(Command::new("kill")
            .args([format!("-{signal}"), pid.trim().to_string()])
            .status()
            .unwrap()
            .success());
        let s = t.wait_for("MODE=");
        assert!(s.contains(&format!("EXIT={code}")), "SIG{signal}:\n{s}");
        assert!(
            s.lines().any(|l| l.trim() == "MODE=icanon"),
            "SIG{signal} left raw mode on:\n{s}"
        );
        assert_eq!(
            t.format("#{alternate_on} #{cursor_flag}"),
            "0 1",
            "SIG{signal}: alternate screen off, cursor shown"
        );
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `l` before the sources are loaded: the logs view runs its query once they are.
#[test]
fn logs_opened_while_loading_show_once_loaded() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let cmd = format!(
        "{} dash {}",
        bin.display(),
        root().join("sample-data").display()
    );
    let Some(t) = Tmux::start("early", &cmd, 150, 20) else {
        return;
    };
    // On the first frame (in a debug build the sources take a second or two to load; the
    // test holds whether or not they are in).
    t.wait_for("? help");
    t.keys(&["l"]);
    let s = t.wait_for("352330 rows");
    assert!(s.contains("REPORT RequestId"), "{s}");
    t.keys(&["q"]);
}

#[test]
fn the_config_file_gives_the_sources_and_the_theme() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("faascope").join("config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(
        &cfg,
        format!(
            "theme = \"light\"\ntick_rate_ms = 100\nsources = [{:?}]\n",
            root()
                .join("sample-data/s3-export/orders-api")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    // No command, no sources: the XDG config directory's file says what to open.
    let cmd = format!(
        "env XDG_CONFIG_HOME={} {}",
        dir.path().display(),
        bin.display()
    );
    let Some(t) = Tmux::start("cfg", &cmd, 150, 30) else {
        return;
    };
    let s = t.wait_for("1 function,");
    assert!(
        s.contains("the sources in") && s.contains("orders-api"),
        "{s}"
    );
    // The light theme: the title bar is on blue (SGR 44, or 48;5;4 as tmux writes it).
    let out = t
        .cmd()
        .args(["capture-pane", "-p", "-e", "-t", "dash"])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(
        first.contains("\u{1b}[44m") || first.contains("48;5;4m"),
        "{first:?}"
    );
    t.keys(&["q"]);
}

#[test]
fn without_a_terminal_the_dashboard_points_to_report() {
    let out = common::faascope()
        .arg("dash")
        .arg(root().join("sample-data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("faascope report"));
    let out = common::faascope().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no command opens the dashboard, which needs a terminal"
    );
}

#[test]
fn a_bad_config_file_is_named_with_its_line_before_anything_opens() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "tick_rate_ms = 100\ntheme = \"neon\"\n").unwrap();
    let out = common::faascope()
        .args(["dash", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:2:9", cfg.display())) && err.contains("light"),
        "{err}"
    );
    // The same through $FAASCOPE_CONFIG; a named file that does not exist is an error too.
    let out = common::faascope()
        .env("FAASCOPE_CONFIG", dir.path().join("missing.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.toml"), "{err}");
    // A value out of range is named with its line and column too.
    std::fs::write(
        &cfg,
        "# comment\n\ntheme = \"dark\"\ntick_rate_ms = 99999\n",
    )
    .unwrap();
    let out = common::faascope()
        .args(["dash", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:4:16: tick_rate_ms = 99999", cfg.display())),
        "{err}"
    );
    // --theme takes only the themes there are.
    let out = common::faascope()
        .args(["dash", "--theme", "neon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dark, light"));
}

/// Sources that fail to load: the dashboard says so, and quitting it exits 2 with the error on
/// stderr, as `report` does for the same sources.
#[test]
fn quitting_after_a_failed_load_exits_2_with_the_error() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing-logs");
    let script = format!(
        "{} dash {} 2>{}; echo EXIT=$?; sleep 60",
        bin.display(),
        missing.display(),
        dir.path().join("stderr").display()
    );
    let cmd = format!("sh -c {}", shell_quote(&script));
    let Some(t) = Tmux::start("failed", &cmd, 120, 30) else {
        return;
    };
    t.wait_for("loading failed");
    t.keys(&["q"]);
    let s = t.wait_for("EXIT=");
    assert!(s.contains("EXIT=2"), "{s}");
    let stderr = std::fs::read_to_string(dir.path().join("stderr")).unwrap();
    assert!(
        stderr.contains("missing-logs: no such file or directory"),
        "{stderr}"
    );
}

/// A filter that leaves nothing: the dashboard says what was read and which option removed it,
/// as `report` does, not that the sources hold no invocations.
#[test]
fn a_filter_that_leaves_nothing_says_what_was_read() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let cmd = format!(
        "{} dash {} --function nomatch",
        bin.display(),
        root().join("sample-data").display()
    );
    let Some(t) = Tmux::start("nomatch", &cmd, 200, 30) else {
        return;
    };
    let s = t.wait_for("none of the 95039 invocation(s) read");
    assert!(s.contains("matched --function 'nomatch'"), "{s}");
    assert!(s.contains("none matched --function/--since/--until"), "{s}");
    assert!(!s.contains("no invocations (REPORT lines"), "{s}");
    t.keys(&["q"]);
}

/// Records skipped as malformed: once the dashboard is closed, stderr names them with file, line
/// and reason as `faascope report` does (not with -q); `--strict` then exits 2.
#[test]
fn skipped_records_are_listed_on_stderr_after_quitting_and_strict_exits_2() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(
        logs.join("xy.log"),
        "2025-09-02T14:03:11.500000+00:00 2025/09/02/[$LATEST]9f3c REPORT RequestId: 3f2a1c9e-0000-4000-8000-000000000001\tDuration: 12.5 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n\
         2025-09-02T14:05:11.500000+00:00 2025/09/02/[$LATEST]9f3c REPORT RequestId: 3f2a1c9e-0000-4000-8000-000000000002\tDuration: abc ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n",
    )
    .unwrap();
    for (i, (flags, code, listed)) in [
        ("", 0, true),
        ("--strict", 2, true),
        ("--strict -q", 2, false),
    ]
    .into_iter()
    .enumerate()
    {
        let stderr = dir.path().join(format!("stderr{i}"));
        let script = format!(
            "{} dash {flags} {} 2>{}; echo EXIT=$?; sleep 60",
            bin.display(),
            logs.display(),
            stderr.display()
        );
        let cmd = format!("sh -c {}", shell_quote(&script));
        let Some(t) = Tmux::start(&format!("skips{i}"), &cmd, 150, 20) else {
            return;
        };
        t.wait_for("1 malformed record skipped");
        t.keys(&["q"]);
        let s = t.wait_for("EXIT=");
        assert!(s.contains(&format!("EXIT={code}")), "{flags:?}: {s}");
        let err = std::fs::read_to_string(&stderr).unwrap();
        assert_eq!(
            err.contains("warning: skipped 1 malformed record(s):")
                && err.contains("xy.log:2: ")
                && err.contains("Duration"),
            listed,
            "{flags:?}: {err}"
        );
        assert_eq!(
            err.contains("error: --strict: 1 record(s) were skipped as malformed"),
            code == 2,
            "{flags:?}: {err}"
        );
    }
}

/// `dash --function` prices a function as `faascope cost --function` does: over the hours every
/// function read spans (image-batch's own span ends hours earlier: 11.20 instead of 10.43).
#[test]
fn a_function_filter_does_not_change_its_cost() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let cmd = format!(
        "{} dash {} --function '^image'",
        bin.display(),
        root().join("sample-data").display()
    );
    let Some(t) = Tmux::start("fncost", &cmd, 160, 20) else {
        return;
    };
    let s = t.wait_for("1 function,");
    let row = s.lines().find(|l| l.contains("image-batch")).unwrap_or("");
    assert!(row.contains(" 10.43 "), "{s}");
    t.keys(&["q"]);
}

/// Seventh-round verification: the note on records without a time that --since left out is
/// in the status line (which a narrow terminal cuts) and on stderr once the dashboard quits,
/// as `report` prints it.
#[test]
fn records_left_out_by_the_window_are_said_on_quitting_too() {
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let report = |ts: &str, i: u32| {
        format!("{ts}REPORT RequestId: 3f2a1c9e-0000-4000-8000-00000000000{i}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n")
    };
    std::fs::write(
        logs.join("timed.log"),
        report("2025-09-02T14:03:11.500Z ", 1),
    )
    .unwrap();
    std::fs::write(logs.join("nots.log"), report("", 2)).unwrap();
    let script = format!(
        "{} dash {} --since 2025-09-01T00:00:00Z 2>{}; echo EXIT=$?; sleep 60",
        bin.display(),
        logs.display(),
        dir.path().join("stderr").display()
    );
    let cmd = format!("sh -c {}", shell_quote(&script));
    let Some(t) = Tmux::start("untimed", &cmd, 200, 30) else {
        return;
    };
    let s = t.wait_for("have no time");
    assert!(s.contains("1 invocation(s) have no time"), "{s}");
    t.keys(&["q"]);
    let s = t.wait_for("EXIT=");
    assert!(s.contains("EXIT=0"), "{s}");
    let stderr = std::fs::read_to_string(dir.path().join("stderr")).unwrap();
    assert!(
        stderr.contains("note: 1 invocation(s) have no time (lines without timestamps) and are left out by --since/--until"),
        "{stderr}"
    );
}
