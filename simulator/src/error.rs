//! Errors.

use thiserror::Error;

/// A scenario that cannot be simulated. Every message names the offending field (a path such as
/// `functions[2].keep_alive.idle_timeout_s`), what is wrong with it and how to fix it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// A field has an invalid value.
    #[error("{path}: {problem}; fix: {fix}")]
    Invalid {
        /// Where in the scenario (dotted path, arrays indexed).
        path: String,
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
}

impl ConfigError {
    /// Shorthand constructor.
    pub fn invalid(
        path: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        ConfigError::Invalid {
            path: path.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_path_problem_and_fix() {
        let e = ConfigError::invalid(
            "functions[0].memory_mb",
            "must be > 0, got 0",
            "set memory_mb to 128..10240",
        );
        assert_eq!(
            e.to_string(),
            "functions[0].memory_mb: must be > 0, got 0; fix: set memory_mb to 128..10240"
        );
    }
}
