//! `chc query`: the SQL from an argument, a file or stdin; the answer as a table, in a named
//! format, or in any server format passed through as the server writes it.

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use clickhouse_connect::{Client, Query};
use comfy_table::{ContentArrangement, Table, presets};

use crate::cli::{Connection, QueryArgs};
use crate::conn;
use crate::fail::Failure;
use crate::progress::{self, QueryBar};

/// How the answer is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Output {
    /// A table sized to the terminal, from decoded blocks (both transports).
    Pretty,
    /// A server output format, passed through (HTTP only).
    Server(String),
}

impl Output {
    /// `pretty`, a short name (`csv`, `tsv`, `json`, `jsonl`, `vertical`), or a server format.
    /// Without one: `pretty` on a terminal, the server's `TSV` otherwise.
    fn parse(format: Option<&str>, terminal: bool) -> Output {
        let server = |name: &str| Output::Server(name.to_owned());
        match format {
            None if terminal => Output::Pretty,
            None => server("TSV"),
            Some("pretty") => Output::Pretty,
            Some("csv") => server("CSVWithNames"),
            Some("tsv") => server("TSVWithNames"),
            Some("json") => server("JSON"),
            Some("jsonl") => server("JSONEachRow"),
            Some("vertical") => server("Vertical"),
            Some(other) => server(other),
        }
    }
}

/// The SQL: the argument, else the file, else stdin (not a terminal).
fn read_sql(args: &QueryArgs) -> Result<String, Failure> {
    let sql = if let Some(sql) = &args.sql {
        if sql == "-" {
            read_stdin()?
        } else {
            sql.clone()
        }
    } else if let Some(path) = &args.file {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::usage_msg(format!("cannot read {}: {e}", path.display())))?
    } else if std::io::stdin().is_terminal() {
        return Err(Failure::usage_msg(
            "no query: give the SQL as an argument, with -f FILE, or on stdin",
        ));
    } else {
        read_stdin()?
    };
    let sql = sql.trim().trim_end_matches(';').trim_end().to_owned();
    if sql.is_empty() {
        return Err(Failure::usage_msg("the query is empty"));
    }
    Ok(sql)
}

fn read_stdin() -> Result<String, Failure> {
    let mut sql = String::new();
    std::io::stdin()
        .read_to_string(&mut sql)
        .map_err(|e| Failure::usage_msg(format!("cannot read the query from stdin: {e}")))?;
    Ok(sql)
}

/// A query id of this process's own, to find and stop the query on the server.
fn new_query_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("chc-{}-{nanos}", std::process::id())
}

pub(crate) async fn run(options: &Connection, args: QueryArgs) -> Result<(), Failure> {
    let sql = read_sql(&args)?;
    let output = Output::parse(args.format.as_deref(), std::io::stdout().is_terminal());
    if let (Output::Server(format), true) = (&output, conn::is_native(options)) {
        return Err(Failure::usage_msg(format!(
            "--format {format} needs an HTTP URL (http:// or https://): the native protocol \
             carries only Native blocks (over tcp:// use --format pretty)"
        )));
    }
    let client = conn::client(options)?;
    let query_id = new_query_id();
    let bar = QueryBar::new(progress::wanted(args.no_progress));
    let mut query = client.query(sql).query_id(query_id.as_str());
    for (name, value) in &args.params {
        query = query.param(name.as_str(), value.as_str());
    }
    if bar.shown() {
        query = query.on_progress(bar.callback());
        if !conn::is_native(options) {
            bar.poll(client.clone(), query_id.clone());
        }
    }
    let started = Instant::now();
    let work = async {
        match &output {
            Output::Pretty => pretty(query, &bar, args.max_rows, started).await,
            Output::Server(format) => pass_through(query, format, &bar).await,
        }
    };
    let result = tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => {
            bar.finish();
            stop(&client, &query_id).await;
            return Err(Failure::Cancelled);
        }
    };
    bar.finish();
    result
}

/// Stops the query on the server (`KILL QUERY` for its id), waiting a few seconds at most.
async fn stop(client: &Client, query_id: &str) {
    let _ = tokio::time::timeout(Duration::from_secs(5), client.cancel(query_id)).await;
}

/// Whether writing failed because the reader went away (`chc query ... | head`).
fn is_closed_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// The answer's bytes to stdout, as the server writes them.
async fn pass_through(query: Query<'_>, format: &str, bar: &QueryBar) -> Result<(), Failure> {
    let mut answer = query.raw(format).await?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    while let Some(chunk) = answer.next_chunk().await? {
        bar.received(chunk.len());
        if let Err(e) = out.write_all(&chunk) {
            if is_closed_pipe(&e) {
                let _ = answer.cancel().await;
                return Ok(());
            }
            return Err(e.into());
        }
    }
    match out.flush() {
        Err(e) if !is_closed_pipe(&e) => Err(e.into()),
        _ => Ok(()),
    }
}

/// The answer as a table sized to the terminal, of at most `max_rows` rows.
async fn pretty(
    query: Query<'_>,
    bar: &QueryBar,
    max_rows: usize,
    started: Instant,
) -> Result<(), Failure> {
    let mut stream = query.stream().await?;
    let zone = stream.default_zone();
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let mut header = false;
    let mut rows = 0usize;
    let mut cut = false;
    while let Some(block) = stream.next_block().await? {
        bar.received(block.byte_size());
        if !header && block.column_count() > 0 {
            table.set_header(block.names().iter().map(String::as_str));
            header = true;
        }
        for i in 0..block.rows() {
            if rows == max_rows {
                cut = true;
                break;
            }
            table.add_row(block.columns().iter().map(|c| c.value(i, zone).to_string()));
            rows += 1;
        }
        if cut {
            let _ = stream.cancel().await;
            break;
        }
    }
    bar.finish();
    if header {
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, "{table}").and_then(|()| out.flush()) {
            if !is_closed_pipe(&e) {
                return Err(e.into());
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    if cut {
        eprintln!(
            "Showing the first {rows} rows (--max-rows); the rest was not read. Elapsed: {elapsed:.3} sec."
        );
    } else {
        eprintln!(
            "{rows} row{} in set. Elapsed: {elapsed:.3} sec.",
            if rows == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_servers_formats() {
        assert_eq!(Output::parse(None, true), Output::Pretty);
        assert_eq!(Output::parse(None, false), Output::Server("TSV".into()));
        assert_eq!(
            Output::parse(Some("csv"), true),
            Output::Server("CSVWithNames".into())
        );
        assert_eq!(
            Output::parse(Some("jsonl"), false),
            Output::Server("JSONEachRow".into())
        );
        assert_eq!(
            Output::parse(Some("Parquet"), false),
            Output::Server("Parquet".into())
        );
    }
}
