//! The `faascope` binary: parse the command line, run, map errors to exit codes
//! (0 ok, 1 a check failed, 2 bad input or usage).

use clap::Parser;
use faascope::cli::{self, Cli};

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
            // A file name or value quoted in the error may hold terminal controls (robust2
            // review: `ctl/dang\e[31m.log` coloured the terminal); line breaks are the message's.
            faascope::diag!(
                "error: {}",
                faascope::output::visible_lines(&format!("{e:#}"))
            );
            // Usage errors and internal failures (I/O, analytics) alike: exit 1 means only
            // "a check failed".
            cli::EXIT_BAD_INPUT
        }
    };
    std::process::exit(code);
}
