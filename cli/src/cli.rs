//! The command line: every command and option, with clap's derive.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// ClickHouse from the command line: queries, inserts, migrations, reflection.
#[derive(Debug, Parser)]
#[command(name = "chc", version, about, long_about = None)]
#[command(after_help = "Examples:\n  chc query \"SELECT version()\"\n  \
    chc --url http://localhost:8123 query -f report.sql --format csv > report.csv\n  \
    chc insert events -f events.csv --format CSVWithNames\n  chc migrate run")]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) connection: Connection,
    /// Print the detail of errors (their causes), not only their first line.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where the server is and who connects.
#[derive(Debug, Args, Clone)]
pub(crate) struct Connection {
    /// The server: any URL the driver accepts (`http://host:8123`, `https://..`,
    /// `tcp://host:9000`, several hosts as `http://h1:8123,h2:8123/db`, a DSN with user and
    /// settings). Else `CLICKHOUSE_URL`, from the environment or a `.env` file.
    #[arg(
        long,
        global = true,
        env = "CLICKHOUSE_URL",
        default_value = "http://127.0.0.1:28123",
        hide_env_values = true
    )]
    pub(crate) url: String,
    /// The user (else the URL's, else `default`).
    #[arg(long, global = true, env = "CLICKHOUSE_USER")]
    pub(crate) user: Option<String>,
    /// The password (else `CLICKHOUSE_PASSWORD`); never printed.
    #[arg(
        long,
        global = true,
        env = "CLICKHOUSE_PASSWORD",
        hide_env_values = true
    )]
    pub(crate) password: Option<String>,
    /// The database queries run in (else the URL's, else the server's default).
    #[arg(long, global = true)]
    pub(crate) database: Option<String>,
    /// A server setting for every request, as `name=value` (repeatable).
    #[arg(long = "setting", global = true, value_name = "NAME=VALUE", value_parser = name_value)]
    pub(crate) settings: Vec<(String, String)>,
}

/// Parses `name=value`.
pub(crate) fn name_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run a query and print its answer.
    #[command(
        after_help = "Examples:\n  chc query \"SELECT number FROM numbers(10)\"\n  \
        chc query \"SELECT {n:UInt32} + 1\" --param n=41\n  \
        chc query -f report.sql --format csv > report.csv\n  \
        echo \"SELECT 1\" | chc query\n  \
        chc query \"SELECT * FROM events\" --format Parquet > events.parquet"
    )]
    Query(QueryArgs),
    /// Stream a file (or stdin) into a table, in any input format the server reads.
    #[command(
        after_help = "Examples:\n  chc insert events -f events.csv --format CSVWithNames\n  \
        cat rows.jsonl | chc insert events --format JSONEachRow"
    )]
    Insert(InsertArgs),
    /// Migrations: sqlx's folder format, applied statement by statement under a lease lock.
    #[command(after_help = "Examples:\n  chc migrate add create_events -r\n  \
        chc migrate run\n  chc migrate info\n  chc migrate check   # exit code 1 when not up to date")]
    Migrate(MigrateArgs),
    /// Print the schema of a database or a table: DDL, Rust, sea-query Iden enums or JSON.
    #[command(after_help = "Examples:\n  chc reflect app.events\n  \
        chc reflect app --output rust --derive fromblock,serde")]
    Reflect(ReflectArgs),
    /// The ALTER TABLE statements that turn one table into another, with their classes.
    #[command(after_help = "Example:\n  chc diff app.events staging.events")]
    Diff(DiffArgs),
    /// Create, drop or test for a database.
    #[command(after_help = "Examples:\n  chc database create app\n  \
        chc database exists app   # exit code 1 when it does not exist")]
    Database(DatabaseArgs),
    /// Print shell completions.
    #[command(after_help = "Example:\n  chc completions bash > /etc/bash_completion.d/chc")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// How a query's answer is printed.
#[derive(Debug, Args)]
pub(crate) struct QueryArgs {
    /// The SQL (else `-f`, else stdin).
    pub(crate) sql: Option<String>,
    /// Read the SQL from a file.
    #[arg(short, long, conflicts_with = "sql")]
    pub(crate) file: Option<PathBuf>,
    /// A server-side parameter `{name:Type}`, as `name=value` (repeatable); the value reaches
    /// the server as written.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = name_value)]
    pub(crate) params: Vec<(String, String)>,
    /// `pretty` (a table; the default on a terminal), `csv`, `tsv` (the default otherwise),
    /// `json`, `jsonl`, `vertical`, or any output format of the server, passed through as it
    /// writes it (`Parquet`, `Arrow`, `Native`, ...; HTTP only).
    #[arg(long)]
    pub(crate) format: Option<String>,
    /// No progress bar (it shows only when stderr is a terminal).
    #[arg(long)]
    pub(crate) no_progress: bool,
    /// The most rows `pretty` shows (the answer is cut, with a note on stderr).
    #[arg(long, default_value_t = 10_000)]
    pub(crate) max_rows: usize,
}

#[derive(Debug, Args)]
pub(crate) struct InsertArgs {
    /// The table (`table` or `db.table`).
    pub(crate) table: String,
    /// The file to read (else stdin).
    #[arg(short, long)]
    pub(crate) file: Option<PathBuf>,
    /// The data's format: any input format the server reads.
    #[arg(long, default_value = "TSV")]
    pub(crate) format: String,
    /// The columns the data holds, in its order (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) columns: Vec<String>,
    /// No progress bar.
    #[arg(long)]
    pub(crate) no_progress: bool,
}

#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// The migrations folder.
    #[arg(long, global = true, default_value = "migrations")]
    pub(crate) source: PathBuf,
    /// Run on a cluster (`ON CLUSTER`, `{cluster}` in files, replicated history).
    #[arg(long, global = true)]
    pub(crate) cluster: Option<String>,
    /// The history table (default `_sqlx_migrations`, in the connection's database).
    #[arg(long, global = true)]
    pub(crate) table: Option<String>,
    #[command(subcommand)]
    pub(crate) command: MigrateCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MigrateCommand {
    /// Create a new migration file named `<timestamp>_<name>.sql` (or an up/down pair).
    Add {
        /// What the migration does (`create_events`).
        name: String,
        /// Reversible: `.up.sql` and `.down.sql`.
        #[arg(short = 'r', long)]
        reversible: bool,
    },
    /// Apply the pending migrations (resuming a partial one).
    Run {
        /// Stop after this version.
        #[arg(long)]
        target: Option<i64>,
        /// Print the statements that would run, run nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Revert the latest applied migration (or every one above `--target`).
    Revert {
        /// Revert down to this version (kept).
        #[arg(long)]
        target: Option<i64>,
    },
    /// Every migration: version, description, status, applied at, duration, checksum, partial
    /// state.
    Info {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Exit code 1 when anything is pending, mismatched, partial or missing (for CI).
    Check,
    /// Record a migration's state by hand, after fixing it outside the runner.
    Repair {
        /// The version.
        version: i64,
        /// `applied`, `not-applied`, or the number of statements done.
        #[arg(long, value_name = "applied|not-applied|N")]
        to: String,
    },
}

/// What `chc reflect` prints.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ReflectOutput {
    /// `CREATE` statements.
    Ddl,
    /// Rust row structs.
    Rust,
    /// sea-query `Iden` enums.
    Iden,
    /// The schema as JSON.
    Json,
}

/// A derive for generated Rust.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum DeriveArg {
    /// `clickhouse_connect::FromBlock`.
    Fromblock,
    /// `serde::Serialize` and `serde::Deserialize`.
    Serde,
}

#[derive(Debug, Args)]
pub(crate) struct ReflectArgs {
    /// `DB` or `DB.TABLE` (else the connection's database).
    pub(crate) target: Option<String>,
    /// What to print.
    #[arg(long, value_enum, default_value = "ddl")]
    pub(crate) output: ReflectOutput,
    /// Derives of generated Rust (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "fromblock")]
    pub(crate) derive: Vec<DeriveArg>,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The table as it is (`db.table`).
    pub(crate) from: String,
    /// The table as it should become (`db.table`).
    pub(crate) to: String,
}

#[derive(Debug, Args)]
pub(crate) struct DatabaseArgs {
    #[command(subcommand)]
    pub(crate) command: DatabaseCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DatabaseCommand {
    /// Create a database (if it does not exist).
    Create {
        /// Its name.
        name: String,
    },
    /// Drop a database (if it exists).
    Drop {
        /// Its name.
        name: String,
    },
    /// Exit code 0 when the database exists, 1 when it does not.
    Exists {
        /// Its name.
        name: String,
    },
}
