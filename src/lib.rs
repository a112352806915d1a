//! faascope: serverless (FaaS) observability and cost analysis.
//!
//! Data flows one way: [`ingest`] (sources → normalized [`model`] records) → [`analytics`]
//! (polars, report structs) → [`output`] (table / JSON / CSV / Markdown).

pub mod analytics;
pub mod cli;
pub mod ingest;
pub mod model;
pub mod output;
pub mod timeparse;
