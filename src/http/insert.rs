//! The insert flow over HTTP: the target columns' types from `DESCRIBE TABLE` (unless the blocks
//! bring their own), then `INSERT ... FORMAT Native` with the blocks as the request body, each
//! encoded and compressed as it is produced.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream;

use super::transport::{Answer, Body, Shared, stream_body};
use crate::compression::{self, Compression, Method};
use crate::error::{Error, Result};
use crate::native::{Block, BlockStream};
use crate::request::{BlockSource, InsertResult, InsertTarget, QueryRequest};
use crate::types::DataType;

/// The insertable columns of the table (or the named ones), with their types.
pub(crate) async fn describe(
    shared: &Shared,
    session: Option<&str>,
    request: &QueryRequest,
    target: &InsertTarget,
) -> Result<Vec<(String, DataType)>> {
    let mut describe = QueryRequest::new(format!("DESCRIBE TABLE {}", target.table));
    describe.session_id = request.session_id.clone();
    describe.database = request.database.clone();
    let mut response = shared
        .send(&mut describe, Body::Sql, Answer::NATIVE, session)
        .await?;
    let mut blocks = BlockStream::new(0);
    while let Some(chunk) = response.next_chunk().await? {
        blocks.push(&chunk);
    }
    blocks.finish();
    let mut all = Vec::new();
    while let Some(block) = blocks.next_block()? {
        let column = |name: &str| {
            block.column_by_name(name).ok_or_else(|| {
                Error::protocol(format!("DESCRIBE TABLE answered without a `{name}` column"))
            })
        };
        let (names, types, kinds) = (column("name")?, column("type")?, column("default_type")?);
        for row in 0..block.rows() {
            let text = |c: &crate::column::Column| c.value(row, chrono_tz::Tz::UTC).to_string();
            if matches!(text(kinds).as_str(), "MATERIALIZED" | "ALIAS") {
                continue;
            }
            all.push((text(names), DataType::parse(&text(types))?));
        }
    }
    if target.columns.is_empty() {
        return Ok(all);
    }
    target
        .columns
        .iter()
        .map(|name| {
            all.iter().find(|(n, _)| n == name).cloned().ok_or_else(|| {
                Error::invalid_input(format!(
                    "table {} has no column `{name}` that an insert can write (it is missing, \
                     MATERIALIZED or ALIAS)",
                    target.table
                ))
            })
        })
        .collect()
}

/// Sends the insert; `request.sql` is the `INSERT ... FORMAT Native` statement.
pub(crate) async fn send(
    shared: &Shared,
    session: Option<&str>,
    request: &mut QueryRequest,
    targets: Vec<(String, DataType)>,
    source: &mut dyn BlockSource,
) -> Result<InsertResult> {
    let failure: Arc<Mutex<Option<Error>>> = Arc::default();
    let rows_sent = Arc::new(AtomicU64::new(0));
    let compression = shared.options.compression;
    // The body must be 'static while the source is borrowed: encoded blocks cross a channel.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes>>(2);
    let body = stream_body(stream::unfold(
        (receiver, failure.clone()),
        |(mut receiver, failure)| async move {
            match receiver.recv().await? {
                Ok(bytes) => Some((Ok(bytes), (receiver, failure))),
                Err(e) => {
                    let shown = Error::invalid_input(e.to_string());
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    Some((Err(shown), (receiver, failure)))
                }
            }
        },
    ));
    let produce = async {
        loop {
            let next = match source.next_block(&targets).await {
                Ok(Some(block)) => {
                    rows_sent.fetch_add(block.rows() as u64, Ordering::Relaxed);
                    encode(&block, compression).map(Some)
                }
                other => other.map(|_| None),
            };
            let stop = !matches!(next, Ok(Some(_)));
            let item = match next {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => break,
                Err(e) => Err(e),
            };
            if sender.send(item).await.is_err() || stop {
                break;
            }
        }
        drop(sender);
    };
    let query_id = request.query_id().to_owned();
    let sending = shared.send(request, Body::Data(body), Answer::TEXT, session);
    tokio::pin!(sending, produce);
    // The server may answer before the body ends (an error): then the rest is not produced.
    let sent = tokio::select! {
        sent = &mut sending => sent,
        () = &mut produce => sending.await,
    };
    if let Some(e) = failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    let response = sent?;
    let summary = response.summary().unwrap_or_default();
    let query_id = response.query_id().map(str::to_owned).unwrap_or(query_id);
    response
        .text_at_most(super::transport::MAX_SMALL_ANSWER)
        .await?;
    Ok(InsertResult {
        rows: rows_sent.load(Ordering::Relaxed),
        summary,
        query_id,
    })
}

/// A block as a request body piece: Native, then the client's compression.
fn encode(block: &Block, compression: Compression) -> Result<Bytes> {
    let mut native = Vec::with_capacity(block.byte_size() + 1024);
    block.write(&mut native, 0);
    let framed = match compression {
        Compression::None => native,
        Compression::Lz4 => {
            let mut out = Vec::with_capacity(native.len() / 2 + 64);
            compression::encode(Method::Lz4, 0, &native, &mut out)?;
            out
        }
        Compression::Zstd(level) => {
            let mut out = Vec::with_capacity(native.len() / 2 + 64);
            compression::encode(Method::Zstd, level, &native, &mut out)?;
            out
        }
        Compression::Gzip => {
            // Each block is a complete gzip member; concatenated members are one gzip stream.
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&native)?;
            gz.finish()?
        }
    };
    Ok(Bytes::from(framed))
}
