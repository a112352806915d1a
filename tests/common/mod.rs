//! Shared by the integration tests that run the real binary.

use std::path::PathBuf;

use assert_cmd::Command;

/// The repository root (sample-data, scenarios and fixtures are found from here).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `faascope` binary, run from the repository root.
pub fn faascope() -> Command {
    let mut c = Command::cargo_bin("faascope").unwrap();
    c.current_dir(root());
    c
}
