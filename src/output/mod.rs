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

/// Removes terminal control and escape sequences (CSI, OSC, lone ESC, C0/C1 controls but tab)
/// from text that came from log data, so printing it cannot drive the user's terminal.
pub fn sanitize(s: &str) -> String {
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
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// [`sanitize`] line by line, keeping the line breaks.
pub fn sanitize_block(s: &str) -> String {
    s.lines().map(sanitize).collect::<Vec<_>>().join("\n")
        + if s.ends_with('\n') { "\n" } else { "" }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a rename.
/// Refuses to replace an existing file unless `overwrite`.
pub fn write_atomic(path: &Path, overwrite: bool, bytes: &[u8]) -> io::Result<()> {
    if path.exists() && !overwrite {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists; pass --force to replace it", path.display()),
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
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
                    format!("{} exists; pass --force to replace it", path.display()),
                )
            } else {
                e.error
            }
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn strips_escapes() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]8;;http://e\u{1b}\\y"), "xy");
        assert_eq!(sanitize("a\tb\r\n\u{9b}c"), "a bc");
        assert_eq!(sanitize("plain é"), "plain é");
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
}
