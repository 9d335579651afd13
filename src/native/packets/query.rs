//! Query: the statement, who sends it (client info), its settings and parameters.

use super::{client_code, revision};
use crate::wire::{put_bytes, put_varuint};

/// Who is asking, as the server logs it (`system.query_log`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientInfo {
    /// The client's name (must equal the one in Hello).
    pub client_name: String,
    /// Major version (as in Hello).
    pub major: u64,
    /// Minor version (as in Hello).
    pub minor: u64,
    /// Patch version.
    pub patch: u64,
    /// The local user name.
    pub os_user: String,
    /// The local host name.
    pub hostname: String,
    /// `ip:port` of the client's socket.
    pub address: String,
}

/// The Query packet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryPacket {
    /// The query id ("" lets the server choose one).
    pub query_id: String,
    /// Who is asking.
    pub client_info: ClientInfo,
    /// Settings for this query, in their text form.
    pub settings: Vec<(String, String)>,
    /// Whether Data blocks are compressed both ways.
    pub compression: bool,
    /// The SQL text.
    pub sql: String,
    /// Server-side parameters, in their text form (unquoted): bytes, sent exactly.
    pub parameters: Vec<(String, Vec<u8>)>,
}

/// Flag of a setting the server must know.
const SETTING_IMPORTANT: u64 = 0x01;
/// Flag of a custom (quoted-literal) value, used for parameters.
const SETTING_CUSTOM: u64 = 0x02;
/// Stage `Complete`.
const STAGE_COMPLETE: u64 = 2;

/// `'text'` with backslash and quote escaped, as parameters travel in the Query packet; other
/// bytes pass exactly.
fn quoted(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(b'\'');
    for &b in text {
        if b == b'\\' || b == b'\'' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'\'');
    out
}

impl QueryPacket {
    /// Appends the packet for a server at `revision` (negotiated). Settings need 54429+ and
    /// parameters 54459+; the caller checks that before sending any.
    pub fn write(&self, out: &mut Vec<u8>, revision: u64) {
        put_varuint(out, client_code::QUERY);
        put_bytes(out, self.query_id.as_bytes());
        if revision >= revision::CLIENT_INFO {
            self.write_client_info(out, revision);
        }
        if revision >= revision::SETTINGS_AS_STRINGS {
            for (name, value) in &self.settings {
                put_bytes(out, name.as_bytes());
                put_varuint(out, SETTING_IMPORTANT);
                put_bytes(out, value.as_bytes());
            }
        }
        put_bytes(out, b"");
        if revision >= revision::INTERSERVER_SECRET {
            put_bytes(out, b"");
        }
        put_varuint(out, STAGE_COMPLETE);
        put_varuint(out, u64::from(self.compression));
        put_bytes(out, self.sql.as_bytes());
        if revision >= revision::PARAMETERS {
            for (name, value) in &self.parameters {
                put_bytes(out, name.as_bytes());
                put_varuint(out, SETTING_CUSTOM);
                put_bytes(out, &quoted(value));
            }
            put_bytes(out, b"");
        }
    }

    fn write_client_info(&self, out: &mut Vec<u8>, revision: u64) {
        let info = &self.client_info;
        out.push(1); // query kind: initial query
        put_bytes(out, b""); // initial user
        put_bytes(out, b""); // initial query id
        put_bytes(out, info.address.as_bytes());
        if revision >= revision::INITIAL_QUERY_START_TIME {
            out.extend_from_slice(&0u64.to_le_bytes());
        }
        out.push(1); // interface: TCP
        put_bytes(out, info.os_user.as_bytes());
        put_bytes(out, info.hostname.as_bytes());
        put_bytes(out, info.client_name.as_bytes());
        put_varuint(out, info.major);
        put_varuint(out, info.minor);
        put_varuint(out, super::CLIENT_REVISION);
        if revision >= revision::QUOTA_KEY_IN_CLIENT_INFO {
            put_bytes(out, b"");
        }
        if revision >= revision::DISTRIBUTED_DEPTH {
            put_varuint(out, 0);
        }
        if revision >= revision::VERSION_PATCH {
            put_varuint(out, info.patch);
        }
        if revision >= revision::OPENTELEMETRY {
            out.push(0); // no trace context
        }
        if revision >= revision::PARALLEL_REPLICAS {
            put_varuint(out, 0);
            put_varuint(out, 0);
            put_varuint(out, 0);
        }
    }
}
