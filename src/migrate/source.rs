//! Where migrations come from: a folder in sqlx's format, read at run time, or the same files
//! embedded at compile time by `migrate!`.
//!
//! The rules are sqlx 0.9's (`sqlx_core::migrate::resolve_blocking`), so a project can switch
//! between `sqlx migrate` and this runner without renaming a file or changing a checksum:
//!
//! - regular files of the folder only, not recursive;
//! - the name is cut at its first `_`: names without one, or not ending in `.sql`, are ignored;
//!   the part before must parse as an `i64` version, else the whole folder is refused;
//! - `.up.sql` is the up half of a reversible migration, `.down.sql` its down half, any other
//!   `.sql` a simple (irreversible) migration;
//! - the description is the rest of the name without the suffix, `_` read as a space;
//! - the checksum is SHA-384 of the file's exact bytes (optionally with some characters left
//!   out, like sqlx's `migrate.ignored-chars`);
//! - `no_tx` is true when the file starts with `-- no-transaction` (kept for sqlx; ClickHouse
//!   has no transactions, so every migration runs statement by statement anyway).

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use sha2::{Digest, Sha384};

use crate::error::{Error, Result};

/// Which half of a migration a file is, from its suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MigrationKind {
    /// `<V>_<description>.sql`: applied, never reverted.
    Simple,
    /// `<V>_<description>.up.sql`: the up half of a reversible migration.
    ReversibleUp,
    /// `<V>_<description>.down.sql`: the down half of a reversible migration.
    ReversibleDown,
}

impl MigrationKind {
    /// The kind of a file name's part after the version (`create_t.up.sql`).
    pub fn from_filename(name: &str) -> MigrationKind {
        if name.ends_with(MigrationKind::ReversibleUp.suffix()) {
            MigrationKind::ReversibleUp
        } else if name.ends_with(MigrationKind::ReversibleDown.suffix()) {
            MigrationKind::ReversibleDown
        } else {
            MigrationKind::Simple
        }
    }

    /// The file suffix: `.sql`, `.up.sql` or `.down.sql`.
    pub fn suffix(self) -> &'static str {
        match self {
            MigrationKind::Simple => ".sql",
            MigrationKind::ReversibleUp => ".up.sql",
            MigrationKind::ReversibleDown => ".down.sql",
        }
    }

    /// Whether this half is applied by `run` (simple or up).
    pub fn is_up(self) -> bool {
        !matches!(self, MigrationKind::ReversibleDown)
    }
}

/// One migration file: version, description, kind, text and checksum.
#[derive(Clone, PartialEq, Eq)]
pub struct Migration {
    /// The version (the number before the first `_` of the file name).
    pub version: i64,
    /// The description (the rest of the name, `_` read as a space).
    pub description: Cow<'static, str>,
    /// Simple, up or down.
    pub kind: MigrationKind,
    /// The file's text.
    pub sql: Cow<'static, str>,
    /// SHA-384 of the text, 48 bytes: what sqlx computes and stores.
    pub checksum: Cow<'static, [u8]>,
    /// Whether the text starts with `-- no-transaction` (sqlx's flag; without effect here).
    pub no_tx: bool,
}

impl fmt::Debug for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migration")
            .field("version", &self.version)
            .field("description", &self.description)
            .field("kind", &self.kind)
            .field("checksum", &self.checksum_hex())
            .field("bytes", &self.sql.len())
            .finish()
    }
}

impl Migration {
    /// A migration from its parts; the checksum is computed from `sql` as sqlx does.
    pub fn new(
        version: i64,
        description: impl Into<Cow<'static, str>>,
        kind: MigrationKind,
        sql: impl Into<Cow<'static, str>>,
    ) -> Migration {
        let sql = sql.into();
        Migration {
            version,
            description: description.into(),
            kind,
            checksum: Cow::Owned(checksum(&sql)),
            no_tx: sql.starts_with("-- no-transaction"),
            sql,
        }
    }

    /// The checksum in lowercase hex (96 characters), as the history table stores it.
    pub fn checksum_hex(&self) -> String {
        super::split::hex(&self.checksum)
    }

    /// The file name this migration has in a folder (`1_create_t.up.sql`); the description's
    /// spaces written back as `_`.
    pub fn file_name(&self) -> String {
        format!(
            "{}_{}{}",
            self.version,
            self.description.replace(' ', "_"),
            self.kind.suffix()
        )
    }
}

/// SHA-384 of `sql`: sqlx's migration checksum.
pub fn checksum(sql: &str) -> Vec<u8> {
    Sha384::digest(sql.as_bytes()).to_vec()
}

/// SHA-384 of `sql` with every character in `ignored` left out: sqlx's checksum under
/// `migrate.ignored-chars` (e.g. `['\r']` so CRLF and LF checkouts agree).
pub fn checksum_ignoring(sql: &str, ignored: &[char]) -> Vec<u8> {
    let mut hasher = Sha384::new();
    for piece in sql.split(|c| ignored.contains(&c)) {
        hasher.update(piece.as_bytes());
    }
    hasher.finalize().to_vec()
}

/// What `migrate!` embeds for each file: its name and text (the driver computes the rest with
/// the same rules as for a folder).
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    /// The file name, e.g. `20261124000001_create_events.up.sql`.
    pub file_name: &'static str,
    /// The file's text.
    pub sql: &'static str,
}

/// The version, description and kind a file name stands for; `Ok(None)` for names the folder
/// rules ignore.
pub fn parse_file_name(name: &str) -> Result<Option<(i64, String, MigrationKind)>> {
    let Some((version, rest)) = name.split_once('_') else {
        return Ok(None);
    };
    if !rest.ends_with(".sql") {
        return Ok(None);
    }
    let version: i64 = version.parse().map_err(|_| {
        Error::invalid_input(format!(
            "migration file name {name:?}: expected an integer version before the first `_` \
             (e.g. `20240101000000_create_users.sql`)"
        ))
    })?;
    let kind = MigrationKind::from_filename(rest);
    // As sqlx: `trim_end_matches`, then `_` read as a space.
    let description = rest.trim_end_matches(kind.suffix()).replace('_', " ");
    Ok(Some((version, description, kind)))
}

/// The migrations of a folder, by the sqlx rules (see the module docs), sorted by version and
/// kind. Two files of one version and kind are refused.
pub fn resolve_dir(dir: impl AsRef<Path>) -> Result<Vec<Migration>> {
    resolve_dir_ignoring(dir, &[])
}

/// [`resolve_dir`] with checksums that leave out the characters in `ignored` (sqlx's
/// `migrate.ignored-chars`).
pub fn resolve_dir_ignoring(dir: impl AsRef<Path>, ignored: &[char]) -> Result<Vec<Migration>> {
    let dir = dir.as_ref();
    let io = |what: &str, path: &Path, e: std::io::Error| {
        Error::from(std::io::Error::new(
            e.kind(),
            format!("migrations: {what} {}: {e}", path.display()),
        ))
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io("reading the folder", dir, e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io("reading the folder", dir, e))?;
        let path = entry.path();
        let metadata = std::fs::metadata(&path).map_err(|e| io("reading", &path, e))?;
        if !metadata.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((version, description, kind)) = parse_file_name(&name)? else {
            continue;
        };
        let sql = std::fs::read_to_string(&path).map_err(|e| io("reading", &path, e))?;
        let mut migration = Migration::new(version, description, kind, sql);
        if !ignored.is_empty() {
            migration.checksum = Cow::Owned(checksum_ignoring(&migration.sql, ignored));
        }
        out.push(migration);
    }
    sort_and_check(out)
}

/// The migrations `migrate!` embedded.
pub(crate) fn resolve_embedded(files: &[EmbeddedMigration]) -> Result<Vec<Migration>> {
    let mut out = Vec::new();
    for file in files {
        if let Some((version, description, kind)) = parse_file_name(file.file_name)? {
            out.push(Migration::new(
                version,
                description,
                kind,
                Cow::Borrowed(file.sql),
            ));
        }
    }
    sort_and_check(out)
}

/// Sorted by (version, kind); duplicates and a down half without its up half refused.
pub(crate) fn sort_and_check(mut migrations: Vec<Migration>) -> Result<Vec<Migration>> {
    migrations.sort_by_key(|m| (m.version, m.kind));
    for pair in migrations.windows(2) {
        if pair[0].version == pair[1].version {
            let (a, b) = (pair[0].kind, pair[1].kind);
            let fine = a == MigrationKind::ReversibleUp && b == MigrationKind::ReversibleDown;
            if !fine {
                return Err(Error::invalid_input(format!(
                    "migrations: version {} is given twice ({} and {})",
                    pair[0].version,
                    pair[0].file_name(),
                    pair[1].file_name()
                )));
            }
        }
    }
    for m in &migrations {
        if m.kind == MigrationKind::ReversibleDown
            && !migrations
                .iter()
                .any(|u| u.version == m.version && u.kind == MigrationKind::ReversibleUp)
        {
            return Err(Error::invalid_input(format!(
                "migrations: {} has no up half ({}_{}.up.sql)",
                m.file_name(),
                m.version,
                m.description.replace(' ', "_")
            )));
        }
    }
    Ok(migrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_as_sqlx_reads_them() {
        assert_eq!(
            parse_file_name("20240101000000_create_users.sql").unwrap(),
            Some((20240101000000, "create users".into(), MigrationKind::Simple))
        );
        assert_eq!(
            parse_file_name("1_a_b.up.sql").unwrap(),
            Some((1, "a b".into(), MigrationKind::ReversibleUp))
        );
        assert_eq!(
            parse_file_name("2_x.down.sql").unwrap(),
            Some((2, "x".into(), MigrationKind::ReversibleDown))
        );
        // sqlx trims the suffix repeatedly.
        assert_eq!(
            parse_file_name("3_y.sql.sql").unwrap(),
            Some((3, "y".into(), MigrationKind::Simple))
        );
        assert_eq!(parse_file_name("README.md").unwrap(), None);
        assert_eq!(parse_file_name("notes.sql").unwrap(), None);
        assert_eq!(parse_file_name("1_x.txt").unwrap(), None);
        let e = parse_file_name("v1_x.sql").unwrap_err();
        assert!(e.to_string().contains("v1_x.sql"), "{e}");
    }

    #[test]
    fn checksums_are_sha384_of_the_text() {
        let m = Migration::new(1, "x", MigrationKind::Simple, "SELECT 1;\n");
        assert_eq!(m.checksum.len(), 48);
        assert_eq!(m.checksum_hex().len(), 96);
        // SHA-384 of the empty string, a published test vector.
        assert_eq!(
            split_hex(&checksum("")),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        );
        assert_eq!(checksum_ignoring("a\r\nb\r\n", &['\r']), checksum("a\nb\n"));
        assert!(Migration::new(1, "x", MigrationKind::Simple, "-- no-transaction\n").no_tx);
    }

    fn split_hex(b: &[u8]) -> String {
        crate::migrate::split::hex(b)
    }

    #[test]
    fn duplicates_and_orphan_down_halves_are_refused() {
        let m = |v, k| Migration::new(v, "m", k, "");
        let e = sort_and_check(vec![
            m(1, MigrationKind::Simple),
            m(1, MigrationKind::ReversibleUp),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("version 1 is given twice"), "{e}");
        let e = sort_and_check(vec![m(2, MigrationKind::ReversibleDown)]).unwrap_err();
        assert!(e.to_string().contains("no up half"), "{e}");
        let ok = sort_and_check(vec![
            m(2, MigrationKind::ReversibleDown),
            m(1, MigrationKind::Simple),
            m(2, MigrationKind::ReversibleUp),
        ])
        .unwrap();
        let order: Vec<_> = ok.iter().map(|m| (m.version, m.kind)).collect();
        assert_eq!(
            order,
            [
                (1, MigrationKind::Simple),
                (2, MigrationKind::ReversibleUp),
                (2, MigrationKind::ReversibleDown)
            ]
        );
    }
}
