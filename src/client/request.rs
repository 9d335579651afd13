//! What a caller asks of the server, independent of the transport.

use std::sync::Arc;

use crate::native::packets::Progress;
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
    /// Server-side parameters, already rendered to their text form.
    pub(crate) params: Vec<(String, String)>,
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

    /// The query id, generating one the first time it is asked for.
    pub(crate) fn query_id(&mut self) -> &str {
        self.query_id
            .get_or_insert_with(|| uuid::Uuid::new_v4().to_string())
    }
}

/// Per-query options shared by the query, command and insert builders.
macro_rules! request_options {
    ($builder:ident) => {
        impl $builder {
            /// Binds the server-side parameter `{name:Type}` to `value`.
            pub fn param(
                mut self,
                name: impl Into<String>,
                value: impl Into<$crate::value::Value>,
            ) -> Self {
                self.request.param(name, value);
                self
            }

            /// Applies a setting to this query only.
            pub fn setting(mut self, name: impl Into<String>, value: impl ToString) -> Self {
                self.request.setting(name, value);
                self
            }

            /// Sets the query id (by default a random UUID).
            pub fn query_id(mut self, id: impl Into<String>) -> Self {
                self.request.query_id = Some(id.into());
                self
            }

            /// Runs the query in a session (settings and temporary tables persist in it).
            pub fn session_id(mut self, id: impl Into<String>) -> Self {
                self.request.session_id = Some(id.into());
                self
            }

            /// Calls `callback` with the totals so far each time the server reports progress
            /// (Progress packets over TCP; `X-ClickHouse-Progress` headers over HTTP, which the
            /// server sends until the first byte of the result).
            pub fn on_progress(
                mut self,
                callback: impl Fn(&$crate::native::packets::Progress) + Send + Sync + 'static,
            ) -> Self {
                self.request.progress = Some($crate::client::request::ProgressCallback(
                    std::sync::Arc::new(callback),
                ));
                self
            }

            /// Runs the query in `database` instead of the client's.
            pub fn database(mut self, database: impl Into<String>) -> Self {
                self.request.database = Some(database.into());
                self
            }
        }
    };
}

pub(crate) use request_options;
