//! [`ServerInfo`]: who the server is, and every rule that depends on its version, in one place.

use chrono_tz::Tz;

use super::QueryRequest;
use crate::error::{Error, Result};
use crate::native::packets::revision;

/// Asks for JSON columns as one document per row.
pub(crate) const JSON_AS_STRING: &str = "output_format_native_write_json_as_string";

/// What the server told about itself: over TCP in its hello, over HTTP in answer to `SELECT
/// version(), timezone()` (asked once per client).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerInfo {
    /// The version as the server spells it (`26.9.2.1`, `18.16.1`).
    pub version: String,
    /// Major version (`26`).
    pub major: u32,
    /// Minor version (`9`).
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
    /// The native protocol revision both sides speak (TCP); 0 over HTTP, whose `Native` format
    /// is always revision 0.
    pub revision: u64,
    /// The server's time zone.
    pub timezone: Tz,
    /// The server's display name (TCP; over HTTP its host name).
    pub display_name: String,
}

/// Which wire a request travels on, for the rules that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    Http,
    Native,
}

impl ServerInfo {
    /// The server of `version` (`major.minor[.patch[.build]]`).
    pub(crate) fn new(version: &str, revision: u64, timezone: Tz, display_name: String) -> Self {
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        ServerInfo {
            version: version.to_owned(),
            major: parts.next().unwrap_or(0),
            minor: parts.next().unwrap_or(0),
            patch: parts.next().unwrap_or(0),
            revision,
            timezone,
            display_name,
        }
    }

    /// Servers before 20.x write the dictionary part of an empty LowCardinality slice
    /// (`Array(LowCardinality(T))` whose arrays are all empty) in the Native format.
    pub(crate) fn writes_empty_low_cardinality_bodies(&self) -> bool {
        self.major > 0 && self.major < 20
    }

    /// Servers from 25.x know `output_format_native_write_json_as_string`.
    pub(crate) fn knows_json_as_string(&self) -> bool {
        self.major >= 25
    }

    /// Servers from 20.x answer `compress=1` with ClickHouse frames (the Debian 18.16 build
    /// answers with an empty body, so older ones get HTTP gzip instead).
    pub(crate) fn frames_http_responses(&self) -> bool {
        self.major >= 20
    }

    /// Per-query settings over the native protocol: revision 54429 (ClickHouse 19.11).
    pub(crate) fn takes_native_settings(&self) -> bool {
        self.revision >= revision::SETTINGS_AS_STRINGS
    }

    /// Server-side parameters over the native protocol: revision 54459 (ClickHouse 22.8).
    pub(crate) fn takes_native_parameters(&self) -> bool {
        self.revision >= revision::PARAMETERS
    }

    /// Servers from 26.5 read an INSERT's inline data (`VALUES (...)`, `FORMAT X <data>`) sent
    /// over the native protocol themselves when the query sets
    /// `send_table_structure_on_insert_with_inline_data = 0`; older ones answer with the table's
    /// structure and wait for blocks.
    pub(crate) fn reads_inline_insert_data(&self) -> bool {
        (self.major, self.minor) >= (26, 5)
    }

    /// `insert_deduplication_token`: ClickHouse 22.2 on. (Older servers deduplicate a retried
    /// insert into a Replicated table by the blocks' contents alone.)
    pub(crate) fn takes_insert_deduplication_token(&self) -> bool {
        (self.major, self.minor) >= (22, 2)
    }

    /// Asynchronous inserts (`async_insert`, `wait_for_async_insert`): ClickHouse 21.11 on.
    pub(crate) fn takes_async_insert(&self) -> bool {
        (self.major, self.minor) >= (21, 11)
    }

    /// Server-side parameters over HTTP (`param_<name>`): ClickHouse 19.x on (18.x reads them
    /// as unknown settings).
    pub(crate) fn takes_http_parameters(&self) -> bool {
        self.major >= 19
    }

    /// The settings a query carries: the client's unless the query overrides them, the query's,
    /// and the ones the client asks for itself where the server knows them (JSON columns as
    /// text, which is what the client reads fastest, when the answer is `Native`).
    pub(crate) fn query_settings(
        &self,
        client: &[(String, String)],
        request: &QueryRequest,
        native_answer: bool,
    ) -> Vec<(String, String)> {
        let mut settings: Vec<(String, String)> = client
            .iter()
            .filter(|(name, _)| !request.has_setting(name))
            .cloned()
            .collect();
        settings.extend(request.settings.iter().cloned());
        if native_answer
            && self.knows_json_as_string()
            && !settings.iter().any(|(n, _)| n == JSON_AS_STRING)
        {
            settings.push((JSON_AS_STRING.into(), "1".into()));
        }
        settings
    }

    /// Refuses, before anything is sent, what this server cannot take on `wire`, saying what
    /// works instead (instead of the server dropping it or failing with a puzzling message).
    pub(crate) fn check(&self, wire: Wire, request: &QueryRequest, settings: bool) -> Result<()> {
        match wire {
            Wire::Native if settings && !self.takes_native_settings() => {
                Err(Error::invalid_input(format!(
                    "per-query settings over the native protocol need protocol revision {} \
                     (ClickHouse 19.11+); this server ({}) speaks {}: use HTTP, or the SQL \
                     `SETTINGS` clause",
                    revision::SETTINGS_AS_STRINGS,
                    self.version,
                    self.revision
                )))
            }
            Wire::Native if !request.params.is_empty() && !self.takes_native_parameters() => {
                Err(Error::invalid_input(format!(
                    "server-side parameters over the native protocol need protocol revision {} \
                     (ClickHouse 22.8+); this server ({}) speaks {}: write the values into the \
                     SQL as literals",
                    revision::PARAMETERS,
                    self.version,
                    self.revision
                )))
            }
            Wire::Http if !request.params.is_empty() && !self.takes_http_parameters() => {
                Err(Error::invalid_input(format!(
                    "server-side parameters need ClickHouse 19.x or newer; this server is {}: \
                     write the values into the SQL as literals",
                    self.version
                )))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_rules() {
        let old = ServerInfo::new("18.16.1", 54413, Tz::UTC, String::new());
        assert_eq!((old.major, old.minor, old.patch), (18, 16, 1));
        assert!(old.writes_empty_low_cardinality_bodies());
        assert!(!old.frames_http_responses() && !old.knows_json_as_string());
        assert!(!old.takes_native_settings() && !old.takes_http_parameters());
        assert!(!old.reads_inline_insert_data());
        assert!(
            !ServerInfo::new("26.4.1.1", 54477, Tz::UTC, String::new()).reads_inline_insert_data()
        );
        assert!(
            ServerInfo::new("26.5.1.1", 54477, Tz::UTC, String::new()).reads_inline_insert_data()
        );
        let new = ServerInfo::new("26.9.2.1", 0, Tz::UTC, String::new());
        assert!(!new.writes_empty_low_cardinality_bodies());
        assert!(new.frames_http_responses() && new.knows_json_as_string());

        let mut request = QueryRequest::new("SELECT {x:UInt8}");
        request.param("x", 1u8);
        let err = old.check(Wire::Http, &request, false).unwrap_err();
        assert!(err.to_string().contains("18.16.1"), "{err}");
        assert!(old.check(Wire::Native, &request, false).is_err());
        assert!(new.check(Wire::Http, &request, true).is_ok());
    }

    #[test]
    fn the_query_overrides_the_client_and_json_is_asked_as_text() {
        let new = ServerInfo::new("26.9.2.1", 0, Tz::UTC, String::new());
        let mut request = QueryRequest::new("SELECT 1");
        request.setting("max_threads", 2);
        let client = [
            ("max_threads".to_owned(), "8".to_owned()),
            ("readonly".to_owned(), "1".to_owned()),
        ];
        let settings = new.query_settings(&client, &request, true);
        assert_eq!(
            settings,
            [
                ("readonly".to_owned(), "1".to_owned()),
                ("max_threads".to_owned(), "2".to_owned()),
                (JSON_AS_STRING.to_owned(), "1".to_owned()),
            ]
        );
        assert_eq!(new.query_settings(&[], &request, false).len(), 1);
    }
}
