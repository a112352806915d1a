//! `report` reads invocations into compact columns as it goes (`IngestOptions::report_columns`)
//! and reads NDJSON exports through a fast line scanner; every other command keeps full rows.
//! The two paths must give the same report, number for number, on every input we have: the
//! sample data, every format fixture and (when present beside the clone) the real-world corpus.

use std::path::{Path, PathBuf};

use faascope::analytics::build_report;
use faascope::ingest::{ingest_paths, IngestOptions};
use faascope::model::ReportColumns;

fn both_paths_agree(path: &Path) {
    let paths = [path.to_path_buf()];
    let full = ingest_paths(&paths, &IngestOptions::default(), None).unwrap();
    let lean = ingest_paths(
        &paths,
        &IngestOptions {
            keep_logs: false,
            keep_spans: false,
            keep_metrics: false,
            report_columns: true,
            ..IngestOptions::default()
        },
        None,
    )
    .unwrap();
    assert!(lean.tables.invocations.is_empty(), "{}", path.display());
    assert_eq!(
        lean.columns.len(),
        full.tables.invocations.len(),
        "{}",
        path.display()
    );
    assert_eq!(lean.skips.total, full.skips.total, "{}", path.display());
    let from_rows =
        build_report(ReportColumns::from_invocations(&full.tables.invocations)).unwrap();
    let from_columns = build_report(lean.columns).unwrap();
    assert_eq!(from_rows, from_columns, "{}", path.display());
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn sample_data_gives_the_same_report_on_both_paths() {
    both_paths_agree(&root().join("sample-data"));
}

#[test]
fn every_format_fixture_gives_the_same_report_on_both_paths() {
    let dir = root().join("tests/fixtures/formats");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with(".expected.json") {
            continue;
        }
        both_paths_agree(&p);
        n += 1;
    }
    assert!(n >= 40, "expected the format fixtures, found {n}");
}

#[test]
fn the_corpus_gives_the_same_report_on_both_paths() {
    let corpus = root().join("../shared/corpus");
    if !corpus.join("SOURCES.md").exists() {
        eprintln!("corpus not present beside the clone; nothing to compare");
        return;
    }
    both_paths_agree(&corpus);
}
