//! `chc query`: formats against the server's own rendering, parameters, SQL sources, errors and
//! exit codes, the password never shown, Ctrl-C.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{chc_in, engine, legacy, legacy_tcp, stderr, stdout};

const MIXED: &str = "SELECT number AS n, toString(number) AS s, \
     if(number % 3 = 0, NULL, number * 1.5) AS f, [number, number + 1] AS a, \
     'quote\"tab\\tnew\\nline' AS t, toDate('2026-01-02') + number AS d \
     FROM numbers(2000) ORDER BY n";

#[test]
fn formats_are_the_servers_rendering() {
    for server in [engine(), legacy()] {
        for (ours, theirs) in [
            ("csv", "CSVWithNames"),
            ("tsv", "TSVWithNames"),
            ("jsonl", "JSONEachRow"),
            ("vertical", "Vertical"),
            ("TSKV", "TSKV"),
            ("RowBinary", "RowBinary"),
        ] {
            let out = server
                .chc()
                .args(["query", MIXED, "--format", ours])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{} {ours}: {}",
                server.name,
                stderr(&out)
            );
            assert!(
                out.stdout == server.post(MIXED, theirs),
                "{} {ours}: not the server's {theirs}",
                server.name
            );
        }
        // Without --format and not on a terminal: the server's TSV, no header.
        let out = server.chc().args(["query", MIXED]).output().unwrap();
        assert_eq!(out.stdout, server.post(MIXED, "TSV"), "{}", server.name);
        // json: the server's JSON, whose statistics (elapsed) differ from run to run.
        let out = server
            .chc()
            .args(["query", MIXED, "--format", "json"])
            .output()
            .unwrap();
        let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let theirs: serde_json::Value =
            serde_json::from_slice(&server.post(MIXED, "JSON")).unwrap();
        assert_eq!(ours["meta"], theirs["meta"], "{}", server.name);
        assert_eq!(ours["data"], theirs["data"], "{}", server.name);
        assert_eq!(ours["rows"], 2000, "{}", server.name);
    }
    // A binary format only the new engine writes, streamed to a file.
    let server = engine();
    let sql = "SELECT number, toString(number) AS s FROM numbers(300000)";
    let out = server
        .chc()
        .args(["query", sql, "--format", "Parquet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"PAR1") && out.stdout.ends_with(b"PAR1"));
    assert!(out.stdout == server.post(sql, "Parquet"));
}

#[test]
fn pretty_is_a_table_of_the_values_on_both_transports() {
    for server in [engine(), legacy(), legacy_tcp()] {
        let out = server
            .chc()
            .args([
                "query",
                "SELECT number AS n, toString(number * 7) AS seven, NULL AS nothing \
                 FROM system.numbers LIMIT 3",
                "--format",
                "pretty",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", server.name, stderr(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        // A header, a rule, three rows, the frame.
        assert_eq!(lines.len(), 7, "{}:\n{text}", server.name);
        for (line, cells) in [
            (lines[1], ["n", "seven", "nothing"]),
            (lines[3], ["0", "0", "NULL"]),
            (lines[5], ["2", "14", "NULL"]),
        ] {
            let seen: Vec<&str> = line
                .trim_matches(|c| c == '│' || c == ' ')
                .split('┆')
                .map(str::trim)
                .collect();
            assert_eq!(seen, cells, "{}:\n{text}", server.name);
        }
        assert!(stderr(&out).contains("3 rows in set"), "{}", stderr(&out));
    }
    // --max-rows cuts the table and says so.
    let out = legacy_tcp()
        .chc()
        .args([
            "query",
            "SELECT number FROM system.numbers",
            "--format",
            "pretty",
            "--max-rows",
            "5",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 5 + 4);
    assert!(stderr(&out).contains("first 5 rows"), "{}", stderr(&out));
}

#[test]
fn params_reach_the_server_as_written() {
    let server = engine();
    let hostile = [
        "it's",
        "'; DROP DATABASE system; --",
        "back\\slash and \\n not a newline",
        "tab\tand\nnewline",
        "{x:String}",
        "",
    ];
    for value in hostile {
        let out = server
            .chc()
            .args(["query", "SELECT {v:String} AS v, length({v:String}) AS l"])
            .arg("--param")
            .arg(format!("v={value}"))
            .args(["--format", "jsonl"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{value:?}: {}", stderr(&out));
        let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(row["v"], value, "{value:?}");
        assert_eq!(row["l"].to_string(), value.len().to_string(), "{value:?}");
    }
    // Typed parameters, and `=` inside a value.
    let out = server
        .chc()
        .args([
            "query",
            "SELECT {n:UInt32} + 1, {a:Array(UInt8)}, {e:String}",
            "--param",
            "n=41",
            "--param",
            "a=[1,2]",
            "--param",
            "e=a=b",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "42\t[1,2]\ta=b\n", "{}", stderr(&out));
    // A value the type cannot take: the server's error.
    let out = server
        .chc()
        .args(["query", "SELECT {n:UInt8}", "--param", "n=nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // 18.16 has no server-side parameters: a usage error that says so, nothing sent.
    let out = legacy()
        .chc()
        .args(["query", "SELECT {n:UInt8}", "--param", "n=1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("19.x"), "{}", stderr(&out));
}

#[test]
fn sql_comes_from_the_argument_a_file_or_stdin() {
    let server = engine();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.sql");
    std::fs::write(&file, "-- a report\nSELECT 40 + 2;\n").unwrap();
    server
        .chc()
        .args(["query", "-f"])
        .arg(&file)
        .assert()
        .success()
        .stdout("42\n");
    server
        .chc()
        .arg("query")
        .write_stdin("SELECT 'from stdin';")
        .assert()
        .success()
        .stdout("from stdin\n");
    server
        .chc()
        .args(["query", "-"])
        .write_stdin("SELECT 7")
        .assert()
        .success()
        .stdout("7\n");
    // Both an argument and a file: bad usage.
    let out = server
        .chc()
        .args(["query", "SELECT 1", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A missing file, an empty query.
    let out = server
        .chc()
        .args(["query", "-f", "/nonexistent/q.sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/q.sql"),
        "{}",
        stderr(&out)
    );
    let out = server
        .chc()
        .arg("query")
        .write_stdin(" ;\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
}

#[test]
fn errors_carry_the_servers_code_and_name() {
    for server in [engine(), legacy(), legacy_tcp()] {
        let out = server
            .chc()
            .args(["query", "SELECT * FROM no_such_db.t", "--format", "pretty"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", server.name);
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{}: {err}", server.name);
        assert!(
            err.contains("81") && err.contains("UNKNOWN_DATABASE"),
            "{}: {err}",
            server.name
        );
        assert!(out.stdout.is_empty());
        let out = server
            .chc()
            .args(["query", "SELEKT 1", "--format", "pretty"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("SYNTAX_ERROR"),
            "{}: {}",
            server.name,
            stderr(&out)
        );
    }
    // An exception after data was written: what came is printed, then the error, exit 1.
    let server = legacy();
    let out = server
        .chc()
        .args([
            "query",
            "SELECT number, throwIf(number = 200000) FROM numbers(300000) \
             SETTINGS max_block_size = 1000",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stdout.is_empty());
    assert!(stderr(&out).contains("395"), "{}", stderr(&out));
}

#[test]
fn bad_usage_exits_2() {
    let server = engine();
    for args in [
        vec!["query", "SELECT 1", "--setting", "no_equals_sign"],
        vec!["query", "SELECT 1", "--param", "=1"],
        vec!["query", "SELECT 1", "--no-such-flag"],
        vec!["frobnicate"],
    ] {
        let out = server.chc().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = chc_in(&std::env::temp_dir())
        .args(["--url", "foo://x", "query", "SELECT 1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unsupported scheme"),
        "{}",
        stderr(&out)
    );
    // A server format over the native protocol: said at once.
    let out = legacy_tcp()
        .chc()
        .args(["query", "SELECT 1", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HTTP URL"), "{}", stderr(&out));
    // Every command explains itself with an example.
    for command in [
        "query",
        "insert",
        "migrate",
        "reflect",
        "diff",
        "database",
        "completions",
    ] {
        let out = server.chc().args([command, "--help"]).output().unwrap();
        assert!(out.status.success());
        assert!(
            stdout(&out).contains("chc "),
            "{command} --help has no example"
        );
    }
    let out = server.chc().args(["completions", "bash"]).output().unwrap();
    assert!(stdout(&out).contains("_chc()"), "{}", stdout(&out));
}

#[test]
fn connection_options_and_the_password_never_shown() {
    let server = engine();
    let legacy = legacy();
    let dir = tempfile::tempdir().unwrap();
    // .env names the server when the environment does not.
    std::fs::write(
        dir.path().join(".env"),
        format!("CLICKHOUSE_URL={}\n", legacy.url),
    )
    .unwrap();
    let out = chc_in(dir.path())
        .args(["query", "SELECT version()"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("18.16"), "{}", stderr(&out));
    // The environment wins over .env, and --url over both.
    let out = chc_in(dir.path())
        .env("CLICKHOUSE_URL", &server.url)
        .args(["query", "SELECT version()"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("26."), "{}", stdout(&out));
    let out = chc_in(dir.path())
        .env("CLICKHOUSE_URL", &server.url)
        .args(["--url", &legacy.url, "query", "SELECT version()"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("18.16"));
    // --database and --setting apply to the query.
    let out = server
        .chc()
        .args([
            "--database",
            "system",
            "--setting",
            "max_result_rows=1234",
            "query",
            "SELECT currentDatabase(), getSetting('max_result_rows')",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "system\t1234\n", "{}", stderr(&out));
    // A wrong password, by flag, variable or URL: exit 1, the server's words, never the password.
    let secret = "hunter2-Secret-7";
    let host = server.url.trim_start_matches("http://");
    for cmd in [
        server
            .chc()
            .args(["--password", secret])
            .args(["-v", "query", "SELECT 1"])
            .output(),
        server
            .chc()
            .env("CLICKHOUSE_PASSWORD", secret)
            .args(["-v", "query", "SELECT 1"])
            .output(),
        chc_in(&std::env::temp_dir())
            .args([
                "--url",
                &format!("http://default:{secret}@{host}"),
                "-v",
                "query",
                "SELECT 1",
            ])
            .output(),
    ] {
        let out = cmd.unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("AUTHENTICATION_FAILED"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains(secret) && !stdout(&out).contains(secret));
    }
    // --help does not show the variable's value.
    let out = server
        .chc()
        .env("CLICKHOUSE_PASSWORD", secret)
        .args(["query", "--help"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains(secret));
}

/// Starts `chc` on an endless query holding `marker`, interrupts it once the server runs it,
/// and checks the exit code and that the server stopped.
fn interrupt(server: &crate::common::Server, marker: &str, format: &str) {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("chc"))
        .args(["--url", &server.url, "query", "--format", format])
        .arg(format!(
            "SELECT count() FROM system.numbers WHERE NOT ignore('{marker}')"
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.running(marker) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{marker} never ran"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let started = Instant::now();
    while server.running(marker) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{marker} still runs on the server after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn ctrl_c_stops_the_query_on_the_server_and_exits_130() {
    // 18.16's system.processes shows what clients run (the 26.9 front runs queries under
    // ids of its own).
    interrupt(&legacy(), "chc-interrupt-http", "TSV");
    interrupt(&legacy_tcp(), "chc-interrupt-tcp", "pretty");
}
