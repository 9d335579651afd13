//! `chc reflect` and `chc diff`: DDL that re-applies to the same table, Rust and JSON of it, the
//! ALTERs between two tables with their classes.

use crate::common::{engine, legacy, stderr, stdout};

const EVENTS: &str = "(
    id UInt64 COMMENT 'the event',
    at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    kind LowCardinality(String) DEFAULT 'click',
    user Nullable(String)
) ENGINE = ReplacingMergeTree(at) PARTITION BY toYYYYMM(at) ORDER BY (kind, id)";

#[test]
fn reflected_ddl_reapplies_and_diffs_to_nothing() {
    let server = engine();
    let a = server.fresh_database("reflect_a");
    let b = server.fresh_database("reflect_b");
    server.run(&format!("CREATE TABLE {a}.events {EVENTS}"));
    let out = server
        .chc()
        .args(["reflect", &format!("{a}.events")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let ddl = stdout(&out);
    assert!(
        ddl.starts_with(&format!("CREATE TABLE `{a}`.`events`")),
        "{ddl}"
    );
    // The DDL, moved to the other database, creates the same table.
    server
        .chc()
        .arg("query")
        .write_stdin(ddl.replace(&format!("`{a}`"), &format!("`{b}`")))
        .assert()
        .success();
    let out = server
        .chc()
        .args(["diff", &format!("{a}.events"), &format!("{b}.events")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("-- no changes"),
        "{}",
        stdout(&out)
    );

    // A metadata change and a mutation, each with its class.
    server.run(&format!(
        "ALTER TABLE {b}.events ADD COLUMN price Float64 DEFAULT 0, MODIFY COLUMN user LowCardinality(Nullable(String))"
    ));
    let out = server
        .chc()
        .args(["diff", &format!("{a}.events"), &format!("{b}.events")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(plan.contains("-- metadata only"), "{plan}");
    assert!(
        plan.contains("ADD COLUMN `price` Float64 DEFAULT 0"),
        "{plan}"
    );
    assert!(plan.contains("-- mutation"), "{plan}");
    assert!(
        plan.contains("MODIFY COLUMN `user` LowCardinality(Nullable(String))"),
        "{plan}"
    );
    // The plan, applied to the first table, leaves nothing to change.
    for statement in plan.split(";\n").filter(|s| s.contains("ALTER")) {
        let sql: Vec<&str> = statement.lines().filter(|l| !l.starts_with("--")).collect();
        let sql = sql.join("\n");
        server.chc().args(["query", &sql]).assert().success();
    }
    let out = server
        .chc()
        .args(["diff", &format!("{a}.events"), &format!("{b}.events")])
        .output()
        .unwrap();
    assert!(
        stdout(&out).starts_with("-- no changes"),
        "{}",
        stdout(&out)
    );

    // A change no ALTER makes: exit 1, the reason.
    server.run(&format!(
        "CREATE TABLE {b}.other (id UInt32) ENGINE = MergeTree ORDER BY id"
    ));
    let out = server
        .chc()
        .args(["diff", &format!("{a}.events"), &format!("{b}.other")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("-- rebuild: "), "{}", stdout(&out));
    // Bad names: usage; a missing table: the server's error.
    let out = server
        .chc()
        .args(["diff", "events", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = server
        .chc()
        .args(["reflect", &format!("{a}.nope")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for db in [a, b] {
        server.run(&format!("DROP DATABASE {db}"));
    }
}

#[test]
fn reflect_writes_rust_idens_and_json() {
    for server in [engine(), legacy()] {
        let db = server.fresh_database("reflect_rust");
        server.run(&format!(
            "CREATE TABLE {db}.page_views (id UInt64, url String, at DateTime, tags Array(String)) \
             ENGINE = MergeTree ORDER BY id"
        ));
        let out = server
            .chc()
            .args([
                "--database",
                &db,
                "reflect",
                "--output",
                "rust",
                "--derive",
                "fromblock,serde",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", server.name, stderr(&out));
        let rust = stdout(&out);
        assert!(rust.contains("pub struct PageViews {"), "{rust}");
        assert!(
            rust.contains("clickhouse_connect::FromBlock, serde::Serialize, serde::Deserialize"),
            "{rust}"
        );
        assert!(rust.contains("pub tags: Vec<String>,"), "{rust}");
        let out = server
            .chc()
            .args(["reflect", &format!("{db}.page_views"), "--output", "iden"])
            .output()
            .unwrap();
        assert!(
            stdout(&out).contains("pub enum PageViewsIden {"),
            "{}",
            stdout(&out)
        );
        let out = server
            .chc()
            .args(["reflect", &db, "--output", "json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json[0]["name"], "page_views");
        assert_eq!(json[0]["columns"][3]["type"], "Array(String)");
        assert_eq!(json[0]["order_by"], "id");
        server.run(&format!("DROP DATABASE {db}"));
    }
}
