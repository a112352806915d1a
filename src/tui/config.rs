//! The dashboard's config file: TOML in the XDG config directory
//! (`$XDG_CONFIG_HOME/faascope/config.toml`, else `~/.config/faascope/config.toml`), or the
//! file `--config` / `$FAASCOPE_CONFIG` names. Flags win over the file, the file over the
//! defaults.
//!
//! ```toml
//! theme = "light"          # dark (default) | light
//! tick_rate_ms = 250       # redraw interval while idle, 1 to 10000
//! sources = ["~/logs/prod", "exports/"]   # what `faascope` opens when given no sources
//! ```
//!
//! The XDG lookup is written out here rather than taken from a crate: it is two environment
//! variables, and crates such as `dirs` resolve to `~/Library/Application Support` on macOS,
//! while the documented place is `~/.config` everywhere.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::theme::ThemeName;

/// The settings the file may hold; every key is optional, unknown keys are errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashConfig {
    pub theme: Option<ThemeName>,
    /// Checked while parsing, so that a value out of range is named with its line and column.
    #[serde(default, deserialize_with = "tick_rate")]
    pub tick_rate_ms: Option<u64>,
    /// Files, directories or `cloudwatch://`-style sources; relative paths are relative to the
    /// config file, `~/` is the home directory.
    pub sources: Option<Vec<String>>,
}

/// `tick_rate_ms`: milliseconds from 1 to 10000.
fn tick_rate<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = u64::deserialize(d)?;
    if v == 0 || v > 10_000 {
        return Err(serde::de::Error::custom(format!(
            "tick_rate_ms = {v}: give milliseconds from 1 to 10000 (e.g. 250)"
        )));
    }
    Ok(Some(v))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}\n  valid keys: theme = \"dark\"|\"light\", tick_rate_ms = 1..10000, sources = [\"PATH\", ...]")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Where the config file is looked for when neither `--config` nor `$FAASCOPE_CONFIG` names
/// one: `$XDG_CONFIG_HOME/faascope/config.toml` (an absolute `XDG_CONFIG_HOME` only, as the
/// XDG spec says), else `$HOME/.config/faascope/config.toml`.
pub fn default_path(xdg_config_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let base = match xdg_config_home.map(Path::new) {
        Some(p) if p.is_absolute() => p.to_path_buf(),
        _ => Path::new(home.filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(base.join("faascope").join("config.toml"))
}

impl DashConfig {
    /// Parses a config file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<DashConfig, ConfigError> {
        let c: DashConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        Ok(c)
    }

    /// Reads `path`; a missing file is `Ok(None)` when `required` is false.
    pub fn load(path: &Path, required: bool) -> Result<Option<DashConfig>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => DashConfig::parse(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(None),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// The configured sources as the dashboard takes them: `~/` expanded, relative paths
    /// taken from the config file's directory, URLs (`scheme://`) as they are.
    pub fn resolved_sources(&self, config_path: &Path, home: Option<&str>) -> Vec<PathBuf> {
        let dir = config_path.parent().unwrap_or(Path::new("."));
        self.sources
            .iter()
            .flatten()
            .map(|s| {
                if s.contains("://") {
                    PathBuf::from(s)
                } else if let (Some(rest), Some(h)) = (s.strip_prefix("~/"), home) {
                    Path::new(h).join(rest)
                } else if Path::new(s).is_absolute() {
                    PathBuf::from(s)
                } else {
                    dir.join(s)
                }
            })
            .collect()
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    // A byte offset inside a character (never from the TOML parser, but the text is the
    // user's) counts from the character's start.
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_path_rules() {
        assert_eq!(
            default_path(Some("/x/cfg"), Some("/home/u")),
            Some(PathBuf::from("/x/cfg/faascope/config.toml"))
        );
        // A relative XDG_CONFIG_HOME is ignored, as the spec says.
        assert_eq!(
            default_path(Some("rel"), Some("/home/u")),
            Some(PathBuf::from("/home/u/.config/faascope/config.toml"))
        );
        assert_eq!(
            default_path(None, Some("/home/u")),
            Some(PathBuf::from("/home/u/.config/faascope/config.toml"))
        );
        assert_eq!(default_path(None, None), None);
    }

    #[test]
    fn parses_every_key_and_resolves_sources() {
        let p = Path::new("/etc/fs/config.toml");
        let c = DashConfig::parse(
            "theme = \"light\"\ntick_rate_ms = 100\nsources = [\"~/logs\", \"exports\", \"/abs\", \"cloudwatch:///aws/lambda/api\"]\n",
            p,
        )
        .unwrap();
        assert_eq!(c.theme, Some(ThemeName::Light));
        assert_eq!(c.tick_rate_ms, Some(100));
        assert_eq!(
            c.resolved_sources(p, Some("/home/u")),
            [
                PathBuf::from("/home/u/logs"),
                PathBuf::from("/etc/fs/exports"),
                PathBuf::from("/abs"),
                PathBuf::from("cloudwatch:///aws/lambda/api"),
            ]
        );
        assert_eq!(DashConfig::parse("", p).unwrap(), DashConfig::default());
    }

    #[test]
    fn errors_name_the_file_line_and_what_is_valid() {
        let p = Path::new("c.toml");
        let e = DashConfig::parse("tick_rate_ms = 5\ntheme = \"solarized\"\n", p).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("c.toml:2:"), "{m}");
        assert!(m.contains("dark") && m.contains("light"), "{m}");
        let e = DashConfig::parse("colour = 1\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:1:1:") && e.contains("colour"), "{e}");
        let e = DashConfig::parse("tick_rate_ms = 0\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("1 to 10000"), "{e}");
        // A value out of range is named with its line and column, as any other bad value.
        let e = DashConfig::parse("# comment\n\ntheme = \"dark\"\ntick_rate_ms = 99999\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.toml:4:16: tick_rate_ms = 99999: give milliseconds from 1 to 10000"),
            "{e}"
        );
        assert_eq!(line_col("é\nab", 1), (1, 1));
        assert_eq!(line_col("é\nab", 4), (2, 2));
        let e = DashConfig::parse("theme = [\n", p).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:"), "{e}");
    }

    #[test]
    fn a_missing_default_file_is_no_config_but_a_named_one_is_an_error() {
        let missing = Path::new("/nonexistent/faascope/config.toml");
        assert!(DashConfig::load(missing, false).unwrap().is_none());
        let e = DashConfig::load(missing, true).unwrap_err().to_string();
        assert!(e.contains("/nonexistent/faascope/config.toml"), "{e}");
    }
}
