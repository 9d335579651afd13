//! `chc migrate`: the lifecycle on a scratch database, a partial failure and its resume,
//! `check`'s exit codes, `info --json`, revert, repair.

use std::path::Path;

use crate::common::{Server, engine, stderr, stdout};

fn migrate(server: &Server, db: &str, source: &Path, args: &[&str]) -> std::process::Output {
    server
        .chc()
        .args(["--database", db, "migrate", "--source"])
        .arg(source)
        .args(args)
        .output()
        .unwrap()
}

/// The single file of `source` whose name ends with `suffix`.
fn file_ending(source: &Path, suffix: &str) -> std::path::PathBuf {
    let found: Vec<_> = std::fs::read_dir(source)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    assert_eq!(found.len(), 1, "{suffix}: {found:?}");
    found[0].clone()
}

#[test]
fn the_migration_lifecycle() {
    let server = engine();
    let db = server.fresh_database("migrate");
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("migrations");

    // No folder: bad usage that says how to start.
    let out = migrate(&server, &db, &source, &["info"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("migrate add"), "{}", stderr(&out));

    // add -r: an up/down pair with a timestamp version.
    let out = migrate(&server, &db, &source, &["add", "create events", "-r"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let up = file_ending(&source, "_create_events.up.sql");
    let down = file_ending(&source, "_create_events.down.sql");
    let version: i64 = up.file_name().unwrap().to_string_lossy()[..14]
        .parse()
        .unwrap();
    std::fs::write(
        &up,
        "CREATE TABLE events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id;\n\
         INSERT INTO events VALUES (1, 'a;b'), (2, 'c');\n",
    )
    .unwrap();
    std::fs::write(&down, "DROP TABLE events;\n").unwrap();

    // Pending: check exits 1, info says so, dry-run prints the statements and runs nothing.
    let out = migrate(&server, &db, &source, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("pending: {version}")),
        "{}",
        stderr(&out)
    );
    let out = migrate(&server, &db, &source, &["info"]);
    assert_eq!(stdout(&out), format!("{version}/pending create events\n"));
    let out = migrate(&server, &db, &source, &["run", "--dry-run"]);
    assert!(
        stdout(&out).contains("INSERT INTO events VALUES (1, 'a;b'), (2, 'c')"),
        "{}",
        stdout(&out)
    );
    assert_eq!(server.run(&format!("EXISTS TABLE {db}.events")), "0\n");

    // run, then up to date.
    let out = migrate(&server, &db, &source, &["run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "applied 1 migration(s)\n");
    assert_eq!(
        server.run(&format!("SELECT count() FROM {db}.events")),
        "2\n"
    );
    migrate(&server, &db, &source, &["check"])
        .status
        .success()
        .then_some(())
        .expect("up to date");
    let out = migrate(&server, &db, &source, &["run"]);
    assert_eq!(stdout(&out), "up to date: nothing to apply\n");

    // A second migration whose second statement fails: exit 1 with the server's code and name,
    // recorded as partial.
    let out = migrate(&server, &db, &source, &["add", "add_price"]);
    assert!(out.status.success());
    let second = file_ending(&source, "_add_price.sql");
    let version2: i64 = second.file_name().unwrap().to_string_lossy()[..14]
        .parse()
        .unwrap();
    assert!(version2 > version);
    let broken = "ALTER TABLE events ADD COLUMN price Float64;\n\
                  ALTER TABLE no_such_table ADD COLUMN x UInt8;\n\
                  ALTER TABLE events ADD COLUMN currency String;\n";
    std::fs::write(&second, broken).unwrap();
    let out = migrate(&server, &db, &source, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: ") && err.contains("UNKNOWN_TABLE"),
        "{err}"
    );
    assert!(err.contains("statement 2"), "{err}");
    let out = migrate(&server, &db, &source, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("partial: {version2}")),
        "{}",
        stderr(&out)
    );
    let out = migrate(&server, &db, &source, &["info", "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info[0]["status"], "applied");
    assert_eq!(info[0]["checksum_matches"], true);
    assert_eq!(info[1]["status"], "partial");
    assert_eq!(info[1]["statements_done"], 1);
    assert_eq!(info[1]["failed_statement"], 2);
    assert_eq!(info[1]["error_code"], 60);

    // Fixed: the run resumes after the statement that was applied.
    std::fs::write(&second, broken.replace("no_such_table", "events")).unwrap();
    let out = migrate(&server, &db, &source, &["run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resuming after statement 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.run(&format!(
            "SELECT name FROM system.columns WHERE database = '{db}' AND table = 'events' ORDER BY position"
        )),
        "id\nkind\nprice\nx\ncurrency\n"
    );
    assert!(migrate(&server, &db, &source, &["check"]).status.success());

    // revert: the latest has no down file, so nothing is reverted (exit 1, said why).
    let out = migrate(&server, &db, &source, &["revert"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(".down.sql"), "{}", stderr(&out));
    // repair: recorded as not applied by hand, then pending.
    let v2 = version2.to_string();
    let out = migrate(
        &server,
        &db,
        &source,
        &["repair", &v2, "--to", "not-applied"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = migrate(&server, &db, &source, &["check"]);
    assert!(
        stderr(&out).contains(&format!("pending: {v2}")),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&second).unwrap();
    // Now the reversible one is the latest: reverted, table gone, pending again.
    let out = migrate(&server, &db, &source, &["revert"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "reverted 1 migration(s)\n");
    assert_eq!(server.run(&format!("EXISTS TABLE {db}.events")), "0\n");
    let out = migrate(&server, &db, &source, &["info"]);
    assert_eq!(stdout(&out), format!("{version}/pending create events\n"));
    let out = migrate(&server, &db, &source, &["repair", &v2, "--to", "sideways"]);
    assert_eq!(out.status.code(), Some(2));
    server.run(&format!("DROP DATABASE {db}"));
}
