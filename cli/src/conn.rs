//! The client from the connection options.

use clickhouse_connect::Client;

use crate::cli::Connection;
use crate::fail::Failure;

/// A client for the options: the URL (with everything it says), then the flags over it.
pub(crate) fn client(options: &Connection) -> Result<Client, Failure> {
    let mut builder = Client::builder().url(options.url.as_str());
    if let Some(user) = &options.user {
        builder = builder.user(user.as_str());
    }
    if let Some(password) = &options.password {
        builder = builder.password(password.as_str());
    }
    if let Some(database) = &options.database {
        builder = builder.database(database.as_str());
    }
    for (name, value) in &options.settings {
        builder = builder.setting(name.as_str(), value);
    }
    builder.build().map_err(Failure::usage)
}

/// Whether the URL is the native protocol's (which carries only Native blocks).
pub(crate) fn is_native(options: &Connection) -> bool {
    let scheme = options.url.split("://").next().unwrap_or("");
    matches!(scheme, "tcp" | "tcps" | "clickhouse")
}
