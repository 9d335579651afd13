//! [`QueryRequest`]: one statement with its per-query options, independent of the transport.

use std::sync::Arc;
use std::time::Duration;

use super::Progress;
use crate::value::Value;

/// A progress callback: called with the totals so far.
#[derive(Clone)]
pub(crate) struct ProgressCallback(pub(crate) Arc<dyn Fn(&Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressCallback")
    }
}

/// One statement with its per-query options.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryRequest {
    /// The SQL text.
    pub(crate) sql: String,
    /// Server-side parameters, already rendered to their text form (bytes: strings need not
    /// be UTF-8).
    pub(crate) params: Vec<(String, Vec<u8>)>,
    /// Settings for this query only; they override the client's.
    pub(crate) settings: Vec<(String, String)>,
    /// The query id (generated when the caller gives none).
    pub(crate) query_id: Option<String>,
    /// The session to run in.
    pub(crate) session_id: Option<String>,
    /// The database to run in, instead of the client's.
    pub(crate) database: Option<String>,
    /// Called as the server reports progress.
    pub(crate) progress: Option<ProgressCallback>,
    /// How long the whole request may take, instead of the client's request timeout.
    pub(crate) timeout: Option<Duration>,
    /// What the server last reported for this request in its answer's headers (HTTP: its
    /// summary, else its last progress), whether the answer was a success or an error.
    pub(crate) server_summary: Option<super::Summary>,
    /// Whether the request may be sent again (to another host) after a connection failure;
    /// `None`: the builder's default (queries yes, commands no, inserts with a deduplication
    /// token).
    pub(crate) idempotent: Option<bool>,
}

impl QueryRequest {
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        QueryRequest {
            sql: sql.into(),
            ..Default::default()
        }
    }

    pub(crate) fn param(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        let name = name.into();
        let text = super::params::render(&value.into());
        self.params.retain(|(n, _)| *n != name);
        self.params.push((name, text));
    }

    pub(crate) fn setting(&mut self, name: impl Into<String>, value: impl ToString) {
        let name = name.into();
        self.settings.retain(|(n, _)| *n != name);
        self.settings.push((name, value.to_string()));
    }

    /// Whether this query sets `name` itself.
    pub(crate) fn has_setting(&self, name: &str) -> bool {
        self.settings.iter().any(|(n, _)| n == name)
    }

    /// The query id, generating one the first time it is asked for.
    pub(crate) fn query_id(&mut self) -> &str {
        self.query_id
            .get_or_insert_with(|| uuid::Uuid::new_v4().to_string())
    }

    /// Reports progress totals to the caller's callback, if any.
    pub(crate) fn report(&self, progress: &Progress) {
        if let Some(callback) = &self.progress {
            (callback.0)(progress);
        }
    }
}
