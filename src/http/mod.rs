//! http: the HTTP transport over reqwest.
//!
//! Owns building requests (URL parameters for settings, server-side parameters, session, query
//! id, compression), turning error responses into the server's exception, and reading response
//! bodies chunk by chunk through HTTP decoding and ClickHouse frames, watching for exceptions the
//! server writes into a stream that had started well. It knows nothing of blocks or values.

mod exception;
mod response;
mod transport;

pub(crate) use response::HttpResponse;
pub(crate) use transport::{Body, HttpTransport, stream_body};
