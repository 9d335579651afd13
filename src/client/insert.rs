//! `Client::insert*`: rows, blocks and streams into a table, sent as the body is produced.
//!
//! The target columns' types come from `DESCRIBE TABLE`. Rows are turned into blocks of at most
//! `insert_block_rows` rows (or about `insert_block_bytes` bytes), each encoded, compressed and
//! sent before the next is built, so memory stays at about one block. A row that does not fit its
//! columns stops the insert with an error naming the row and the column; blocks sent before it
//! may already be stored by the server.

use std::future::{Future, IntoFuture};
use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};

use super::Client;
use super::client::Transport;
use super::request::{QueryRequest, request_options};
use super::summary::QuerySummary;
use crate::column::Column;
use crate::compression::{self, Compression, Method};
use crate::error::{Error, Result};
use crate::http::{Body, stream_body};
use crate::native::Block;
use crate::types::{DataType, backquote_if_needed};
use crate::value::Value;

/// A row to insert: `Vec<Value>`, or a tuple of values that convert into [`Value`].
pub trait InsertRow: Send + 'static {
    /// The row's values, in column order.
    fn into_values(self) -> Vec<Value>;
}

impl InsertRow for Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self
    }
}

macro_rules! insert_row_tuple {
    ($($name:ident),+) => {
        impl<$($name: Into<Value> + Send + 'static),+> InsertRow for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_values(self) -> Vec<Value> {
                let ($($name,)+) = self;
                vec![$($name.into()),+]
            }
        }
    };
}

insert_row_tuple!(A);
insert_row_tuple!(A, B);
insert_row_tuple!(A, B, C);
insert_row_tuple!(A, B, C, D);
insert_row_tuple!(A, B, C, D, E);
insert_row_tuple!(A, B, C, D, E, F);
insert_row_tuple!(A, B, C, D, E, F, G);
insert_row_tuple!(A, B, C, D, E, F, G, H);
insert_row_tuple!(A, B, C, D, E, F, G, H, I);
insert_row_tuple!(A, B, C, D, E, F, G, H, I, J);

/// What an insert sent and the server stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertResult {
    /// Rows sent by the client.
    pub rows: u64,
    /// The server's summary (`written_rows` is what it stored; zero on servers without summaries).
    pub summary: QuerySummary,
    /// The query id.
    pub query_id: String,
}

enum Source {
    Rows(BoxStream<'static, Vec<Value>>),
    Block(Block),
}

/// An insert waiting to be sent; set options, then `.await` it.
#[must_use = "an insert does nothing until it is awaited"]
pub struct Insert {
    client: Client,
    table: String,
    columns: Vec<String>,
    source: Source,
    request: QueryRequest,
}

request_options!(Insert);

impl Insert {
    fn new(client: Client, table: &str, columns: Vec<String>, source: Source) -> Self {
        Insert {
            client,
            table: table.to_owned(),
            columns,
            source,
            request: QueryRequest::default(),
        }
    }

    pub(crate) fn from_iter<R, I>(client: Client, table: &str, columns: &[&str], rows: I) -> Self
    where
        R: InsertRow,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send + 'static,
    {
        let rows = stream::iter(rows).map(InsertRow::into_values).boxed();
        Insert::new(
            client,
            table,
            columns.iter().map(|c| (*c).to_owned()).collect(),
            Source::Rows(rows),
        )
    }

    pub(crate) fn from_stream<R, S>(client: Client, table: &str, columns: &[&str], rows: S) -> Self
    where
        R: InsertRow,
        S: Stream<Item = R> + Send + 'static,
    {
        let rows = rows.map(InsertRow::into_values).boxed();
        Insert::new(
            client,
            table,
            columns.iter().map(|c| (*c).to_owned()).collect(),
            Source::Rows(rows),
        )
    }

    pub(crate) fn from_block(client: Client, table: &str, block: Block) -> Self {
        let columns = block.names().to_vec();
        Insert::new(client, table, columns, Source::Block(block))
    }

    /// The insertable columns of the table (or the named ones), with their types.
    async fn target_columns(
        http: &crate::http::HttpTransport,
        table: &str,
        columns: &[String],
        request: &QueryRequest,
    ) -> Result<Vec<(String, DataType)>> {
        let mut describe = QueryRequest::new(format!("DESCRIBE TABLE {table}"));
        describe.session_id = request.session_id.clone();
        describe.database = request.database.clone();
        let text = http
            .send(&mut describe, Body::Sql, "TabSeparated", false)
            .await?
            .text()
            .await?;
        let mut all = Vec::new();
        for line in text.lines() {
            let fields: Vec<String> = line.split('\t').map(unescape_tsv).collect();
            let (Some(name), Some(type_text)) = (fields.first(), fields.get(1)) else {
                continue;
            };
            let kind = fields.get(2).map(String::as_str).unwrap_or_default();
            if kind == "MATERIALIZED" || kind == "ALIAS" {
                continue;
            }
            all.push((name.clone(), DataType::parse(type_text)?));
        }
        if columns.is_empty() {
            return Ok(all);
        }
        columns
            .iter()
            .map(|name| {
                all.iter().find(|(n, _)| n == name).cloned().ok_or_else(|| {
                    Error::invalid_input(format!("table {table} has no insertable column `{name}`"))
                })
            })
            .collect()
    }

    async fn run(mut self) -> Result<InsertResult> {
        let options = self.client.options().clone();
        let source = std::mem::replace(&mut self.source, Source::Block(Block::new()));
        let mut blocks: Box<dyn BlockSource> = match source {
            Source::Block(block) => Box::new(OneBlock(Some(block))),
            Source::Rows(rows) => Box::new(BlockBuilder {
                rows,
                max_rows: options.insert_block_rows,
                max_bytes: options.insert_block_bytes,
                row_number: 0,
            }),
        };
        let client = self.client.clone();
        match client.transport() {
            Transport::Http(http) => {
                let targets = match blocks.fixed_columns() {
                    Some(targets) => targets,
                    None => {
                        Self::target_columns(http, &self.table, &self.columns, &self.request)
                            .await?
                    }
                };
                let column_list: Vec<String> = targets
                    .iter()
                    .map(|(n, _)| backquote_if_needed(n))
                    .collect();
                self.request.sql = format!(
                    "INSERT INTO {} ({}) FORMAT Native",
                    self.table,
                    column_list.join(", ")
                );
                self.run_http(http, targets, blocks, options.compression)
                    .await
            }
            Transport::Tcp(tcp) => {
                let columns: Vec<String> = match blocks.fixed_columns() {
                    Some(targets) => targets.into_iter().map(|(n, _)| n).collect(),
                    None => self.columns.clone(),
                };
                let column_list: Vec<String> =
                    columns.iter().map(|n| backquote_if_needed(n)).collect();
                self.request.sql = if column_list.is_empty() {
                    format!("INSERT INTO {} VALUES", self.table)
                } else {
                    format!(
                        "INSERT INTO {} ({}) VALUES",
                        self.table,
                        column_list.join(", ")
                    )
                };
                let (rows, summary) =
                    crate::tcp::insert(tcp, &mut self.request, blocks.as_mut()).await?;
                Ok(InsertResult {
                    rows,
                    summary,
                    query_id: self.request.query_id().to_owned(),
                })
            }
        }
    }

    async fn run_http(
        &mut self,
        http: &crate::http::HttpTransport,
        targets: Vec<(String, DataType)>,
        blocks: Box<dyn BlockSource>,
        compression: Compression,
    ) -> Result<InsertResult> {
        let failure: Arc<Mutex<Option<Error>>> = Arc::default();
        let rows_sent = Arc::new(AtomicU64::new(0));
        let encoder = Encoder { compression };
        let state = (blocks, targets, failure.clone(), rows_sent.clone());
        let body = stream_body(stream::unfold(Some(state), move |state| async move {
            let (mut blocks, targets, failure, rows_sent) = state?;
            let next = match blocks.next_block(&targets).await {
                Ok(Some(block)) => {
                    rows_sent.fetch_add(block.rows() as u64, Ordering::Relaxed);
                    encoder.encode(&block).map(Some)
                }
                other => other.map(|_| None),
            };
            match next {
                Ok(Some(bytes)) => Some((Ok(bytes), Some((blocks, targets, failure, rows_sent)))),
                Ok(None) => None,
                Err(e) => {
                    let shown = Error::invalid_input(e.to_string());
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    Some((Err(shown), None))
                }
            }
        }));
        let sent = http
            .send(&mut self.request, Body::Data(body), "TabSeparated", false)
            .await;
        if let Some(e) = failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        let response = sent?;
        let summary = response.summary();
        let query_id = response
            .query_id()
            .map(str::to_owned)
            .unwrap_or_else(|| self.request.query_id().to_owned());
        response.text().await?;
        Ok(InsertResult {
            rows: rows_sent.load(Ordering::Relaxed),
            summary,
            query_id,
        })
    }
}

impl IntoFuture for Insert {
    type Output = Result<InsertResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// Encodes blocks as a request body: Native, then the client's compression.
#[derive(Clone, Copy)]
struct Encoder {
    compression: Compression,
}

impl Encoder {
    fn encode(&self, block: &Block) -> Result<Bytes> {
        let mut native = Vec::with_capacity(block.byte_size() + 1024);
        block.write(&mut native, 0);
        let framed = match self.compression {
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
}

/// Produces the blocks of an insert, given the target columns and their types.
pub(crate) trait BlockSource: Send {
    /// The columns the blocks already have (a block insert), if they are fixed.
    fn fixed_columns(&self) -> Option<Vec<(String, DataType)>> {
        None
    }

    /// The next block of the target columns, `None` when there is no more data.
    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> Pin<Box<dyn Future<Output = Result<Option<Block>>> + Send + 'a>>;
}

/// A block given whole.
struct OneBlock(Option<Block>);

impl BlockSource for OneBlock {
    fn fixed_columns(&self) -> Option<Vec<(String, DataType)>> {
        self.0
            .as_ref()
            .map(|b| b.names().iter().cloned().zip(b.types().cloned()).collect())
    }

    fn next_block<'a>(
        &'a mut self,
        _targets: &'a [(String, DataType)],
    ) -> Pin<Box<dyn Future<Output = Result<Option<Block>>> + Send + 'a>> {
        let block = self.0.take();
        Box::pin(async move { Ok(block) })
    }
}

/// Pulls rows into blocks of the target columns.
struct BlockBuilder {
    rows: BoxStream<'static, Vec<Value>>,
    max_rows: usize,
    max_bytes: usize,
    row_number: u64,
}

impl BlockSource for BlockBuilder {
    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> Pin<Box<dyn Future<Output = Result<Option<Block>>> + Send + 'a>> {
        Box::pin(self.build(targets))
    }
}

impl BlockBuilder {
    async fn build(&mut self, targets: &[(String, DataType)]) -> Result<Option<Block>> {
        let mut columns: Vec<Column> = targets
            .iter()
            .map(|(_, t)| Column::empty(t.clone()))
            .collect::<Result<_>>()?;
        let mut count = 0;
        while count < self.max_rows {
            let Some(values) = self.rows.next().await else {
                break;
            };
            if values.len() != columns.len() {
                return Err(Error::invalid_input(format!(
                    "row {} has {} values for {} columns",
                    self.row_number,
                    values.len(),
                    columns.len()
                )));
            }
            for ((column, value), (name, data_type)) in columns.iter_mut().zip(&values).zip(targets)
            {
                column.push_value(value).map_err(|e| {
                    Error::invalid_input(format!(
                        "row {}, column `{name}` ({data_type}): {e}",
                        self.row_number
                    ))
                })?;
            }
            self.row_number += 1;
            count += 1;
            // Checking the size is cheap next to converting a row; do it every 256 rows.
            if count % 256 == 0
                && columns.iter().map(Column::byte_size).sum::<usize>() >= self.max_bytes
            {
                break;
            }
        }
        if count == 0 {
            return Ok(None);
        }
        let mut block = Block::new();
        for (column, (name, _)) in columns.into_iter().zip(targets) {
            block.push(name.clone(), column)?;
        }
        Ok(Some(block))
    }
}

/// Undoes TSV escaping (`\t`, `\n`, `\\`, ...).
fn unescape_tsv(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
