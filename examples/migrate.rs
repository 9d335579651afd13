//! Migrations: runs the repository's `migrations/` folder (sqlx's format) against a server.
//!
//! ```sh
//! cargo run --example migrate                      # run every pending migration
//! cargo run --example migrate -- info              # every migration: status, when, how long
//! cargo run --example migrate -- check             # exit 2 when anything is pending or off
//! cargo run --example migrate -- dry-run           # the statements a run would send
//! cargo run --example migrate -- run-to 20261124000001
//! cargo run --example migrate -- undo 0            # revert everything reversible
//! ```
//!
//! Options: `--url URL` (default `CLICKHOUSE_URL`, else `http://localhost:8123`),
//! `--database DB` (created if missing), `--dir DIR` (default the repository's `migrations/`),
//! `--table NAME` (default `_sqlx_migrations`), `--cluster NAME`, `--lease-secs N`,
//! `--wait-secs N`. Each statement's progress is printed on stderr.
//!
//! The 26.9 engine takes the repository's migrations (`DateTime64` needs ClickHouse 20.1 or
//! newer); `scripts/dev-servers up` starts it.

use std::time::Duration;

use clickhouse_connect::Client;
use clickhouse_connect::migrate::{Event, LockOptions, Migrator};

struct Args {
    command: String,
    target: Option<i64>,
    url: String,
    database: Option<String>,
    dir: String,
    table: Option<String>,
    cluster: Option<String>,
    lock: LockOptions,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        command: "run".into(),
        target: None,
        url: std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://localhost:8123".into()),
        database: None,
        dir: concat!(env!("CARGO_MANIFEST_DIR"), "/migrations").into(),
        table: None,
        cluster: None,
        lock: LockOptions::default(),
    };
    let mut it = std::env::args().skip(1);
    let mut positional = Vec::new();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--url" => args.url = value("--url")?,
            "--database" => args.database = Some(value("--database")?),
            "--dir" => args.dir = value("--dir")?,
            "--table" => args.table = Some(value("--table")?),
            "--cluster" => args.cluster = Some(value("--cluster")?),
            "--lease-secs" => {
                args.lock.lease = Duration::from_secs(
                    value("--lease-secs")?
                        .parse()
                        .map_err(|e| format!("--lease-secs: {e}"))?,
                )
            }
            "--wait-secs" => {
                args.lock.wait = Duration::from_secs(
                    value("--wait-secs")?
                        .parse()
                        .map_err(|e| format!("--wait-secs: {e}"))?,
                )
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => positional.push(other.to_owned()),
        }
    }
    let mut positional = positional.into_iter();
    if let Some(command) = positional.next() {
        args.command = command;
    }
    if let Some(target) = positional.next() {
        args.target = Some(
            target
                .parse()
                .map_err(|e| format!("version {target:?}: {e}"))?,
        );
    }
    Ok(args)
}

fn progress(event: &Event) {
    match event {
        Event::LockWaiting { holder } => eprintln!("waiting for the lock: {holder}"),
        Event::MigrationStarted {
            version,
            description,
            direction,
            statements,
            resumed_after,
        } => {
            let resumed = if *resumed_after > 0 {
                format!(", resuming after statement {resumed_after}")
            } else {
                String::new()
            };
            eprintln!("{direction:?} {version} {description}: {statements} statement(s){resumed}");
        }
        Event::StatementStarted {
            index, total, line, ..
        } => eprintln!("  statement {index}/{total} (line {line})"),
        Event::Retrying {
            attempt,
            delay,
            error,
            ..
        } => eprintln!("  try {attempt} failed, again in {delay:?}: {error}"),
        Event::WaitingForMutations { table, pending, .. } => {
            eprintln!("  waiting for the mutations of {table}: {pending:?}")
        }
        Event::WaitingForCluster {
            entry, unfinished, ..
        } => eprintln!("  waiting for {entry} on {}", unfinished.join(", ")),
        Event::MigrationDone { version, took, .. } => eprintln!("  {version} done in {took:?}"),
        Event::MigrationFailed { version, index, .. } => {
            eprintln!("  {version}: statement {index} failed")
        }
        _ => {}
    }
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!(
                "usage: migrate [run | run-to V | undo V | info | check | dry-run] [--url URL] \
                 [--database DB] [--dir DIR] [--table NAME] [--cluster NAME] [--lease-secs N] \
                 [--wait-secs N]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> clickhouse_connect::Result<()> {
    let mut builder = Client::builder().url(args.url.clone());
    if let Some(db) = &args.database {
        let admin = Client::builder().url(args.url.clone()).build()?;
        admin
            .command(format!(
                "CREATE DATABASE IF NOT EXISTS {}",
                clickhouse_connect::types::backquote_if_needed(db)
            ))
            .await?;
        builder = builder.database(db);
    }
    let client = builder.build()?;
    let mut migrator = Migrator::new(&args.dir)?
        .lock(args.lock.clone())
        .on_event(progress);
    if let Some(table) = &args.table {
        migrator = migrator.table(table.as_str());
    }
    if let Some(cluster) = &args.cluster {
        migrator = migrator.cluster(cluster);
    }
    let need_target = || {
        args.target.unwrap_or_else(|| {
            eprintln!("{} needs a version", args.command);
            std::process::exit(2)
        })
    };
    match args.command.as_str() {
        "run" => {
            let report = migrator.run(&client).await?;
            println!(
                "applied: {:?} (resumed: {:?})",
                report.versions, report.resumed
            );
        }
        "run-to" => {
            let report = migrator.run_to(&client, need_target()).await?;
            println!(
                "applied: {:?} (resumed: {:?})",
                report.versions, report.resumed
            );
        }
        "undo" => {
            let report = migrator.undo(&client, need_target()).await?;
            println!("reverted: {:?}", report.versions);
        }
        "info" => {
            for info in migrator.info(&client).await? {
                println!("{info}");
            }
        }
        "check" => {
            let check = migrator.check(&client).await?;
            println!("{check}");
            if !check.is_up_to_date() {
                std::process::exit(2);
            }
        }
        "dry-run" => {
            for planned in migrator.dry_run(&client).await? {
                let skip = if planned.skipped { " (applied)" } else { "" };
                println!(
                    "-- {} statement {} (line {}){skip}\n{};",
                    planned.version, planned.index, planned.line, planned.sql
                );
            }
        }
        other => {
            eprintln!("unknown command {other}: run, run-to, undo, info, check or dry-run");
            std::process::exit(2);
        }
    }
    Ok(())
}
