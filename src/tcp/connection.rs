//! One native-protocol connection: connect (TCP or TLS), handshake, send packets, read packets.

use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::TcpOptions;
use crate::error::ServerError;
use crate::error::{Error, Result};
use crate::native::packets::{
    self, ClientHello, PacketContext, ServerHello, ServerPacket, parse_server_packet,
};
use crate::request::ServerInfo;

/// A socket, plain or TLS.
trait Socket: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Socket for T {}

/// How many bytes to ask the socket for at a time.
const READ_CHUNK: usize = 256 * 1024;

/// A connection after a successful handshake.
pub(crate) struct Connection {
    socket: Box<dyn Socket>,
    buf: BytesMut,
    /// Do not try to parse a packet again before the buffer holds this many bytes.
    retry_at: usize,
    /// Who the server is (from its hello).
    info: ServerInfo,
    /// `host:port`, for messages.
    address: String,
    /// The database `USE`d on this connection.
    pub(crate) database: String,
    /// False once a query is under way and until it has ended cleanly.
    pub(crate) clean: bool,
    pub(crate) last_used: Instant,
    pub(crate) local_address: String,
}

fn io_error(e: std::io::Error, what: &str) -> Error {
    let error = if e.kind() == std::io::ErrorKind::TimedOut {
        Error::timeout(what)
    } else {
        Error::connection(what)
    };
    error.with_source(e)
}

impl Connection {
    /// Connects and performs the handshake.
    pub(crate) async fn connect(options: &TcpOptions) -> Result<Connection> {
        let address = format!("{}:{}", options.host, options.port);
        let tcp = tokio::time::timeout(options.connect_timeout, TcpStream::connect(&address))
            .await
            .map_err(|_| {
                Error::connect_timeout(format!(
                    "connecting to {address} took longer than {:?}",
                    options.connect_timeout
                ))
            })?
            .map_err(|e| io_error(e, &format!("cannot connect to {address}")))?;
        tcp.set_nodelay(true)
            .map_err(|e| io_error(e, "set TCP_NODELAY"))?;
        let local_address = tcp
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| "0.0.0.0:0".into());
        let socket: Box<dyn Socket> = match &options.tls_config {
            Some(config) => {
                Box::new(super::tls::connect(config.clone(), &options.host, tcp).await?)
            }
            None => Box::new(tcp),
        };
        let mut connection = Connection {
            socket,
            buf: BytesMut::with_capacity(READ_CHUNK),
            retry_at: 0,
            info: ServerInfo::new("", 0, chrono_tz::Tz::UTC, String::new()),
            address: address.clone(),
            database: options.database.clone(),
            clean: true,
            last_used: Instant::now(),
            local_address,
        };
        let handshake = connection.handshake(options);
        tokio::time::timeout(options.connect_timeout, handshake)
            .await
            .map_err(|_| {
                Error::connect_timeout(format!(
                    "the handshake with {address} took longer than {:?}",
                    options.connect_timeout
                ))
            })??;
        Ok(connection)
    }

    async fn handshake(&mut self, options: &TcpOptions) -> Result<()> {
        let hello = ClientHello {
            client_name: options.client_name.clone(),
            major: options.client_version.0,
            minor: options.client_version.1,
            database: options.database.clone(),
            user: options.user.clone(),
            password: options.password.expose().to_owned(),
        };
        let mut out = Vec::new();
        hello.write(&mut out);
        self.send(&out).await?;
        match self.read_packet(false).await? {
            ServerPacket::Hello(server) => self.info = hello_info(&server),
            ServerPacket::Exception(e) => return Err(self.server_error(e)),
            other => return Err(unexpected(&other, "Hello")),
        }
        let mut addendum = Vec::new();
        ClientHello::write_addendum(&mut addendum, self.info.revision);
        if !addendum.is_empty() {
            self.send(&addendum).await?;
        }
        Ok(())
    }

    /// A server exception, with the version the hello told.
    pub(crate) fn server_error(&self, e: ServerError) -> Error {
        Error::from(e.with_server_version(&self.info.version))
    }

    /// Who the server is, as its hello said.
    pub(crate) fn server_info(&self) -> &ServerInfo {
        &self.info
    }

    /// The negotiated protocol revision.
    pub(crate) fn revision(&self) -> u64 {
        self.info.revision
    }

    /// Writes bytes and flushes.
    pub(crate) async fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.socket
            .write_all(bytes)
            .await
            .map_err(|e| io_error(e, &format!("sending to {} failed", self.address)))?;
        self.socket
            .flush()
            .await
            .map_err(|e| io_error(e, &format!("sending to {} failed", self.address)))
    }

    /// Reads the next packet; `compressed` is the current query's compression flag.
    ///
    /// A packet is parsed from the start each time it is tried; to stay linear on large
    /// packets, a failed attempt is retried when the buffer has doubled, or when the socket had
    /// no more bytes ready (the packet may be complete and the server waiting for us).
    pub(crate) async fn read_packet(&mut self, compressed: bool) -> Result<ServerPacket> {
        let ctx = PacketContext {
            revision: self.info.revision,
            compressed,
            empty_low_cardinality_bodies: self.info.writes_empty_low_cardinality_bodies(),
            zone: self.info.timezone,
        };
        let mut try_now = !self.buf.is_empty();
        loop {
            if try_now {
                if let Some((packet, used)) = parse_server_packet(&self.buf, ctx)? {
                    self.buf.advance(used);
                    self.retry_at = 0;
                    self.last_used = Instant::now();
                    return Ok(packet);
                }
                self.retry_at = self.buf.len().saturating_mul(2);
            }
            self.buf.reserve(READ_CHUNK);
            let space = self.buf.capacity() - self.buf.len();
            let n = self.socket.read_buf(&mut self.buf).await.map_err(|e| {
                io_error(
                    e,
                    &format!("the connection to {} broke while reading", self.address),
                )
            })?;
            if n == 0 {
                return Err(Error::connection(format!(
                    "{} closed the connection{}",
                    self.address,
                    if self.buf.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " in the middle of a packet ({} bytes of it arrived)",
                            self.buf.len()
                        )
                    }
                )));
            }
            try_now = n < space || self.buf.len() >= self.retry_at;
        }
    }

    /// Ping and wait for Pong (skipping stray Progress packets old servers send).
    pub(crate) async fn ping(&mut self, timeout: Duration) -> Result<()> {
        let mut out = Vec::new();
        packets::write_ping(&mut out);
        let exchange = async {
            self.send(&out).await?;
            loop {
                match self.read_packet(false).await? {
                    ServerPacket::Pong => return Ok(()),
                    ServerPacket::Progress(_)
                    | ServerPacket::ProfileEvents(_)
                    | ServerPacket::Log(_) => {}
                    ServerPacket::Exception(e) => return Err(self.server_error(e)),
                    other => return Err(unexpected(&other, "Pong")),
                }
            }
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| Error::timeout(format!("no Pong within {timeout:?}")))?
    }
}

/// Who the server is, from its hello.
fn hello_info(hello: &ServerHello) -> ServerInfo {
    let zone = hello
        .timezone
        .as_deref()
        .and_then(|tz| tz.parse().ok())
        .unwrap_or(chrono_tz::Tz::UTC);
    ServerInfo::new(
        &hello.version(),
        hello.negotiated_revision(),
        zone,
        hello.display_name.clone().unwrap_or_default(),
    )
}

/// A protocol error for a packet that has no place here.
pub(crate) fn unexpected(packet: &ServerPacket, expected: &str) -> Error {
    let name = match packet {
        ServerPacket::Hello(_) => "Hello",
        ServerPacket::Data(..) => "Data",
        ServerPacket::Exception(_) => "Exception",
        ServerPacket::Progress(_) => "Progress",
        ServerPacket::Pong => "Pong",
        ServerPacket::EndOfStream => "EndOfStream",
        ServerPacket::ProfileInfo(_) => "ProfileInfo",
        ServerPacket::Log(_) => "Log",
        ServerPacket::TableColumns(_) => "TableColumns",
        ServerPacket::ProfileEvents(_) => "ProfileEvents",
        ServerPacket::TimezoneUpdate(_) => "TimezoneUpdate",
    };
    Error::protocol(format!(
        "the server sent {name} where {expected} was expected"
    ))
}
