//! [`TcpLink`]: one pooled native connection under the transport contract, and the flows on it.
//!
//! A query is the Query packet and the empty Data block that ends external tables, then packets
//! until EndOfStream or Exception. Cancel is the Cancel packet, then the packets up to the end.
//! After an Exception the connection is proven in sync with a Ping before it is trusted again
//! (an 18.x server that fails while parsing leaves the empty Data block unread, and reads it as a
//! new packet); a connection that is not proven, or whose exchange broke off, is replaced.

use std::time::Duration;

use chrono_tz::Tz;
use futures_util::future::BoxFuture;

use super::connection::unexpected;
use super::insert;
use super::pool::Pooled;
use crate::error::{Error, Result};
use crate::native::Block;
use crate::native::packets::{self, ClientInfo, DataKind, QueryPacket, ServerPacket};
use crate::request::Wire;
use crate::request::{
    BlockSource, CommandResult, DRAIN_LIMIT, InsertResult, InsertTarget, Link, Progress,
    ProgressCallback, QueryRequest, ServerInfo, Started, Summary,
};

/// One native connection and the state of the exchange on it.
pub(crate) struct TcpLink {
    conn: Pooled,
    /// A request was started and its exchange has not ended.
    busy: bool,
    /// The answer under way (the request was sent whole), with its compression flag.
    answering: Option<bool>,
    /// The exchange broke off or was not proven in sync: reconnect before the next request.
    broken: bool,
    progress: Progress,
    rows: u64,
    /// The session zone the server last announced.
    timezone: Option<Tz>,
    /// The negotiated revision of the last request's connection.
    revision: u64,
    on_progress: Option<ProgressCallback>,
    /// The request just sent on a connection that had waited in the pool, kept until its first
    /// answer: if that connection turns out dead (the server restarted), it goes again, once, on
    /// a fresh one.
    resend: Option<(Vec<u8>, bool)>,
}

/// Asks a server that can (26.5+) to read an INSERT's inline data itself.
const INLINE_DATA_SETTING: &str = "send_table_structure_on_insert_with_inline_data";

fn increment(p: &packets::Progress) -> Progress {
    Progress {
        read_rows: p.read_rows,
        read_bytes: p.read_bytes,
        total_rows_to_read: p.total_rows_to_read,
        written_rows: p.written_rows,
        written_bytes: p.written_bytes,
        elapsed: Duration::from_nanos(p.elapsed_ns),
    }
}

impl TcpLink {
    pub(crate) fn new(conn: Pooled) -> Self {
        TcpLink {
            conn,
            busy: false,
            answering: None,
            broken: false,
            progress: Progress::default(),
            rows: 0,
            timezone: None,
            revision: 0,
            on_progress: None,
            resend: None,
        }
    }

    /// Marks the connection as not to be reused (and not returned to the pool).
    fn break_off(&mut self) {
        self.broken = true;
        self.busy = false;
        self.answering = None;
        self.conn.discard();
    }

    /// Brings the connection in sync for a new request: drains an answer left unread, or
    /// replaces a connection that cannot be trusted.
    async fn ready(&mut self) -> Result<()> {
        if self.busy && !self.broken {
            let drained = tokio::time::timeout(DRAIN_LIMIT, self.cancel_and_drain()).await;
            if !matches!(drained, Ok(Ok(()))) {
                self.break_off();
            }
        }
        if self.broken {
            self.conn.reconnect().await?;
            self.broken = false;
            self.busy = false;
            self.answering = None;
        }
        Ok(())
    }

    /// Sends the Query packet (and the empty Data block after it).
    async fn start(&mut self, request: &mut QueryRequest) -> Result<()> {
        self.ready().await?;
        let options = self.conn.pool_options();
        let server = self.conn.get().server_info().clone();
        let mut settings = server.query_settings(&options.settings, request, true);
        // Ask the server to answer in zstd too, where it takes settings (it defaults to LZ4).
        if matches!(
            options.compression,
            Some((crate::compression::Method::Zstd, _))
        ) && server.takes_native_settings()
            && !settings
                .iter()
                .any(|(n, _)| n == "network_compression_method")
        {
            settings.push(("network_compression_method".into(), "zstd".into()));
        }
        server.check(Wire::Native, request, !settings.is_empty())?;
        let wanted_db = request
            .database
            .clone()
            .unwrap_or_else(|| options.database.clone());
        if !wanted_db.is_empty() && wanted_db != self.conn.get().database {
            // A native connection has one current database: switch it for this query.
            let mut use_db = QueryRequest::new(format!(
                "USE {}",
                crate::types::backquote_if_needed(&wanted_db)
            ));
            self.send(&mut use_db, Vec::new()).await?;
            while self.next_data().await?.is_some() {}
            self.conn.get().database = wanted_db;
        }
        self.send(request, settings).await
    }

    async fn send(
        &mut self,
        request: &mut QueryRequest,
        settings: Vec<(String, String)>,
    ) -> Result<()> {
        let options = self.conn.pool_options();
        let compressed = options.compression.is_some();
        let conn = self.conn.get();
        let revision = conn.revision();
        self.revision = revision;
        let packet = QueryPacket {
            query_id: request.query_id().to_owned(),
            client_info: ClientInfo {
                client_name: options.client_name.clone(),
                major: options.client_version.0,
                minor: options.client_version.1,
                patch: options.client_version.2,
                os_user: std::env::var("USER").unwrap_or_default(),
                hostname: options.hostname.clone(),
                address: conn.local_address.clone(),
            },
            settings,
            compression: compressed,
            sql: request.sql.clone(),
            parameters: request.params.clone(),
        };
        let mut out = Vec::with_capacity(256 + request.sql.len());
        packet.write(&mut out, revision);
        packets::write_data(&mut out, &Block::new(), revision, options.compression)?;
        self.busy = true;
        conn.clean = false;
        let reused = self.conn.reused();
        if let Err(e) = self.conn.get().send(&out).await {
            if !(reused && e.is_connection()) {
                self.break_off();
                return Err(e);
            }
            // A pooled connection that died while it waited: once more, on a fresh one.
            self.conn.reconnect().await?;
            self.conn
                .get()
                .send(&out)
                .await
                .inspect_err(|_| self.break_off())?;
        } else if reused {
            self.resend = Some((out, compressed));
        }
        self.answering = Some(compressed);
        self.progress = Progress::default();
        self.rows = 0;
        self.on_progress = request.progress.clone();
        Ok(())
    }

    /// The next Data block of the answer (the insert's header block included), or `None` at
    /// EndOfStream. Progress, profile and log packets are absorbed on the way.
    pub(crate) async fn next_data(&mut self) -> Result<Option<Block>> {
        while let Some(compressed) = self.answering {
            let packet = match self.conn.get().read_packet(compressed).await {
                Ok(p) => p,
                Err(e) if e.is_connection() && self.resend.is_some() => {
                    // The pooled connection was dead before the server saw the request: the
                    // request goes again, once, on a fresh connection.
                    let (out, compressed) = self.resend.take().expect("checked above");
                    tracing::debug!(error = %e, "a pooled connection was dead; sending again");
                    if let Err(e) = self.conn.reconnect().await {
                        self.break_off();
                        return Err(e);
                    }
                    let conn = self.conn.get();
                    conn.clean = false;
                    if let Err(e) = conn.send(&out).await {
                        self.break_off();
                        return Err(e);
                    }
                    self.answering = Some(compressed);
                    continue;
                }
                Err(e) => {
                    // A broken or desynchronised connection never goes back to the pool.
                    self.break_off();
                    return Err(e);
                }
            };
            // The server answered: the request is no longer sent again.
            self.resend = None;
            match packet {
                ServerPacket::Data(DataKind::Data, block) => {
                    if block.column_count() == 0 && block.rows() == 0 {
                        continue;
                    }
                    self.rows += block.rows() as u64;
                    return Ok(Some(block));
                }
                // WITH TOTALS and `extremes = 1` rows are not part of the result's blocks.
                ServerPacket::Data(DataKind::Totals | DataKind::Extremes, _) => {}
                ServerPacket::Progress(p) => {
                    self.progress.add(&increment(&p));
                    if let Some(callback) = &self.on_progress {
                        (callback.0)(&self.progress);
                    }
                }
                ServerPacket::ProfileInfo(_)
                | ServerPacket::Log(_)
                | ServerPacket::ProfileEvents(_)
                | ServerPacket::TableColumns(_) => {}
                ServerPacket::TimezoneUpdate(tz) => self.timezone = tz.parse().ok(),
                ServerPacket::EndOfStream => self.end(),
                ServerPacket::Exception(e) => {
                    let error = self.conn.get().server_error(e);
                    self.answering = None;
                    self.prove_in_sync().await;
                    return Err(error);
                }
                other => {
                    self.break_off();
                    return Err(unexpected(&other, "a query's packets"));
                }
            }
        }
        Ok(None)
    }

    /// The exchange ended as the protocol says: the connection is in sync.
    fn end(&mut self) {
        self.answering = None;
        self.busy = false;
        self.conn.get().clean = true;
    }

    /// After an Exception the server may not be where the client thinks (it can leave the
    /// client's empty Data block unread); a Ping answered by Pong proves it is.
    async fn prove_in_sync(&mut self) {
        let timeout = self.conn.pool_options().connect_timeout;
        match self.conn.get().ping(timeout).await {
            Ok(()) => self.end(),
            Err(_) => self.break_off(),
        }
    }

    /// Sends Cancel and reads up to the end of the answer.
    async fn cancel_and_drain(&mut self) -> Result<()> {
        if self.answering.is_none() {
            // The request did not go out whole: the byte stream cannot be trusted.
            self.break_off();
            return Ok(());
        }
        let mut out = Vec::new();
        packets::write_cancel(&mut out);
        if let Err(e) = self.conn.get().send(&out).await {
            self.break_off();
            return Err(e);
        }
        loop {
            match self.next_data().await {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(()),
                // A cancelled query may end with an exception (QUERY_WAS_CANCELLED): that is the
                // goal, and the connection was proven in sync after it.
                Err(e) if e.server().is_some() => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// The zone of `DateTime` columns that name none: the session's, else the server's.
    fn zone(&mut self) -> Tz {
        self.timezone
            .unwrap_or_else(|| self.conn.get().server_info().timezone)
    }

    /// Runs an INSERT whose data is in its text (`VALUES (...)`), if `request` is one and this
    /// server does not read such data over the native protocol itself: the statement goes
    /// without the data, and the client reads the data into a block of the columns the server
    /// names. `None` for any other request (a server that reads the data gets the setting that
    /// asks it to).
    async fn inline_insert(&mut self, request: &mut QueryRequest) -> Result<Option<u64>> {
        let Some(inline) = crate::sql::inline_insert(&request.sql) else {
            return Ok(None);
        };
        let server = self.conn.get().server_info().clone();
        if server.reads_inline_insert_data() {
            request.setting(INLINE_DATA_SETTING, 0);
            return Ok(None);
        }
        let advice = |problem: String| {
            Error::invalid_input(format!(
                "{problem}; over the native protocol this server ({}) leaves an INSERT's inline \
                 data to the client, which reads VALUES literals only (ClickHouse 26.5 reads \
                 the data itself): send the statement over HTTP, write it as INSERT ... SELECT, \
                 or use the client's insert API",
                server.version
            ))
        };
        if !inline.format.eq_ignore_ascii_case("Values") {
            return Err(advice(format!(
                "the INSERT carries its data in FORMAT {}",
                inline.format
            )));
        }
        let mut source = super::insert::ValuesSource {
            data: inline.data.to_owned(),
            zone: self.zone(),
            params: request.params.clone(),
            done: false,
        };
        let statement = inline.head.to_owned();
        let original = std::mem::replace(&mut request.sql, statement);
        // The parameters are read by the client; the server gets none for this statement.
        let params = std::mem::take(&mut request.params);
        let started = self.start(request).await;
        request.sql = original;
        request.params = params;
        started?;
        match super::insert::send_blocks(self, &mut source).await {
            Ok(rows) => Ok(Some(rows)),
            Err(e) => {
                // The server may be waiting for data blocks: this connection cannot be trusted
                // with another query.
                self.break_off();
                Err(if e.kind() == crate::ErrorKind::InvalidInput {
                    advice(e.to_string())
                } else {
                    e
                })
            }
        }
    }

    /// The pooled connection, for the insert flow.
    pub(crate) fn pooled(&mut self) -> &mut Pooled {
        &mut self.conn
    }
}

#[async_trait::async_trait]
impl Link for TcpLink {
    async fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(self.conn.get().server_info().clone())
    }

    async fn ping(&mut self) -> Result<()> {
        self.ready().await?;
        let timeout = self.conn.pool_options().connect_timeout;
        let result = self.conn.get().ping(timeout).await;
        if result.is_err() {
            self.break_off();
        }
        result
    }

    async fn send_query(&mut self, request: &mut QueryRequest) -> Result<Started> {
        // An INSERT with inline data runs to its end here: its answer has no blocks.
        if self.inline_insert(request).await?.is_none() {
            self.start(request).await?;
        }
        Ok(Started {
            query_id: request.query_id().to_owned(),
            zone: self.zone(),
        })
    }

    /// The next block of rows: the header block the server sends first (no rows, only the
    /// names and types) is not part of the result.
    async fn next_block(&mut self) -> Result<Option<Block>> {
        loop {
            match self.next_data().await? {
                Some(block) if block.rows() == 0 => continue,
                other => return Ok(other),
            }
        }
    }

    fn summary(&self) -> Summary {
        let mut summary = Summary::from_progress(&self.progress);
        summary.result_rows = self.rows;
        summary
    }

    fn acknowledged_rows(&self, _request: &QueryRequest) -> Option<u64> {
        // Progress packets carry written rows from revision 54420 on (18.16 sends none).
        (self.revision >= packets::revision::CLIENT_WRITE_INFO)
            .then_some(self.progress.written_rows)
    }

    async fn cancel(&mut self) -> Result<()> {
        if !self.busy {
            return Ok(());
        }
        match tokio::time::timeout(DRAIN_LIMIT, self.cancel_and_drain()).await {
            Ok(result) => result,
            Err(_) => {
                self.break_off();
                Err(Error::timeout(format!(
                    "the server did not end the cancelled query within {DRAIN_LIMIT:?}; the \
                     connection was closed"
                )))
            }
        }
    }

    async fn command(&mut self, request: &mut QueryRequest) -> Result<CommandResult> {
        if self.inline_insert(request).await?.is_some() {
            return Ok(CommandResult {
                summary: self.summary(),
                query_id: request.query_id().to_owned(),
                output: String::new(),
                hosts: Vec::new(),
            });
        }
        self.start(request).await?;
        let zone = self.zone();
        let mut lines = Vec::new();
        while let Some(block) = self.next_data().await? {
            for i in 0..block.rows() {
                let cells: Vec<String> = block
                    .columns()
                    .iter()
                    .map(|c| c.value(i, zone).to_string())
                    .collect();
                lines.push(cells.join("\t"));
            }
        }
        Ok(CommandResult {
            summary: self.summary(),
            query_id: request.query_id().to_owned(),
            output: lines.join("\n"),
            hosts: Vec::new(),
        })
    }

    async fn insert(
        &mut self,
        request: &mut QueryRequest,
        target: &InsertTarget,
        source: &mut dyn BlockSource,
    ) -> Result<InsertResult> {
        let columns: Vec<String> = match source.fixed_columns() {
            Some(targets) => targets.into_iter().map(|(n, _)| n).collect(),
            None => target.columns.clone(),
        };
        request.sql = target.sql(&columns, "VALUES");
        self.start(request).await?;
        let result = insert::send_blocks(self, source).await;
        let rows = match result {
            Ok(rows) => rows,
            Err(e) => {
                // The server may be in the middle of reading data blocks: this connection cannot
                // be trusted with another query.
                self.break_off();
                return Err(e);
            }
        };
        Ok(InsertResult {
            rows,
            summary: self.summary(),
            query_id: request.query_id().to_owned(),
        })
    }

    fn is_busy(&self) -> bool {
        self.busy
    }

    fn abandon(mut self: Box<Self>) -> BoxFuture<'static, ()> {
        // The caller has moved on: its pool slot is free at once, whatever draining takes.
        self.conn.release_slot();
        Box::pin(async move {
            if self.busy && !self.broken {
                let drained = tokio::time::timeout(DRAIN_LIMIT, self.cancel_and_drain()).await;
                if !matches!(drained, Ok(Ok(()))) {
                    self.break_off();
                }
            }
            // Dropped here: back to the pool if in sync, closed otherwise.
        })
    }
}
