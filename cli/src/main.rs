//! `chc`: ClickHouse from the command line. Queries in any format with a progress bar, streamed
//! inserts, the migrations runner, reflection and schema diffs, over the `clickhouse-connect`
//! driver.
//!
//! Exit codes: 0 success, 1 a query or migration failed (the server's code and name printed),
//! 2 bad usage, 130 cancelled (Ctrl-C).

mod cli;
mod conn;
mod database;
mod fail;
mod insert;
mod migrate;
mod progress;
mod query;
mod reflect;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use fail::Failure;

fn main() -> ExitCode {
    // `.env` fills the variables the environment does not set (`CLICKHOUSE_URL`, ...).
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let verbose = cli.verbose;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let code = failure.exit_code();
            failure.print(verbose);
            // The runtime may hold a background task (a query being stopped); do not wait.
            runtime.shutdown_background();
            ExitCode::from(code)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Query(args) => query::run(&cli.connection, args).await,
        Command::Insert(args) => insert::run(&cli.connection, args).await,
        Command::Migrate(args) => migrate::run(&cli.connection, args).await,
        Command::Reflect(args) => reflect::reflect(&cli.connection, args).await,
        Command::Diff(args) => reflect::diff(&cli.connection, args).await,
        Command::Database(args) => database::run(&cli.connection, args).await,
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "chc", &mut std::io::stdout());
            Ok(())
        }
    }
}
