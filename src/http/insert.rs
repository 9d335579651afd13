//! The insert flow over HTTP: the target columns' types from `DESCRIBE TABLE` (unless the blocks
//! bring their own), then `INSERT ... FORMAT Native` with the blocks as the request body, each
//! encoded and compressed as it is produced.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream;

use super::kept::Kept;
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
    // Blocks cross a channel to the body, which the HTTP connection's task polls: that task
    // encodes them (the copy into the body, and the compression), so the caller's task
    // builds the next block meanwhile. Encoded blocks come back to the source to be filled
    // again. The body must be 'static while the source is borrowed.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Block>>(2);
    let spent = Spent::default();
    let encoder = Encoder {
        compression: shared.options.compression,
        buffers: Buffers::default(),
        scratch: Vec::new(),
        spent: spent.clone(),
    };
    let body = stream_body(stream::unfold(
        (receiver, failure.clone(), encoder),
        |(mut receiver, failure, mut encoder)| async move {
            let encoded = receiver
                .recv()
                .await?
                .and_then(|block| encoder.encode(block));
            match encoded {
                Ok(bytes) => Some((Ok(bytes), (receiver, failure, encoder))),
                Err(e) => {
                    let shown = Error::invalid_input(e.to_string());
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    Some((Err(shown), (receiver, failure, encoder)))
                }
            }
        },
    ));
    let produce = async {
        loop {
            for block in spent.take_all() {
                source.recycle(block);
            }
            let next = source.next_block(&targets).await;
            if let Ok(Some(block)) = &next {
                rows_sent.fetch_add(block.rows() as u64, Ordering::Relaxed);
            }
            let stop = !matches!(next, Ok(Some(_)));
            let item = match next {
                Ok(Some(block)) => Ok(block),
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

/// Blocks the body has encoded, on their way back to the source to be filled again: about
/// as many are kept as are in flight (the channel's and the one being encoded).
type Spent = Kept<Block, 3>;

/// What turns the blocks into body pieces, on the connection's task.
struct Encoder {
    compression: Compression,
    buffers: Buffers,
    /// The Native bytes of a block to compress.
    scratch: Vec<u8>,
    spent: Spent,
}

impl Encoder {
    /// `block` as a body piece; the block then goes back to the source.
    fn encode(&mut self, block: Block) -> Result<Bytes> {
        let piece = encode(&block, self.compression, &self.buffers, &mut self.scratch);
        self.spent.put(block);
        piece
    }
}

/// Body pieces' buffers, back from the HTTP connection once it has written them: each block
/// is encoded into memory a block before it used, so no page is faulted in per block. As
/// many are kept as there can be pieces: the body channel's and the one being written.
#[derive(Clone, Default)]
struct Buffers(Kept<Vec<u8>, 4>);

impl Buffers {
    /// An empty buffer with room for `bytes`.
    fn take(&self, bytes: usize) -> Vec<u8> {
        let mut buffer = self.0.pop().unwrap_or_default();
        buffer.reserve(bytes);
        buffer
    }

    /// `buffer` as a body piece that comes back here when the connection drops it.
    fn piece(&self, buffer: Vec<u8>) -> Bytes {
        Bytes::from_owner(Piece {
            buffer,
            home: self.clone(),
        })
    }
}

/// A body piece's buffer, on its way to the connection.
struct Piece {
    buffer: Vec<u8>,
    home: Buffers,
}

impl AsRef<[u8]> for Piece {
    fn as_ref(&self) -> &[u8] {
        &self.buffer
    }
}

impl Drop for Piece {
    fn drop(&mut self) {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        self.home.0.put(buffer);
    }
}

/// A block as a request body piece: Native, then the client's compression (`scratch` holds
/// the Native bytes of a compressed block).
fn encode(
    block: &Block,
    compression: Compression,
    buffers: &Buffers,
    scratch: &mut Vec<u8>,
) -> Result<Bytes> {
    let size = block.byte_size() + 1024;
    let method = match compression {
        Compression::None => {
            let mut native = buffers.take(size);
            block.write(&mut native, 0);
            return Ok(buffers.piece(native));
        }
        Compression::Lz4 => Some((Method::Lz4, 0)),
        Compression::Zstd(level) => Some((Method::Zstd, level)),
        Compression::Gzip => None,
    };
    scratch.clear();
    scratch.reserve(size);
    block.write(scratch, 0);
    let mut out = buffers.take(scratch.len() / 2 + 64);
    match method {
        Some((method, level)) => compression::encode(method, level, scratch, &mut out)?,
        None => {
            // Gzip: each block is a complete gzip member; concatenated members are one gzip
            // stream.
            let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
            gz.write_all(scratch)?;
            out = gz.finish()?;
        }
    }
    Ok(buffers.piece(out))
}
