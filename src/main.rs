//! The `faascope` binary: parse the command line, run, map errors to exit codes
//! (0 ok, 1 a check failed, 2 bad input or usage).

use clap::Parser;
use faascope::cli::{self, Cli, UsageError};

fn main() {
    let cli = Cli::parse();
    let code = match cli::run(cli) {
        Ok(code) => code,
        // The reader went away (`faascope logs ... | head`): not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            0
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                cli::EXIT_BAD_INPUT
            } else {
                // Internal failures (I/O, analytics) are also not a "check failed".
                cli::EXIT_BAD_INPUT
            }
        }
    };
    std::process::exit(code);
}
