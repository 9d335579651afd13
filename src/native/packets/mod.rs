//! The native TCP protocol's packets, as bytes: what the client writes and what it reads back.
//!
//! One file per packet (family). Writers append to a caller's buffer; readers parse from
//! a byte cursor and report "incomplete" until a whole packet has arrived. Every
//! revision-gated field is present only when the negotiated revision (the smaller of the
//! client's and the server's) reaches its gate. No sockets here.

mod data;
mod exception;
mod hello;
mod profile_info;
mod progress;
mod query;
mod table_columns;

pub use data::DataKind;
pub use hello::{ClientHello, ServerHello};
pub use profile_info::ProfileInfo;
pub use progress::Progress;
pub use query::{ClientInfo, QueryPacket};
pub use table_columns::TableColumns;

pub(crate) use data::{read_data, write_data};

use super::Block;
use crate::error::Error;
use crate::wire::{ReadError, ReadResult, Reader, put_varuint};

/// The revision this client speaks (the one ClickHouse's Go clients use).
pub const CLIENT_REVISION: u64 = 54460;

/// Revision gates the client knows (`DBMS_MIN_REVISION_*`).
#[allow(missing_docs)]
pub mod revision {
    pub const BLOCK_INFO: u64 = 51903;
    pub const CLIENT_INFO: u64 = 54032;
    pub const SERVER_TIMEZONE: u64 = 54058;
    pub const QUOTA_KEY_IN_CLIENT_INFO: u64 = 54060;
    pub const SERVER_DISPLAY_NAME: u64 = 54372;
    pub const VERSION_PATCH: u64 = 54401;
    pub const SERVER_LOGS: u64 = 54406;
    pub const CLIENT_WRITE_INFO: u64 = 54420;
    pub const SETTINGS_AS_STRINGS: u64 = 54429;
    pub const INTERSERVER_SECRET: u64 = 54441;
    pub const OPENTELEMETRY: u64 = 54442;
    pub const DISTRIBUTED_DEPTH: u64 = 54448;
    pub const INITIAL_QUERY_START_TIME: u64 = 54449;
    pub const PARALLEL_REPLICAS: u64 = 54453;
    pub const CUSTOM_SERIALIZATION: u64 = 54454;
    pub const ADDENDUM: u64 = 54458;
    pub const PARAMETERS: u64 = 54459;
    pub const SERVER_QUERY_TIME_IN_PROGRESS: u64 = 54460;
    pub const PASSWORD_COMPLEXITY_RULES: u64 = 54461;
    pub const INTERSERVER_SECRET_V2: u64 = 54462;
    pub const TOTAL_BYTES_IN_PROGRESS: u64 = 54463;
    pub const ROWS_BEFORE_AGGREGATION: u64 = 54469;
}

/// Client packet codes.
pub(crate) mod client_code {
    pub(crate) const HELLO: u64 = 0;
    pub(crate) const QUERY: u64 = 1;
    pub(crate) const DATA: u64 = 2;
    pub(crate) const CANCEL: u64 = 3;
    pub(crate) const PING: u64 = 4;
}

/// Appends the Cancel packet.
pub fn write_cancel(out: &mut Vec<u8>) {
    put_varuint(out, client_code::CANCEL);
}

/// Appends the Ping packet.
pub fn write_ping(out: &mut Vec<u8>) {
    put_varuint(out, client_code::PING);
}

/// A packet from the server.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerPacket {
    /// The answer to the client's hello.
    Hello(ServerHello),
    /// A block of the result (or the insert header), or of totals/extremes.
    Data(DataKind, Block),
    /// An exception; it ends the query.
    Exception(crate::error::ServerError),
    /// Progress increments.
    Progress(Progress),
    /// The answer to Ping.
    Pong,
    /// The query is done.
    EndOfStream,
    /// Rows, blocks and bytes of the result.
    ProfileInfo(ProfileInfo),
    /// A block of server log lines (`send_logs_level`).
    Log(Block),
    /// Column defaults of the insert target.
    TableColumns(TableColumns),
    /// A block of profile event counters.
    ProfileEvents(Block),
    /// The session time zone changed.
    TimezoneUpdate(String),
}

/// What the reader needs to know about the connection.
#[derive(Debug, Clone, Copy)]
pub struct PacketContext {
    /// The negotiated revision.
    pub revision: u64,
    /// Whether Data/Totals/Extremes blocks are compressed (the query's compression flag).
    pub compressed: bool,
    /// Whether the server writes the dictionary of empty LowCardinality slices (before 20.x).
    pub empty_low_cardinality_bodies: bool,
    /// The server's zone, for JSON documents the client writes from the object serialization.
    pub zone: chrono_tz::Tz,
}

/// Parses the server packet at the start of `bytes`: the packet and the bytes it took, or `None`
/// until the whole packet has arrived.
pub fn parse_server_packet(
    bytes: &[u8],
    ctx: PacketContext,
) -> crate::error::Result<Option<(ServerPacket, usize)>> {
    let mut r = Reader::new(bytes, 0)
        .with_empty_low_cardinality_bodies(ctx.empty_low_cardinality_bodies)
        .with_zone(ctx.zone);
    match read_server_packet(&mut r, ctx) {
        Ok(packet) => Ok(Some((packet, r.position()))),
        Err(ReadError::Incomplete) => Ok(None),
        Err(ReadError::Invalid(e)) => Err(e),
    }
}

/// Reads one server packet.
pub(crate) fn read_server_packet(
    r: &mut Reader<'_>,
    ctx: PacketContext,
) -> ReadResult<ServerPacket> {
    let at = r.offset();
    let code = r.varuint()?;
    Ok(match code {
        0 => ServerPacket::Hello(ServerHello::read(r)?),
        1 => ServerPacket::Data(DataKind::Data, read_data(r, ctx, true)?),
        2 => ServerPacket::Exception(exception::read_exception(r)?),
        3 => ServerPacket::Progress(Progress::read(r, ctx.revision)?),
        4 => ServerPacket::Pong,
        5 => ServerPacket::EndOfStream,
        6 => ServerPacket::ProfileInfo(ProfileInfo::read(r, ctx.revision)?),
        7 => ServerPacket::Data(DataKind::Totals, read_data(r, ctx, true)?),
        8 => ServerPacket::Data(DataKind::Extremes, read_data(r, ctx, true)?),
        10 => ServerPacket::Log(read_data(r, ctx, false)?),
        11 => ServerPacket::TableColumns(TableColumns::read(r)?),
        14 => ServerPacket::ProfileEvents(read_data(r, ctx, false)?),
        17 => ServerPacket::TimezoneUpdate(r.string("time zone")?),
        other => {
            return Err(ReadError::Invalid(Error::decode(
                at,
                format!("unexpected packet {other} from the server"),
            )));
        }
    })
}
