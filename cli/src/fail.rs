//! How `chc` fails: an exit code and a message, the server's code and name first.

use std::fmt::Display;

/// A failure, with the exit code it ends the process with.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A query, migration or request failed (exit code 1).
    Failed(anyhow::Error),
    /// The command line asked for something impossible (exit code 2).
    Usage(anyhow::Error),
    /// Stopped by Ctrl-C (exit code 130).
    Cancelled,
    /// A check that answers by its exit code said no (exit code 1), with a message.
    No(String),
}

impl Failure {
    /// A usage error.
    pub(crate) fn usage(e: impl Into<anyhow::Error>) -> Failure {
        Failure::Usage(e.into())
    }

    /// A usage error from a message.
    pub(crate) fn usage_msg(message: impl Display) -> Failure {
        Failure::Usage(anyhow::anyhow!("{message}"))
    }

    /// The process's exit code.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Failure::Failed(_) | Failure::No(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Cancelled => 130,
        }
    }

    /// Prints the failure on stderr: one line, then the causes with `-v`.
    pub(crate) fn print(&self, verbose: bool) {
        let e = match self {
            Failure::Failed(e) | Failure::Usage(e) => e,
            Failure::Cancelled => {
                eprintln!("cancelled");
                return;
            }
            Failure::No(message) => {
                eprintln!("{message}");
                return;
            }
        };
        let first = e.to_string();
        let mut lines = first.lines();
        eprintln!("error: {}", lines.next().unwrap_or(""));
        if verbose {
            for line in lines {
                eprintln!("  {line}");
            }
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        } else if lines.next().is_some() || e.chain().nth(1).is_some() {
            eprintln!("(-v for the detail)");
        }
    }
}

impl From<clickhouse_connect::Error> for Failure {
    fn from(e: clickhouse_connect::Error) -> Failure {
        match e.kind() {
            clickhouse_connect::ErrorKind::Config | clickhouse_connect::ErrorKind::InvalidInput => {
                Failure::Usage(e.into())
            }
            _ => Failure::Failed(e.into()),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Failed(e.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Failed(e)
    }
}
