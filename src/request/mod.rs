//! request: what both transports share, below them and above the codec.
//!
//! Owns what a caller asks of a server ([`QueryRequest`], the client's [`Options`], an insert's
//! [`InsertTarget`] and [`BlockSource`]), what comes back whatever the transport ([`Summary`],
//! the client-level [`Progress`], [`CommandResult`], [`InsertResult`]), [`ServerInfo`] (every
//! rule that depends on the server's version, in one place), and the one transport contract
//! ([`Transport`], [`Link`]) that `http/` and `tcp/` implement. It performs no I/O itself.

mod insert;
mod options;
mod params;
mod progress;
mod query;
mod results;
mod server_info;
mod summary;
mod transport;

pub(crate) use insert::{BlockSource, InsertTarget};
pub use options::{HostOrder, HostStatus};
pub(crate) use options::{Options, Secret};
pub(crate) use query::{ProgressCallback, QueryRequest};
pub(crate) use server_info::Wire;
pub(crate) use transport::{DRAIN_LIMIT, Link, Started, Transport};

pub use progress::Progress;
pub use results::{CommandResult, HostOutcome, InsertResult};
pub use server_info::ServerInfo;
pub use summary::Summary;
