//! faascope: serverless (FaaS) observability and cost analysis.
//!
//! Data flows one way: [`ingest`] (sources → normalized [`model`] records) → [`analytics`]
//! (polars, report structs) → [`output`] (table / JSON / CSV / Markdown); [`cost`] prices the
//! usage with the dated sheets under `pricing/`.

/// `eprintln!` that never panics: a note or warning on a stderr the reader has closed
/// (`faascope report 2>&1 | head -1`) is dropped, where `eprintln!` would panic with exit
/// code 101. The standard macro has no such mode, hence this one.
#[macro_export]
macro_rules! diag {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod analytics;
pub mod aws;
pub mod ci;
pub mod cli;
pub mod cost;
pub mod ingest;
pub mod model;
pub mod output;
pub mod plot;
pub mod query;
pub mod rules;
pub mod scenario;
pub mod timeparse;
pub mod tomlpos;
pub mod tui;
