//! The insert flow: the server answers the INSERT with a header block (the target columns and
//! their types); the client sends data blocks of those types, then an empty block; the server
//! ends with EndOfStream (or an exception). A failure mid-insert closes the connection.

use super::TcpTransport;
use crate::client::{BlockSource, QueryRequest, QuerySummary};
use crate::error::{Error, Result};
use crate::native::Block;
use crate::native::packets;
use crate::types::DataType;

/// Runs an insert: `request.sql` is the `INSERT INTO t (cols) VALUES` statement; `source`
/// turns rows into blocks of the header's types. Returns the rows sent and the summary.
pub(crate) async fn insert(
    transport: &TcpTransport,
    request: &mut QueryRequest,
    source: &mut dyn BlockSource,
) -> Result<(u64, QuerySummary)> {
    let mut query = transport.query(request).await?;
    let header = match query.next_data().await? {
        Some(block) => block,
        None => {
            return Err(Error::connection(
                "the server ended the INSERT without a header block",
            ));
        }
    };
    let targets: Vec<(String, DataType)> = header
        .names()
        .iter()
        .cloned()
        .zip(header.types().cloned())
        .collect();
    let options = transport.options().clone();
    let mut rows = 0u64;
    let result: Result<()> = async {
        loop {
            let block = match source.next_block(&targets).await? {
                Some(block) => block,
                None => break,
            };
            rows += block.rows() as u64;
            let connection = query
                .connection()
                .ok_or_else(|| Error::connection("lost the connection"))?;
            let revision = connection.get().revision();
            let mut out = Vec::with_capacity(block.byte_size() + 64);
            packets::write_data(&mut out, &block, revision, options.compression)?;
            connection.get().send(&out).await?;
        }
        let connection = query
            .connection()
            .ok_or_else(|| Error::connection("lost the connection"))?;
        let revision = connection.get().revision();
        let mut out = Vec::new();
        packets::write_data(&mut out, &Block::new(), revision, options.compression)?;
        connection.get().send(&out).await
    }
    .await;
    if let Err(e) = result {
        // The server is in the middle of reading data blocks: this connection cannot be reused.
        query.abandon();
        return Err(e);
    }
    if let Err(e) = query.finish().await {
        // An exception after the data: do not trust the connection with another query.
        query.abandon();
        return Err(e);
    }
    Ok((rows, query.summary()))
}
