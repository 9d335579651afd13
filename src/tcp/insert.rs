//! The insert flow: the server answers the INSERT with a header block (the target columns and
//! their types); the client sends data blocks of those types, then an empty block; the server
//! ends with EndOfStream (or an exception).

use super::link::TcpLink;
use crate::error::{Error, Result};
use crate::native::Block;
use crate::native::packets;
use crate::request::BlockSource;
use crate::types::DataType;

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
    while let Some(block) = source.next_block(&targets).await? {
        rows += block.rows() as u64;
        let connection = link.pooled().get();
        let mut out = Vec::with_capacity(block.byte_size() + 64);
        packets::write_data(&mut out, &block, connection.revision(), compression)?;
        connection.send(&out).await?;
    }
    let connection = link.pooled().get();
    let mut out = Vec::new();
    packets::write_data(&mut out, &Block::new(), connection.revision(), compression)?;
    connection.send(&out).await?;
    while link.next_data().await?.is_some() {}
    Ok(rows)
}
