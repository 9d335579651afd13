//! `chc migrate`: the driver's migrations runner over a folder in sqlx's format.

use std::path::Path;

use clickhouse_connect::migrate::{Event, Force, Migrator, Status};
use serde_json::json;

use crate::cli::{Connection, MigrateArgs, MigrateCommand};
use crate::conn;
use crate::fail::Failure;

pub(crate) async fn run(options: &Connection, args: MigrateArgs) -> Result<(), Failure> {
    if let MigrateCommand::Add { name, reversible } = &args.command {
        return add(&args.source, name, *reversible);
    }
    if !args.source.is_dir() {
        return Err(Failure::usage_msg(format!(
            "no migrations folder {} (--source DIR; `chc migrate add NAME` creates one)",
            args.source.display()
        )));
    }
    let mut migrator = Migrator::new(&args.source)?.on_event(report);
    if let Some(cluster) = &args.cluster {
        migrator = migrator.cluster(cluster.as_str());
    }
    if let Some(table) = &args.table {
        migrator = migrator.table(table.as_str());
    }
    if let MigrateCommand::Repair { to, .. } = &args.command {
        parse_force(to)?;
    }
    let client = conn::client(options)?;
    // What the runner refuses (an undo below a migration without a down file, a changed
    // statement that was applied) is a failed migration, not bad usage.
    work(&client, &migrator, args.command)
        .await
        .map_err(|e| match e {
            Failure::Usage(e) => Failure::Failed(e),
            other => other,
        })
}

async fn work(
    client: &clickhouse_connect::Client,
    migrator: &Migrator,
    command: MigrateCommand,
) -> Result<(), Failure> {
    match command {
        MigrateCommand::Add { .. } => Ok(()),
        MigrateCommand::Run { target, dry_run } => {
            if dry_run {
                let planned = migrator.dry_run(client).await?;
                if planned.is_empty() {
                    println!("-- nothing to apply");
                }
                for p in planned {
                    let skipped = if p.skipped {
                        " (applied by an earlier run: skipped)"
                    } else {
                        ""
                    };
                    println!(
                        "-- migration {}, statement {} (line {}){skipped}\n{};\n",
                        p.version, p.index, p.line, p.sql
                    );
                }
                return Ok(());
            }
            let report = match target {
                Some(target) => migrator.run_to(client, target).await?,
                None => migrator.run(client).await?,
            };
            if report.versions.is_empty() {
                println!("up to date: nothing to apply");
            } else {
                println!("applied {} migration(s)", report.versions.len());
            }
            Ok(())
        }
        MigrateCommand::Revert { target } => {
            let target = match target {
                Some(target) => target,
                None => {
                    // The latest applied migration only.
                    let applied: Vec<i64> = migrator
                        .info(client)
                        .await?
                        .iter()
                        .filter(|m| m.status != Status::Pending)
                        .map(|m| m.version)
                        .collect();
                    match applied.iter().max() {
                        Some(latest) => latest - 1,
                        None => {
                            println!("nothing to revert");
                            return Ok(());
                        }
                    }
                }
            };
            let report = migrator.undo(client, target).await?;
            println!("reverted {} migration(s)", report.versions.len());
            Ok(())
        }
        MigrateCommand::Info { json } => {
            let infos = migrator.info(client).await?;
            if json {
                let list: Vec<_> = infos
                    .iter()
                    .map(|m| {
                        json!({
                            "version": m.version,
                            "description": m.description,
                            "reversible": m.reversible,
                            "status": status_name(m.status),
                            "in_source": m.in_source,
                            "applied_at": m.applied_at.map(|t| t.to_rfc3339()),
                            "duration_secs": m.took.map(|d| d.as_secs_f64()),
                            "checksum_matches": m.checksum_matches,
                            "statements": m.statements,
                            "statements_done": m.statements_done,
                            "failed_statement": m.failed_statement,
                            "error_code": m.error_code,
                            "error": m.error,
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).map_err(anyhow::Error::from)?
                );
            } else if infos.is_empty() {
                println!("no migrations");
            } else {
                for m in infos {
                    println!("{m}");
                }
            }
            Ok(())
        }
        MigrateCommand::Check => {
            let check = migrator.check(client).await?;
            if check.is_up_to_date() {
                println!("up to date");
                Ok(())
            } else {
                Err(Failure::No(format!("not up to date: {check}")))
            }
        }
        MigrateCommand::Repair { version, to } => {
            let force = parse_force(&to)?;
            migrator.force(client, version, force).await?;
            println!("migration {version} recorded as {to}");
            Ok(())
        }
    }
}

/// `--to` of `repair`.
fn parse_force(to: &str) -> Result<Force, Failure> {
    match to {
        "applied" => Ok(Force::Applied),
        "not-applied" => Ok(Force::NotApplied),
        n => n.parse().map(Force::StatementsDone).map_err(|_| {
            Failure::usage_msg(format!(
                "--to {n:?}: expected applied, not-applied or a number of statements"
            ))
        }),
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pending => "pending",
        Status::Applied => "applied",
        Status::Partial => "partial",
        Status::RevertPartial => "revert_partial",
    }
}

/// What the runner does, on stderr.
fn report(event: &Event) {
    match event {
        Event::LockWaiting { holder } => eprintln!("waiting for the lock held by {holder:?}"),
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
            eprintln!("{direction:?} {version}/{description}: {statements} statement(s){resumed}");
        }
        Event::Retrying {
            index,
            attempt,
            delay,
            error,
            ..
        } => eprintln!(
            "  statement {index} failed (try {attempt}), retrying in {:.1} s: {error}",
            delay.as_secs_f64()
        ),
        Event::MigrationDone {
            version,
            direction,
            took,
        } => eprintln!(
            "{direction:?} {version}: done in {:.3} s",
            took.as_secs_f64()
        ),
        Event::MigrationFailed {
            version,
            index,
            error,
            ..
        } => eprintln!("migration {version}: statement {index} failed: {error}"),
        _ => {}
    }
}

/// Creates `<timestamp>_<name>.sql`, or `.up.sql` and `.down.sql`.
fn add(source: &Path, name: &str, reversible: bool) -> Result<(), Failure> {
    let description: String = name
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    if description.is_empty() {
        return Err(Failure::usage_msg("the migration needs a name"));
    }
    std::fs::create_dir_all(source)?;
    // A timestamp, above every version in the folder (two adds in one second differ).
    let now: i64 = chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()
        .unwrap_or_default();
    let latest = std::fs::read_dir(source)?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<i64>().ok()
        })
        .max();
    let version = latest.map_or(now, |latest| now.max(latest + 1));
    let files: Vec<(String, &str)> = if reversible {
        vec![
            (
                format!("{version}_{description}.up.sql"),
                "-- Add the up migration here.\n",
            ),
            (
                format!("{version}_{description}.down.sql"),
                "-- Add the down migration here: what undoes the up migration.\n",
            ),
        ]
    } else {
        vec![(
            format!("{version}_{description}.sql"),
            "-- Add the migration here.\n",
        )]
    };
    for (file, text) in files {
        let path = source.join(file);
        if path.exists() {
            return Err(Failure::usage_msg(format!(
                "{} exists already",
                path.display()
            )));
        }
        std::fs::write(&path, text)?;
        println!("created {}", path.display());
    }
    Ok(())
}
