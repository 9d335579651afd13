//! The per-request options every request builder shares.

/// Per-query options shared by the query, command and insert builders.
macro_rules! request_options {
    ($builder:ident) => {
        impl $builder<'_> {
            /// Binds the server-side parameter `{name:Type}` to `value`.
            ///
            /// A string's bytes travel exactly, UTF-8 or not. Over HTTP, parameters too large
            /// for a URL (past 8 KiB) travel in a `multipart/form-data` body instead, as the
            /// server reads them; an insert's body is its data, so there they are an error.
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
                callback: impl Fn(&$crate::request::Progress) + Send + Sync + 'static,
            ) -> Self {
                self.request.progress = Some($crate::request::ProgressCallback(
                    std::sync::Arc::new(callback),
                ));
                self
            }

            /// Runs the query in `database` instead of the client's.
            pub fn database(mut self, database: impl Into<String>) -> Self {
                self.request.database = Some(database.into());
                self
            }

            /// Whether this request may be sent again to another host (of a client of several)
            /// after a connection failure before any answer came (for a query collected whole,
            /// such as `fetch` or `fetch_all`, before the answer's end, as no row has reached the
            /// caller yet): by default queries may, commands may not (a statement that writes
            /// could run twice), and inserts may when they carry a deduplication token.
            pub fn idempotent(mut self, idempotent: bool) -> Self {
                self.request.idempotent = Some(idempotent);
                self
            }

            /// How long this request may take in all, instead of the client's request timeout.
            /// When it passes, the call returns a timeout error at once; the server's work is
            /// stopped and the connection brought back in sync (or closed) in the background.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.request.timeout = Some(timeout);
                self
            }
        }
    };
}

pub(crate) use request_options;
