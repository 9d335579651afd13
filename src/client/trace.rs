//! Spans for requests: one `clickhouse` span per query, command and insert, at DEBUG level, with
//! what a production service wants to see (operation, query id, the SQL's first line, transport,
//! host, rows and bytes read and written, elapsed time, the server's error code). With no
//! subscriber listening, making a span costs a branch: fields are computed only when enabled.

use std::time::Instant;

use tracing::field::Empty;

use super::Client;
use crate::error::{Error, Result};
use crate::request::{CommandResult, InsertResult, QueryRequest, Summary};

/// What a finished request reports for logs.
pub(crate) trait Outcome {
    fn outcome(&self) -> (&str, &Summary);
}

impl Outcome for CommandResult {
    fn outcome(&self) -> (&str, &Summary) {
        (&self.query_id, &self.summary)
    }
}

impl Outcome for InsertResult {
    fn outcome(&self) -> (&str, &Summary) {
        (&self.query_id, &self.summary)
    }
}

/// The SQL's first line, cut to 160 characters, for logs.
fn first_line(sql: &str) -> &str {
    let line = sql.trim_start().lines().next().unwrap_or_default();
    match line.char_indices().nth(160) {
        Some((cut, _)) => &line[..cut],
        None => line,
    }
}

/// A request's span and when it began.
pub(crate) struct Traced {
    pub(crate) span: tracing::Span,
    started: Instant,
}

impl Traced {
    /// The span of a `what` (`query`, `command`, `insert`) of `client`.
    pub(crate) fn new(what: &'static str, client: &Client, request: &QueryRequest) -> Traced {
        let span = tracing::debug_span!(
            "clickhouse",
            op = what,
            sql = first_line(&request.sql),
            transport = client.transport_name(),
            host = %client.options().authority(),
            query_id = Empty,
            read_rows = Empty,
            read_bytes = Empty,
            written_rows = Empty,
            written_bytes = Empty,
            result_rows = Empty,
            elapsed_ms = Empty,
            error_code = Empty,
        );
        Traced {
            span,
            started: Instant::now(),
        }
    }

    /// Records the query id once it is known.
    pub(crate) fn query_id(&self, id: &str) {
        self.span.record("query_id", id);
    }

    /// Records a request that ended with `result`.
    pub(crate) fn done<T: Outcome>(&self, result: &Result<T>) {
        match result {
            Ok(done) => {
                let (query_id, summary) = done.outcome();
                self.query_id(query_id);
                self.finish(Some(summary), None);
            }
            Err(e) => self.finish(None, Some(e)),
        }
    }

    /// After a stream's step: when `result` ends the stream (its end, or an error), marks it
    /// `done` and records the end with the stream's `summary`.
    pub(crate) fn settle<T>(
        &self,
        result: &Result<Option<T>>,
        done: &mut bool,
        summary: impl FnOnce() -> Summary,
    ) {
        match result {
            Ok(Some(_)) => {}
            Ok(None) => {
                *done = true;
                self.finish(Some(&summary()), None);
            }
            Err(e) => {
                *done = true;
                self.finish(Some(&summary()), Some(e));
            }
        }
    }

    /// Records how the request ended.
    pub(crate) fn finish(&self, summary: Option<&Summary>, error: Option<&Error>) {
        if self.span.is_disabled() {
            return;
        }
        if let Some(s) = summary {
            self.span.record("read_rows", s.read_rows);
            self.span.record("read_bytes", s.read_bytes);
            self.span.record("written_rows", s.written_rows);
            self.span.record("written_bytes", s.written_bytes);
            self.span.record("result_rows", s.result_rows);
        }
        let elapsed = self.started.elapsed().as_millis() as u64;
        self.span.record("elapsed_ms", elapsed);
        let _entered = self.span.enter();
        match error {
            Some(e) => {
                if let Some(code) = e.server_code() {
                    self.span.record("error_code", code);
                }
                tracing::debug!(error = %e, "request failed");
            }
            None => tracing::debug!("request done"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_show_the_first_line_only() {
        assert_eq!(first_line("\n  SELECT 1\nFROM t"), "SELECT 1");
        assert_eq!(first_line(&"x".repeat(500)).len(), 160);
    }
}
