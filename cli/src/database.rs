//! `chc database`: create, drop, exists.

use clickhouse_connect::types::{backquote_if_needed as ident, quote};

use crate::cli::{Connection, DatabaseArgs, DatabaseCommand};
use crate::conn;
use crate::fail::Failure;

pub(crate) async fn run(options: &Connection, args: DatabaseArgs) -> Result<(), Failure> {
    let client = conn::client(options)?;
    match args.command {
        DatabaseCommand::Create { name } => {
            client
                .command(format!("CREATE DATABASE IF NOT EXISTS {}", ident(&name)))
                .await?;
            println!("database {name} created (or already there)");
        }
        DatabaseCommand::Drop { name } => {
            client
                .command(format!("DROP DATABASE IF EXISTS {}", ident(&name)))
                .await?;
            println!("database {name} dropped (or was not there)");
        }
        DatabaseCommand::Exists { name } => {
            let count: u64 = client
                // A literal, not a parameter: 18.x servers take no parameters.
                .query(format!(
                    "SELECT count() FROM system.databases WHERE name = {}",
                    quote(&name)
                ))
                .scalar()
                .await?;
            if count == 0 {
                return Err(Failure::No(format!("database {name} does not exist")));
            }
            println!("database {name} exists");
        }
    }
    Ok(())
}
