//! Colour themes: `dark` (light text on a dark terminal, the default) and `light` (dark text on
//! a light terminal). Only the 16 ANSI colours are used, so terminals remap them consistently.

use ratatui::style::Color;
use serde::Deserialize;

/// A theme by name (`--theme`, `theme = "..."` in the config file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

/// The colours every view draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    /// Headers, the title bar, the first series of a chart, selected knobs.
    pub accent: Color,
    /// Text on an `accent` background.
    pub on_accent: Color,
    /// Warnings, filters, cold starts (the second series).
    pub warn: Color,
    /// The cheapest option, good news.
    pub good: Color,
    /// Hints and skipped rules.
    pub dim: Color,
    /// A third chart series (p99, provisioned cost).
    pub series: Color,
}

impl Theme {
    pub const DARK: Theme = Theme {
        name: ThemeName::Dark,
        accent: Color::Cyan,
        on_accent: Color::Black,
        warn: Color::Yellow,
        good: Color::Green,
        dim: Color::DarkGray,
        series: Color::Magenta,
    };

    /// Yellow and cyan wash out on white: blue and red carry the same meanings.
    pub const LIGHT: Theme = Theme {
        name: ThemeName::Light,
        accent: Color::Blue,
        on_accent: Color::White,
        warn: Color::Red,
        good: Color::Green,
        dim: Color::DarkGray,
        series: Color::Magenta,
    };

    pub fn named(name: ThemeName) -> Theme {
        match name {
            ThemeName::Dark => Theme::DARK,
            ThemeName::Light => Theme::LIGHT,
        }
    }
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::DARK
    }
}

/// A colour's name, for chart titles that say which line is which.
pub fn color_name(c: Color) -> &'static str {
    match c {
        Color::Cyan => "cyan",
        Color::Blue => "blue",
        Color::Yellow => "yellow",
        Color::Red => "red",
        Color::Green => "green",
        Color::Magenta => "magenta",
        Color::Black => "black",
        Color::White => "white",
        _ => "grey",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_differ_where_a_light_background_needs_it() {
        assert_eq!(Theme::named(ThemeName::Dark), Theme::DARK);
        assert_eq!(Theme::named(ThemeName::Light), Theme::LIGHT);
        assert_ne!(Theme::LIGHT.accent, Theme::DARK.accent);
        assert_ne!(Theme::LIGHT.warn, Color::Yellow);
        assert_eq!(color_name(Theme::LIGHT.accent), "blue");
        assert_eq!(color_name(Theme::DARK.warn), "yellow");
    }
}
