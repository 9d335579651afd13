//! The files and checksums are sqlx's: held against `sqlx-core = "=0.9.0"`'s own folder reader
//! and `Migration::new`, for the repository's `migrations/` folder and a fixture folder of odd
//! names and bytes (CRLF, a BOM, `-- no-transaction`, a non-ASCII description, `.sql.sql`,
//! files and folders sqlx ignores); the same for what `migrate!` embeds.

use std::path::{Path, PathBuf};

use clickhouse_connect::migrate::{
    Migration, MigrationKind, Migrator, resolve_dir, resolve_dir_ignoring,
};
use sqlx_core::migrate::{
    MigrationType, ResolveConfig, resolve_blocking, resolve_blocking_with_config,
};
use sqlx_core::sql_str::{AssertSqlSafe, SqlSafeStr};

fn folder(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn kind(t: MigrationType) -> MigrationKind {
    match t {
        MigrationType::Simple => MigrationKind::Simple,
        MigrationType::ReversibleUp => MigrationKind::ReversibleUp,
        MigrationType::ReversibleDown => MigrationKind::ReversibleDown,
    }
}

/// (version, description, kind, checksum, no_tx, text) of sqlx's reading of a folder.
fn sqlx_view(
    dir: &Path,
    config: &ResolveConfig,
) -> Vec<(i64, String, MigrationKind, Vec<u8>, bool, String)> {
    resolve_blocking_with_config(dir, config)
        .unwrap()
        .into_iter()
        .map(|(m, _)| {
            (
                m.version,
                m.description.to_string(),
                kind(m.migration_type),
                m.checksum.to_vec(),
                m.no_tx,
                m.sql.as_str().to_owned(),
            )
        })
        .collect()
}

fn our_view(migrations: &[Migration]) -> Vec<(i64, String, MigrationKind, Vec<u8>, bool, String)> {
    migrations
        .iter()
        .map(|m| {
            (
                m.version,
                m.description.to_string(),
                m.kind,
                m.checksum.to_vec(),
                m.no_tx,
                m.sql.to_string(),
            )
        })
        .collect()
}

#[test]
fn folders_read_as_sqlx_reads_them() {
    for relative in ["migrations", "tests/it/migrations/sqlx_fixture"] {
        let dir = folder(relative);
        let theirs = sqlx_view(&dir, &ResolveConfig::new());
        let ours = our_view(&resolve_dir(&dir).unwrap());
        assert_eq!(ours, theirs, "{relative}");
        assert!(theirs.len() >= 2, "{relative}: {theirs:?}");
    }
    // The fixture's odd cases, as sqlx reads them.
    let fixture = resolve_dir(folder("tests/it/migrations/sqlx_fixture")).unwrap();
    let names: Vec<(i64, &str, MigrationKind, bool)> = fixture
        .iter()
        .map(|m| (m.version, m.description.as_ref(), m.kind, m.no_tx))
        .collect();
    assert_eq!(
        names,
        [
            (1, "no tx", MigrationKind::Simple, true),
            (2, "crlf file", MigrationKind::ReversibleUp, false),
            (2, "crlf file", MigrationKind::ReversibleDown, false),
            (3, "bom", MigrationKind::Simple, false),
            (4, "ünïcödé name", MigrationKind::Simple, false),
            (5, "double", MigrationKind::Simple, false),
        ]
    );
    assert!(
        fixture[1].sql.contains("\r\n"),
        "the CRLF file lost its CRs"
    );
    assert!(fixture[3].sql.starts_with('\u{feff}'));
    // sqlx's resolve_blocking (no configuration) agrees too.
    assert_eq!(
        resolve_blocking(&folder("migrations")).unwrap().len(),
        resolve_dir(folder("migrations")).unwrap().len()
    );
}

#[test]
fn checksums_with_ignored_characters_are_sqlx_s() {
    let dir = folder("tests/it/migrations/sqlx_fixture");
    let mut config = ResolveConfig::new();
    config.ignore_chars(['\r', '\u{feff}']);
    let theirs = sqlx_view(&dir, &config);
    let ours = our_view(&resolve_dir_ignoring(&dir, &['\r', '\u{feff}']).unwrap());
    assert_eq!(ours, theirs);
    let plain = our_view(&resolve_dir(&dir).unwrap());
    assert_ne!(
        plain[1].3, ours[1].3,
        "ignoring \\r changes the CRLF file's checksum"
    );
}

#[test]
fn checksums_equal_sqlx_migration_new() {
    let corpus = [
        "",
        "SELECT 1",
        "SELECT 1;\n",
        "CREATE TABLE t (x UInt8) ENGINE = Memory;\r\nINSERT INTO t VALUES (1);\r\n",
        "\u{feff}-- bom\nSELECT 'é;ü'",
        "-- no-transaction\nALTER TABLE t UPDATE x = 1 WHERE 1",
        &"SELECT 'long';\n".repeat(10_000),
    ];
    for sql in corpus {
        for (k, t) in [
            (MigrationKind::Simple, MigrationType::Simple),
            (MigrationKind::ReversibleUp, MigrationType::ReversibleUp),
            (MigrationKind::ReversibleDown, MigrationType::ReversibleDown),
        ] {
            let theirs = sqlx_core::migrate::Migration::new(
                42,
                "d".into(),
                t,
                AssertSqlSafe(sql.to_owned()).into_sql_str(),
                sql.starts_with("-- no-transaction"),
            );
            let ours = Migration::new(42, "d", k, sql.to_owned());
            assert_eq!(
                *ours.checksum,
                *theirs.checksum,
                "{:?}",
                &sql[..sql.len().min(40)]
            );
            assert_eq!(ours.checksum.len(), 48);
            assert_eq!(ours.no_tx, theirs.no_tx);
        }
    }
}

#[test]
fn migrate_macro_embeds_what_the_folder_holds() {
    let embedded = clickhouse_connect::migrate!("tests/it/migrations/sqlx_fixture");
    assert_eq!(
        our_view(embedded.migrations()),
        our_view(&resolve_dir(folder("tests/it/migrations/sqlx_fixture")).unwrap())
    );
    // Without a path: `./migrations`, as sqlx's macro.
    let default: Migrator = clickhouse_connect::migrate!();
    assert_eq!(
        our_view(default.migrations()),
        sqlx_view(&folder("migrations"), &ResolveConfig::new())
    );
    assert_eq!(default.migrations().len(), 4);
}
