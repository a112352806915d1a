//! Printers over report structs: table, JSON, CSV and Markdown. Nothing here computes figures.

pub mod ci;
pub mod cost;
pub mod query;
pub mod report;
pub mod traces;

use std::io::{self, Write};
use std::path::Path;

/// Output formats of `report` and `traces`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
    Markdown,
}

/// Text for a Markdown table cell or line: `|` escaped (it would end the cell), `<` and `>` as
/// entities. Names come from logs and file names (a PR may add a log file): raw, `<details>`,
/// `<img>` or `<!--` would be HTML in a rendered PR comment or page.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Removes terminal control and escape sequences (CSI, OSC, lone ESC, C0/C1 controls but tab)
/// from text that came from log data, so printing it cannot drive the user's terminal.
pub fn sanitize(s: &str) -> String {
    strip_controls(s, false)
}

/// Text from logs for a message that names it (a file, a bad value): every character a
/// terminal may act on, and every invisible one, written out as an escape (`\u{1b}`), so that
/// nothing reaches the terminal and the user sees what the file holds (where [`sanitize`]
/// would drop a sequence with its payload: fifth-round dashboard review).
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let hidden = c.is_control()
            || is_reordering(c)
            || matches!(c, '\u{2028}' | '\u{2029}')
            || is_invisible_format(c);
        if hidden {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`visible`] keeping line breaks and tabs: for a multi-line message (an error with its
/// hint) that may quote a file name or a value holding terminal controls.
pub fn visible_lines(s: &str) -> String {
    s.split('\n')
        .map(|line| line.split('\t').map(visible).collect::<Vec<_>>().join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `s` cut to at most `width` terminal cells, `…` ending a cut one (a double-width CJK
/// character takes two cells, as the terminal shows it).
pub fn ellipsize(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// [`sanitize`] (`cell` false), or for a CSV cell (`cell`): tabs kept, and the invisible format
/// characters and line separators too, which only upset a table's layout (a CSV dropped the
/// joiners of Persian words and emoji sequences: fifth-round export review).
fn strip_controls(s: &str, cell: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    // CSI: parameters and intermediates, then one final byte 0x40–0x7e.
                    for n in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&n) {
                            break;
                        }
                    }
                }
                Some(']') | Some('P') | Some('_') | Some('^') => {
                    chars.next();
                    // OSC/DCS/APC/PM: until BEL or ST (ESC \).
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' {
                            break;
                        }
                        if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            // The one-character (C1) forms of CSI and OSC/DCS/APC/PM: their parameters go too.
            '\u{9b}' => {
                for n in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&n) {
                        break;
                    }
                }
            }
            '\u{9d}' | '\u{90}' | '\u{9f}' | '\u{9e}' => {
                while let Some(n) = chars.next() {
                    if n == '\u{7}' || n == '\u{9c}' {
                        break;
                    }
                    if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            '\t' => out.push(if cell { '\t' } else { ' ' }),
            // A line break inside one shown line (Python's traceback joined by CRs in one
            // event) is a space, not nothing: the words either side stay apart.
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            c if c.is_control() => {}
            c if is_reordering(c) => {}
            c if cell => out.push(c),
            c if is_invisible_format(c) => {}
            // Line and paragraph separators: a terminal may break the line there.
            '\u{2028}' | '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Bidirectional overrides and isolates: they reorder what a terminal shows around them (text
/// spoofing).
fn is_reordering(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Invisible format characters (soft hyphen, zero-width space/joiners, directional marks, word
/// joiner, BOM, interlinear annotation) and variation selectors: terminals disagree with the
/// width tables about them, so a table row shifts or leaves stale cells behind.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// Every line break (CR LF, a lone CR, LF) as LF: one line break however it was written, in
/// every format (a line break in CSV, a space on one table line).
pub fn unify_line_breaks(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A CSV cell (RFC 4180: quoted when it holds a comma, quote or line break). Text from logs is
/// [`sanitize`]d line by line first (CSV is read on terminals too), keeping its tabs (a CSV
/// cell holds them as they are); line breaks are written as LF ([`unify_line_breaks`]).
pub fn csv_cell(s: &str) -> String {
    let s = sanitize_csv(s);
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// The text of one CSV cell from logs: control sequences stripped line by line, tabs and
/// invisible format characters kept, line breaks as LF. Text with nothing to strip is returned as it is. One cell at a time: over
/// a whole document, a sequence cut short in one cell would take the delimiter or quote after it.
pub fn sanitize_csv(s: &str) -> std::borrow::Cow<'_, str> {
    if !s
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f || b >= 0x80)
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let unified = unify_line_breaks(s);
    std::borrow::Cow::Owned(
        unified
            .split('\n')
            .map(|line| strip_controls(line, true))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Serialized JSON with the characters a terminal may act on that JSON leaves as they are (C1
/// controls U+0080–U+009F, bidirectional overrides and isolates) written as JSON escapes
/// (`\u009b`): the same JSON value, safe to print. (JSON itself escapes C0 controls such as
/// ESC.) They can only stand inside strings, so the text is rewritten without parsing it.
pub fn json_safe(json: String) -> String {
    fn acts(c: char) -> bool {
        // DEL too, which CSV strips (seventh-round export review: NDJSON passed it raw).
        matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !json.chars().any(acts) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if acts(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// [`sanitize`] line by line, keeping the line breaks.
pub fn sanitize_block(s: &str) -> String {
    s.lines().map(sanitize).collect::<Vec<_>>().join("\n")
        + if s.ends_with('\n') { "\n" } else { "" }
}

/// The directory a file `path` goes in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Is `path` (followed through symlinks) something other than a regular file or a directory:
/// a device (`/dev/null`, `/dev/stdout`'s terminal or pipe), a FIFO or a socket? Such a path is
/// written to in place, never replaced: nothing of the user's is overwritten by writing to it,
/// and a rename over it would put a regular file where the device was.
pub fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Would writing `path` replace something of the user's: a file that exists, not a device,
/// FIFO or socket ([`is_special_file`], written to in place)? What `--force` is asked for.
pub fn replaces_a_file(path: &Path) -> bool {
    path.exists() && !is_special_file(path)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a rename.
/// Refuses to replace an existing file unless `overwrite`. A symlink to a file is kept: its
/// target is what is replaced. A device, FIFO or socket ([`is_special_file`]) is written to in
/// place, with or without `overwrite`.
pub fn write_atomic(path: &Path, overwrite: bool, bytes: &[u8]) -> io::Result<()> {
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory; give a file name in it",
        ));
    }
    let text = path.as_os_str().to_string_lossy();
    if let Some(dir) = text.strip_suffix('/') {
        // `--out newdir/`: a directory meant, and none there (or a file of that name).
        return Err(if Path::new(dir).is_file() {
            io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{dir} is a file, not a directory"),
            )
        } else {
            io::Error::new(
                io::ErrorKind::NotFound,
                "no such directory, and a file name cannot end in `/`: give a file name (in a directory that exists)",
            )
        });
    }
    if is_special_file(path) {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        return f.write_all(bytes).and_then(|()| f.flush());
    }
    // A symlink to an existing file: replace the file it points to, not the link.
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && path.exists()
    {
        resolved = std::fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
    if path.exists() && !overwrite {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file exists; pass --force to replace it",
        ));
    }
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(if dir.exists() {
            io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is a file, not a directory", dir.display()),
            )
        } else {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "no directory {}; create it first (mkdir -p {})",
                    dir.display(),
                    dir.display()
                ),
            )
        });
    }
    let mut builder = tempfile::Builder::new();
    // The file gets the mode a new file gets (0666 less the umask), or the mode of the file it
    // replaces (below); a temporary file alone would be private (0600).
    #[cfg(unix)]
    builder.permissions(new_file_permissions());
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        // Not the temporary file's name (the user never asked for it): callers name the
        // file they were writing. The system's reason (`Read-only file system`), not only
        // its kind (`entity not found`).
        // tempfile's text ends with the temporary file's path (` at path "..."`): cut there.
        let text = e.to_string();
        let why = text
            .split_once(" at path ")
            .map_or(text.as_str(), |(why, _)| why)
            .to_string();
        io::Error::new(
            e.kind(),
            format!("cannot create a file in {}: {why}", dir.display()),
        )
    })?;
    #[cfg(unix)]
    if overwrite {
        // Set after creation, which the umask does not touch: the mode is kept whole.
        if let Ok(m) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(m.permissions())?;
        }
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if overwrite {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        // A file created after the check above is not replaced either (no check-then-write race).
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "the file exists; pass --force to replace it",
                )
            } else {
                e.error
            }
        })?;
    }
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    // The umask applies when the file is created.
    std::fs::Permissions::from_mode(0o666)
}

/// The least a text column of a table keeps a line, beside figures kept whole.
const TEXT_MIN_CHARS: usize = 8;

/// Keeps column `k` of `t`, whose widest cell is `widest` characters, wide enough (plus its
/// padding) that a figure in it is never wrapped across lines (a dynamic table wraps cells to
/// fit the terminal: "1099.49" read "1099.4" over "9"). A text column (`figures` false) wraps
/// to make room, keeping a few characters a line; when the figures alone are wider than the
/// terminal, the table is wider than it rather than cut.
pub(crate) fn keep_whole(t: &mut comfy_table::Table, k: usize, widest: usize, figures: bool) {
    use comfy_table::{ColumnConstraint, Width};
    let chars = if figures {
        widest
    } else {
        widest.min(TEXT_MIN_CHARS)
    };
    if let Some(c) = t.column_mut(k) {
        let w = u16::try_from(chars + 2).unwrap_or(u16::MAX);
        c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_safe_escapes_what_a_terminal_acts_on() {
        let v = serde_json::json!({"m": "a\u{9b}31mb\u{202e}c\u{1b}d\u{e9}\u{7f}"});
        let text = super::json_safe(serde_json::to_string(&v).unwrap());
        assert_eq!(
            text,
            "{\"m\":\"a\\u009b31mb\\u202ec\\u001bd\u{e9}\\u007f\"}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    use super::*;

    /// An error's own line breaks and tabs stay; a control sequence a name holds is shown.
    #[test]
    fn visible_lines_keep_breaks_and_show_controls() {
        assert_eq!(
            visible_lines("ctl/dang\u{1b}[31m.log: gone\n  check\tit\u{7}"),
            "ctl/dang\\u{1b}[31m.log: gone\n  check\tit\\u{7}"
        );
    }

    /// Fourth-round reviews: a grid right-aligned a column of sentences (the finding, even
    /// when each starts with a number) and of words (a result); figures stay right-aligned.
    #[test]
    fn grids_right_align_figures_not_words() {
        let rows = vec![
            vec![
                "a".to_string(),
                "$0.52 – $5.19".to_string(),
                "4.00 % → 8.14 %".to_string(),
                "1352 throttled request(s) over the limit".to_string(),
                "pass".to_string(),
            ],
            vec![
                "b".to_string(),
                "<0.0001".to_string(),
                "-".to_string(),
                "3 timed out".to_string(),
                "fail".to_string(),
            ],
        ];
        let md = cost::render_grid(
            &["f", "usd", "pct", "finding", "result"],
            &rows,
            Format::Markdown,
            None,
            1,
        );
        assert!(md.contains("|---|---:|---:|---|---|"), "{md}");
    }

    /// Third-round cost review: a function named by its file stem reached a PR comment as HTML
    /// (`<details>` folding away the failures, `<img>`, an unclosed `<!--`).
    #[test]
    fn markdown_cells_hold_names_as_text() {
        assert_eq!(
            md_cell("<img src=x><details open>|a<!--"),
            "&lt;img src=x&gt;&lt;details open&gt;\\|a&lt;!--"
        );
        assert_eq!(md_cell("orders-api → 1.5 %"), "orders-api → 1.5 %");
        let rows = vec![vec!["<b>x</b>".to_string(), "1".to_string()]];
        let md = cost::render_grid(&["function", "n"], &rows, Format::Markdown, None, 1);
        assert!(md.contains("| &lt;b&gt;x&lt;/b&gt; | 1 |"), "{md}");
        let table = cost::render_grid(&["function", "n"], &rows, Format::Csv, None, 1);
        assert!(table.contains("<b>x</b>"), "{table}");
    }

    #[test]
    fn sanitize_drops_invisible_format_characters() {
        // The dashboard review's hostile lines: each shifted a table row or left stale cells.
        let text = "A\u{ad}B\u{200b}C\u{200e}D\u{200f}E\u{61c}F\u{2060}G\u{feff}H\u{fe0f}I\u{2028}J\u{2029}K";
        assert_eq!(sanitize(text), "ABCDEFGHI J K");
        // Visible text is kept, wide characters and emoji included.
        assert_eq!(sanitize("日本語 ❤ é"), "日本語 ❤ é");
    }

    /// Fifth-round dashboard review: a skip named `evil.log` for `ev\e[31mil.log` and quoted
    /// `12` for `12\e]0;PWN2\a`; shown as escapes, nothing reaches the terminal.
    #[test]
    fn visible_writes_hidden_characters_out() {
        assert_eq!(
            visible("ev\u{1b}[31mil.log: `12\u{1b}]0;PWN2\u{7}`"),
            "ev\\u{1b}[31mil.log: `12\\u{1b}]0;PWN2\\u{7}`"
        );
        assert_eq!(visible("a\u{202e}b\u{9b}c é"), "a\\u{202e}b\\u{9b}c é");
        assert!(!visible("\u{1b}\u{7}\u{9b}\r\n")
            .chars()
            .any(char::is_control));
    }

    /// A line break inside one shown line keeps the words either side apart (Python's
    /// traceback is joined by CRs in one CloudWatch event).
    #[test]
    fn line_breaks_in_a_shown_line_are_spaces() {
        assert_eq!(sanitize("a\r\nb\rc\nd"), "a b c d");
        assert_eq!(sanitize_block("a\rb\nc\r\n"), "a b\nc\n");
    }

    #[test]
    fn c1_sequences_go_with_their_parameters() {
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
        assert_eq!(
            sanitize("a\u{9d}52;c;ZXZpbA==\u{7}b\u{9d}0;t\u{9c}c"),
            "abc"
        );
    }

    #[test]
    fn csv_documents_are_cleaned_cell_text_kept() {
        let csv = "f,m\n\"e\u{1b}[31mvil\",\"a\tb\r\nc \u{1b}]0;t\u{7}d\"\n";
        assert_eq!(sanitize_csv(csv), "f,m\n\"evil\",\"a\tb\nc d\"\n");
        let plain = "f,m\nx,\"日本\ty\"\n";
        assert!(matches!(
            sanitize_csv("f,m\nx,y\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(sanitize_csv(plain), plain);
        // Text, not terminal control: joiners, variation selectors, directional marks and
        // soft hyphens stay (fifth-round export review); bidirectional overrides go.
        let text = "می\u{200c}خواهم 👩\u{200d}💻 ❤\u{fe0f} שלום\u{200f} co\u{ad}op \u{2028}x";
        assert_eq!(sanitize_csv(text), text);
        assert_eq!(sanitize_csv("a\u{202e}b"), "ab");
        // The table's sanitize still drops them (they shift a row's cells).
        assert_eq!(sanitize("❤\u{fe0f}x"), "❤x");
    }

    /// A device is written to in place (never replaced by a regular file, with or without
    /// overwrite); a symlink keeps pointing at the file, which is what gets replaced.
    #[cfg(unix)]
    #[test]
    fn atomic_writes_leave_devices_and_symlinks_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        assert!(is_special_file(null));
        write_atomic(null, false, b"x").unwrap();
        write_atomic(null, true, b"x").unwrap();
        assert!(std::fs::symlink_metadata(null)
            .unwrap()
            .file_type()
            .is_char_device());

        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("baseline.json");
        let link = dir.path().join("link.json");
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(!is_special_file(&link));
        assert!(write_atomic(&link, false, b"new").is_err());
        write_atomic(&link, true, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn atomic_writes_keep_existing_files_unless_told() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, false, b"one").unwrap();
        let e = write_atomic(&p, false, b"two").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, true, b"three").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_not_private_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("chart.svg");
        write_atomic(&p, false, b"x").unwrap();
        // What a plain create gives in the same place (0666 less this process's umask).
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), mode(&plain));
        // A replaced file keeps its mode, whatever the umask.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666)).unwrap();
        write_atomic(&p, true, b"y").unwrap();
        assert_eq!(mode(&p), 0o666);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, true, b"z").unwrap();
        assert_eq!(mode(&p), 0o640);
    }

    #[test]
    fn a_missing_directory_is_named_not_a_temp_file() {
        let e = write_atomic(Path::new("/nonexistent-faascope/dir/out.csv"), false, b"x")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "no directory /nonexistent-faascope/dir; create it first (mkdir -p /nonexistent-faascope/dir)"
        );
        assert!(!e.contains(".tmp"), "{e}");
    }

    #[test]
    fn csv_cells_are_quoted_and_stripped() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\r\nlines"), "\"two\nlines\"");
        // A lone CR is a line break too; tabs stay (a CSV cell holds them).
        assert_eq!(csv_cell("a\rb"), "\"a\nb\"");
        assert_eq!(csv_cell("a\tb"), "a\tb");
        // `\u{9b}c` is CSI c (a device-attributes request): the `c` goes with it.
        assert_eq!(csv_cell("a\t\u{1b}]0;t\u{7}b\u{9b}c"), "a\tb");
        assert_eq!(csv_cell("\u{1b}[31mred\u{1b}[0m\u{7}"), "red");
        assert_eq!(csv_cell("é"), "é");
    }

    #[test]
    fn strips_escapes() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]8;;http://e\u{1b}\\y"), "xy");
        assert_eq!(sanitize("a\tb\r\n\u{9b}c"), "a b ");
        assert_eq!(sanitize("plain é"), "plain é");
        // Bidirectional overrides and isolates (text spoofing) go too.
        assert_eq!(sanitize("ab\u{202e}cd\u{2066}e\u{2069}"), "abcde");
    }

    #[test]
    fn atomic_write_refuses_overwrite() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        write_atomic(&p, false, b"1").unwrap();
        assert!(write_atomic(&p, false, b"2").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"1");
        write_atomic(&p, true, b"3").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"3");
    }

    /// Export review: `--out newdir/`, a file as the parent and a missing parent got "Not a
    /// directory (os error 20)" or "no directory afile"; each says what is wrong and what to do.
    #[test]
    fn atomic_write_says_what_is_wrong_with_the_path() {
        let d = tempfile::tempdir().unwrap();
        let err = |p: &Path| write_atomic(p, false, b"1").unwrap_err().to_string();
        let slash = d.path().join("newdir/");
        assert!(
            err(&slash).contains("no such directory, and a file name cannot end in `/`"),
            "{}",
            err(&slash)
        );
        let file = d.path().join("afile");
        std::fs::write(&file, "x").unwrap();
        assert!(err(&file.join("x.ndjson")).ends_with("afile is a file, not a directory"));
        let mut slashed = file.clone().into_os_string();
        slashed.push("/");
        assert!(err(Path::new(&slashed)).ends_with("afile is a file, not a directory"));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
        let missing = d.path().join("nodir");
        let e = err(&missing.join("x.ndjson"));
        assert!(
            e.contains("no directory") && e.contains("create it first (mkdir -p"),
            "{e}"
        );
        assert!(!slash.exists() && !missing.exists());
    }
}
