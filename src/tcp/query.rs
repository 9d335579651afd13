//! The query flow: Query, the empty block that ends external tables, then packets until
//! EndOfStream or Exception; cancelling sends Cancel and drains.

use super::connection::unexpected;
use super::pool::Pooled;
use crate::client::{QueryRequest, QuerySummary};
use crate::error::{Error, Result};
use crate::native::Block;
use crate::native::packets::{
    self, ClientInfo, DataKind, Progress, QueryPacket, ServerPacket, revision,
};

/// A query under way on a connection.
pub(crate) struct TcpQuery {
    connection: Option<Pooled>,
    compressed: bool,
    progress: Progress,
    rows: u64,
    timezone: Option<String>,
    done: bool,
    /// Set on the copy that a cancel task owns, so that dropping it never spawns again.
    in_cancel_task: bool,
    on_progress: Option<crate::client::request::ProgressCallback>,
}

/// Builds and sends the Query packet and the empty Data block after it.
pub(crate) async fn start(
    mut connection: Pooled,
    request: &mut QueryRequest,
    mut settings: Vec<(String, String)>,
) -> Result<TcpQuery> {
    let options = connection.pool_options();
    let conn = connection.get();
    let rev = conn.revision();
    // Ask the server to answer in zstd too, where it takes settings (it defaults to LZ4).
    if matches!(
        options.compression,
        Some((crate::compression::Method::Zstd, _))
    ) && rev >= revision::SETTINGS_AS_STRINGS
        && !settings
            .iter()
            .any(|(n, _)| n == "network_compression_method")
    {
        settings.push(("network_compression_method".into(), "zstd".into()));
    }
    // JSON columns as text where the server knows the setting.
    if rev >= revision::SETTINGS_AS_STRINGS
        && conn.server().major >= 25
        && !settings
            .iter()
            .any(|(n, _)| n == "output_format_native_write_json_as_string")
    {
        settings.push((
            "output_format_native_write_json_as_string".into(),
            "1".into(),
        ));
    }
    if !settings.is_empty() && rev < revision::SETTINGS_AS_STRINGS {
        return Err(Error::invalid_input(format!(
            "per-query settings over the native protocol need protocol revision {} (ClickHouse 19.11+); this \
             server speaks {rev}: use HTTP, or `SET` in a session",
            revision::SETTINGS_AS_STRINGS
        )));
    }
    if !request.params.is_empty() && rev < revision::PARAMETERS {
        return Err(Error::invalid_input(format!(
            "server-side parameters over the native protocol need protocol revision {} (ClickHouse 22.8+); this \
             server speaks {rev}",
            revision::PARAMETERS
        )));
    }
    let wanted_db = request
        .database
        .clone()
        .unwrap_or_else(|| options.database.clone());
    if !wanted_db.is_empty() && wanted_db != conn.database {
        // A native connection has one current database: switch it for this query.
        let mut use_db = QueryRequest::new(format!(
            "USE {}",
            crate::types::backquote_if_needed(&wanted_db)
        ));
        let mut q = Box::pin(start(connection, &mut use_db, Vec::new())).await?;
        q.finish().await?;
        connection = q
            .connection
            .take()
            .ok_or_else(|| Error::connection("lost the connection"))?;
        connection.get().database = wanted_db;
    }
    let compressed = options.compression.is_some();
    let conn = connection.get();
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
    packet.write(&mut out, rev);
    packets::write_data(&mut out, &Block::new(), rev, options.compression)?;
    conn.clean = false;
    if let Err(e) = conn.send(&out).await {
        connection.discard();
        return Err(e);
    }
    let mut query = TcpQuery::new(connection, compressed);
    query.on_progress = request.progress.clone();
    Ok(query)
}

impl TcpQuery {
    /// A query just sent on `connection`.
    fn new(connection: Pooled, compressed: bool) -> Self {
        TcpQuery {
            connection: Some(connection),
            compressed,
            progress: Progress::default(),
            rows: 0,
            timezone: None,
            done: false,
            in_cancel_task: false,
            on_progress: None,
        }
    }

    /// The next packet that matters to the caller: a Data block (the header block included), or
    /// `None` at EndOfStream. Progress, profile and log packets are absorbed on the way.
    pub(crate) async fn next_data(&mut self) -> Result<Option<Block>> {
        while !self.done {
            let Some(connection) = self.connection.as_mut() else {
                return Ok(None);
            };
            let packet = match connection.get().read_packet(self.compressed).await {
                Ok(p) => p,
                Err(e) => {
                    // A broken or desynchronised connection never goes back to the pool.
                    connection.discard();
                    self.done = true;
                    return Err(e);
                }
            };
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
                    self.progress.add(&p);
                    if let Some(callback) = &self.on_progress {
                        (callback.0)(&self.progress);
                    }
                }
                ServerPacket::ProfileInfo(_)
                | ServerPacket::Log(_)
                | ServerPacket::ProfileEvents(_) => {}
                ServerPacket::TableColumns(_) => {}
                ServerPacket::TimezoneUpdate(tz) => self.timezone = Some(tz),
                ServerPacket::EndOfStream => {
                    self.done = true;
                    connection.get().clean = true;
                }
                ServerPacket::Exception(e) => {
                    // The exception ends the query; the connection is in a clean state.
                    self.done = true;
                    connection.get().clean = true;
                    return Err(connection.get().server_error(e));
                }
                other => {
                    connection.discard();
                    self.done = true;
                    return Err(unexpected(&other, "a query's packets"));
                }
            }
        }
        Ok(None)
    }

    /// Reads to the end, discarding blocks.
    pub(crate) async fn finish(&mut self) -> Result<()> {
        while self.next_data().await?.is_some() {}
        Ok(())
    }

    /// The summed progress as a summary.
    pub(crate) fn summary(&self) -> QuerySummary {
        QuerySummary {
            read_rows: self.progress.read_rows,
            read_bytes: self.progress.read_bytes,
            written_rows: self.progress.written_rows,
            written_bytes: self.progress.written_bytes,
            total_rows_to_read: self.progress.total_rows_to_read,
            result_rows: self.rows,
            result_bytes: 0,
            elapsed_ns: self.progress.elapsed_ns,
        }
    }

    /// The session time zone: the one the server last announced, else the server's own.
    pub(crate) fn timezone(&mut self) -> Option<String> {
        if let Some(tz) = &self.timezone {
            return Some(tz.clone());
        }
        self.connection
            .as_mut()
            .and_then(|c| c.get().server().timezone.clone())
    }

    /// The connection, for the insert flow that continues on it.
    pub(crate) fn connection(&mut self) -> Option<&mut Pooled> {
        self.connection.as_mut()
    }

    /// Closes the connection instead of returning it to the pool, and ends the query.
    pub(crate) fn abandon(&mut self) {
        if let Some(c) = self.connection.as_mut() {
            c.discard();
        }
        self.done = true;
    }

    /// Sends Cancel and reads until the query ends, so the connection goes back clean.
    pub(crate) async fn cancel(&mut self) -> Result<()> {
        if self.done {
            return Ok(());
        }
        let Some(connection) = self.connection.as_mut() else {
            return Ok(());
        };
        let mut out = Vec::new();
        packets::write_cancel(&mut out);
        if let Err(e) = connection.get().send(&out).await {
            connection.discard();
            self.done = true;
            return Err(e);
        }
        match self.finish().await {
            // A cancelled query may end with an exception (QUERY_WAS_CANCELLED): that is the goal.
            Ok(()) => Ok(()),
            Err(e) if e.server().is_some() => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl Drop for TcpQuery {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if self.in_cancel_task {
            if let Some(c) = self.connection.as_mut() {
                c.discard();
            }
            return;
        }
        // Dropped mid-query: cancel on the runtime so the server stops and the connection can
        // be reused; without a runtime the connection is closed instead (that stops it too).
        let Some(connection) = self.connection.take() else {
            return;
        };
        let mut rest = TcpQuery::new(connection, self.compressed);
        rest.in_cancel_task = true;
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    let _ = rest.cancel().await;
                });
            }
            Err(_) => {
                if let Some(c) = rest.connection.as_mut() {
                    c.discard();
                }
                rest.done = true;
            }
        }
    }
}
