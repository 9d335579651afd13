//! http: the HTTP transport over reqwest.
//!
//! Owns building requests (URL parameters for settings, server-side parameters, session, query
//! id, compression), turning error answers into the server's exception, reading response bodies
//! chunk by chunk through HTTP decoding and ClickHouse frames into blocks (watching for
//! exceptions the server writes into a stream that had started well), the insert body, and
//! stopping queries with `KILL QUERY`. It implements the [`request`](crate::request) contract
//! and knows nothing of the client above it.

pub(crate) mod exception;
mod insert;
mod kept;
mod link;
mod response;
mod transport;

pub(crate) use transport::HttpTransport;
