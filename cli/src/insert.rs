//! `chc insert`: a file or stdin streamed to the server in any input format it reads.

use std::io::IsTerminal;

use futures_util::StreamExt;
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::cli::{Connection, InsertArgs};
use crate::conn;
use crate::fail::Failure;
use crate::progress;

/// The size of the pieces read and sent.
const PIECE: usize = 256 * 1024;

pub(crate) async fn run(options: &Connection, args: InsertArgs) -> Result<(), Failure> {
    if conn::is_native(options) {
        return Err(Failure::usage_msg(
            "chc insert needs an HTTP URL (http:// or https://): the native protocol carries \
             only Native blocks",
        ));
    }
    let (reader, size): (Box<dyn AsyncRead + Send + Unpin>, Option<u64>) = match &args.file {
        Some(path) => {
            let file = tokio::fs::File::open(path)
                .await
                .map_err(|e| Failure::usage_msg(format!("cannot open {}: {e}", path.display())))?;
            let size = file.metadata().await.ok().map(|m| m.len());
            (Box::new(file), size)
        }
        None if std::io::stdin().is_terminal() => {
            return Err(Failure::usage_msg(
                "no data: give a file with -f FILE, or pipe the data to stdin",
            ));
        }
        None => (Box::new(tokio::io::stdin()), None),
    };
    let client = conn::client(options)?;
    let bar = progress::bytes_bar(progress::wanted(args.no_progress), size);
    let counted = bar.clone();
    let body = ReaderStream::with_capacity(reader, PIECE).inspect(move |piece| {
        if let (Some(bar), Ok(piece)) = (&counted, piece) {
            bar.inc(piece.len() as u64);
        }
    });
    let columns: Vec<&str> = args.columns.iter().map(String::as_str).collect();
    let mut insert = client.insert_raw(&args.table, &args.format, body);
    if !columns.is_empty() {
        insert = insert.columns(&columns);
    }
    let result = tokio::select! {
        result = insert => result,
        _ = tokio::signal::ctrl_c() => {
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            return Err(Failure::Cancelled);
        }
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let done = result?;
    if done.summary.written_rows > 0 || done.rows > 0 {
        println!("{} rows written", done.rows.max(done.summary.written_rows));
    } else {
        // Servers before about 20.x report no counts over HTTP.
        println!("inserted (the server reported no row count)");
    }
    Ok(())
}
