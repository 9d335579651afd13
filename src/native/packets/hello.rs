//! Hello: the client's greeting (with the addendum) and the server's answer.

use super::{CLIENT_REVISION, client_code, revision};
use crate::wire::{ReadResult, Reader, put_bytes, put_varuint};

/// The client's greeting. Its `Debug` leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// The client's name, sent again in every query's client info.
    pub client_name: String,
    /// Major version of the client.
    pub major: u64,
    /// Minor version of the client.
    pub minor: u64,
    /// The default database ("" for the user's default).
    pub database: String,
    /// The user.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for ClientHello {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHello")
            .field("client_name", &self.client_name)
            .field("major", &self.major)
            .field("minor", &self.minor)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl ClientHello {
    /// Appends the Hello packet.
    pub fn write(&self, out: &mut Vec<u8>) {
        put_varuint(out, client_code::HELLO);
        put_bytes(out, self.client_name.as_bytes());
        put_varuint(out, self.major);
        put_varuint(out, self.minor);
        put_varuint(out, CLIENT_REVISION);
        put_bytes(out, self.database.as_bytes());
        put_bytes(out, self.user.as_bytes());
        put_bytes(out, self.password.as_bytes());
    }

    /// Appends the addendum the client sends right after the server's hello (revision 54458+):
    /// an empty quota key.
    pub fn write_addendum(out: &mut Vec<u8>, revision: u64) {
        if revision >= revision::ADDENDUM {
            put_bytes(out, b"");
        }
    }
}

/// The server's answer to Hello.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerHello {
    /// The server's name (`ClickHouse`).
    pub name: String,
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// The server's protocol revision.
    pub revision: u64,
    /// The server's time zone.
    pub timezone: Option<String>,
    /// The server's display name.
    pub display_name: Option<String>,
    /// Patch version.
    pub patch: Option<u64>,
}

impl ServerHello {
    /// The revision both sides speak.
    pub fn negotiated_revision(&self) -> u64 {
        self.revision.min(CLIENT_REVISION)
    }

    /// `major.minor.patch`.
    pub fn version(&self) -> String {
        format!("{}.{}.{}", self.major, self.minor, self.patch.unwrap_or(0))
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> ReadResult<Self> {
        let name = r.string("server name")?;
        let major = r.varuint()?;
        let minor = r.varuint()?;
        let server_revision = r.varuint()?;
        let rev = server_revision.min(CLIENT_REVISION);
        // Fields gated above 54460 (parallel replicas version, password rules, nonce, server
        // settings, ...) never come: the negotiated revision stays at or below ours.
        let timezone = if rev >= revision::SERVER_TIMEZONE {
            Some(r.string("server time zone")?)
        } else {
            None
        };
        let display_name = if rev >= revision::SERVER_DISPLAY_NAME {
            Some(r.string("server display name")?)
        } else {
            None
        };
        let patch = if rev >= revision::VERSION_PATCH {
            Some(r.varuint()?)
        } else {
            None
        };
        Ok(ServerHello {
            name,
            major,
            minor,
            revision: server_revision,
            timezone,
            display_name,
            patch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let hello = ClientHello {
            client_name: "c".into(),
            major: 1,
            minor: 0,
            database: String::new(),
            user: "alice".into(),
            password: "s3cret".into(),
        };
        let shown = format!("{hello:?}");
        assert!(
            !shown.contains("s3cret") && shown.contains("alice"),
            "{shown}"
        );
    }
}
