//! faascope: serverless (FaaS) observability and cost analysis.
//!
//! Data flows one way: [`ingest`] (sources → normalized [`model`] records) → [`analytics`]
//! (polars, report structs) → [`output`] (table / JSON / CSV / Markdown); [`cost`] prices the
//! usage with the dated sheets under `pricing/`.

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
