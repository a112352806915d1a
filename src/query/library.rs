//! The saved queries of `queries/`, embedded in the binary so `faascope query @NAME` works
//! anywhere; a `queries/NAME.insights` in the working directory takes precedence.

/// (name, text) of every file in `queries/`.
pub const LIBRARY: &[(&str, &str)] = &[
    (
        "cold-starts-by-hour",
        include_str!("../../queries/cold-starts-by-hour.insights"),
    ),
    (
        "cost-by-function",
        include_str!("../../queries/cost-by-function.insights"),
    ),
    (
        "errors-by-type",
        include_str!("../../queries/errors-by-type.insights"),
    ),
    (
        "latency-by-function",
        include_str!("../../queries/latency-by-function.insights"),
    ),
    (
        "memory-overprovisioning",
        include_str!("../../queries/memory-overprovisioning.insights"),
    ),
    (
        "slowest-invocations",
        include_str!("../../queries/slowest-invocations.insights"),
    ),
    (
        "snapstart-restores",
        include_str!("../../queries/snapstart-restores.insights"),
    ),
    (
        "throttling-signs",
        include_str!("../../queries/throttling-signs.insights"),
    ),
    ("timeouts", include_str!("../../queries/timeouts.insights")),
];

/// The leading `#` comment of a query: what it answers, as one line.
pub fn description(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An embedded query by name.
pub fn embedded(name: &str) -> Option<&'static str> {
    LIBRARY.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `queries/` is embedded, and every embedded query starts with a comment
    /// saying what it answers.
    #[test]
    fn the_library_matches_the_directory() {
        let mut files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
                .unwrap()
                .filter_map(|e| {
                    let p = e.unwrap().path();
                    (p.extension()? == "insights")
                        .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
                })
                .collect();
        files.sort();
        let names: Vec<String> = LIBRARY.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(names, files);
        for (name, text) in LIBRARY {
            assert!(text.starts_with('#'), "{name} must start with a comment");
            assert!(description(text).len() > 20, "{name}");
        }
        assert!(description("# a\n# b\nfilter x").eq("a b"));
    }
}
