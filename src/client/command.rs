//! `Client::command`: statements that return no rows.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use super::Client;
use super::client::Transport;
use super::request::{QueryRequest, request_options};
use super::summary::QuerySummary;
use crate::error::Result;
use crate::http::Body;

/// A statement waiting to be sent; set options, then `.await` it.
#[must_use = "a command does nothing until it is awaited"]
pub struct Command {
    client: Client,
    request: QueryRequest,
}

/// What a command returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResult {
    /// Rows and bytes read and written.
    pub summary: QuerySummary,
    /// The query id.
    pub query_id: String,
    /// The text the server answered (TSV), without the trailing newline; empty for DDL.
    pub output: String,
}

impl CommandResult {
    /// The single value the server answered, if it answered exactly one.
    pub fn scalar(&self) -> Option<&str> {
        (!self.output.is_empty() && !self.output.contains(['\t', '\n']))
            .then_some(self.output.as_str())
    }
}

request_options!(Command);

impl Command {
    pub(crate) fn new(client: Client, sql: String) -> Self {
        Command {
            client,
            request: QueryRequest::new(sql),
        }
    }

    async fn run(mut self) -> Result<CommandResult> {
        let client = self.client.clone();
        match client.transport() {
            Transport::Http(http) => {
                // The whole answer is produced before it is sent, so a failure is an error status.
                self.request.setting("wait_end_of_query", 1);
                let response = http
                    .send(&mut self.request, Body::Sql, "TabSeparated", false)
                    .await?;
                let summary = response.summary();
                let query_id = response.query_id().map(str::to_owned);
                let output = response.text().await?;
                Ok(CommandResult {
                    summary,
                    query_id: query_id.unwrap_or_else(|| self.request.query_id().to_owned()),
                    output: output.strip_suffix('\n').unwrap_or(&output).to_owned(),
                })
            }
            Transport::Tcp(tcp) => {
                let mut query = tcp.query(&mut self.request).await?;
                let mut lines = Vec::new();
                let zone = chrono_tz::Tz::UTC;
                while let Some(block) = query.next_data().await? {
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
                    summary: query.summary(),
                    query_id: self.request.query_id().to_owned(),
                    output: lines.join("\n"),
                })
            }
        }
    }
}

impl IntoFuture for Command {
    type Output = Result<CommandResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
