//! The insert flow: the server answers the INSERT with a header block (the target columns and
//! their types); the client sends data blocks of those types, then an empty block; the server
//! ends with EndOfStream (or an exception).

use chrono_tz::Tz;
use futures_util::future::BoxFuture;

use super::link::TcpLink;
use crate::error::{Error, Result};
use crate::native::Block;
use crate::native::packets;
use crate::request::BlockSource;
use crate::types::DataType;

/// The inline `VALUES` data of an INSERT, read by the client into one block of the columns the
/// server's header names (for servers that do not read inline data sent over the native
/// protocol themselves).
pub(crate) struct ValuesSource {
    pub(crate) data: String,
    pub(crate) zone: Tz,
    pub(crate) params: Vec<(String, Vec<u8>)>,
    pub(crate) done: bool,
}

impl BlockSource for ValuesSource {
    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> BoxFuture<'a, Result<Option<Block>>> {
        let block = if self.done {
            Ok(None)
        } else {
            self.done = true;
            crate::value::read_values(&self.data, targets, self.zone, &self.params).map(Some)
        };
        Box::pin(async move { block })
    }
}

/// After the INSERT was sent: reads the header, sends `source`'s blocks and the empty block,
/// and reads to the end. Returns the rows sent.
pub(crate) async fn send_blocks(link: &mut TcpLink, source: &mut dyn BlockSource) -> Result<u64> {
    let header = link.next_data().await?.ok_or_else(|| {
        Error::protocol("the server ended the INSERT without sending its header block")
    })?;
    let targets: Vec<(String, DataType)> = header
        .names()
        .iter()
        .cloned()
        .zip(header.types().cloned())
        .collect();
    let compression = link.pooled().pool_options().compression;
    let mut rows = 0u64;
    // One packet buffer for every block, and each block's columns handed back to be filled
    // again: no allocation per block once the first is sent.
    let mut out = Vec::new();
    while let Some(block) = source.next_block(&targets).await? {
        rows += block.rows() as u64;
        let connection = link.pooled().get();
        out.clear();
        out.reserve(block.byte_size() + 64);
        packets::write_data(&mut out, &block, connection.revision(), compression)?;
        source.recycle(block);
        connection.send(&out).await?;
    }
    let connection = link.pooled().get();
    out.clear();
    packets::write_data(&mut out, &Block::new(), connection.revision(), compression)?;
    connection.send(&out).await?;
    while link.next_data().await?.is_some() {}
    Ok(rows)
}
