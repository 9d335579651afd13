//! `chc insert`: a file or stdin streamed in any input format, then counted.

use crate::common::{engine, legacy, legacy_tcp, stderr, stdout};

#[test]
fn inserts_stream_files_and_stdin_in_any_format() {
    for server in [engine(), legacy()] {
        let db = server.fresh_database("insert");
        server.run(&format!(
            "CREATE TABLE {db}.t (id UInt32, name String, score Float64) \
             ENGINE = MergeTree ORDER BY id"
        ));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rows.csv");
        let mut csv = String::from("id,name,score\n");
        for i in 0..50_000 {
            csv.push_str(&format!("{i},\"name, {i}\",{}.5\n", i % 7));
        }
        std::fs::write(&file, &csv).unwrap();
        let out = server
            .chc()
            .args([
                "insert",
                &format!("{db}.t"),
                "--format",
                "CSVWithNames",
                "-f",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", server.name, stderr(&out));
        // 18.16 reports no row count over HTTP; newer servers do.
        if server.name.contains("26.9") {
            assert_eq!(stdout(&out), "50000 rows written\n");
        } else {
            assert!(stdout(&out).starts_with("inserted"), "{}", stdout(&out));
        }
        // JSONEachRow on stdin, into the --database's table, a column subset.
        server
            .chc()
            .args(["--database", &db, "insert", "t", "--format", "JSONEachRow"])
            .args(["--columns", "id,name"])
            .write_stdin("{\"id\":60000,\"name\":\"j\"}\n{\"id\":60001,\"name\":\"k\"}\n")
            .assert()
            .success();
        let count = server.run(&format!("SELECT count(), sum(id), sum(score) FROM {db}.t"));
        let sum_ids: u64 = (0..50_000u64).sum::<u64>() + 60_000 + 60_001;
        let sum_scores: f64 = (0..50_000).map(|i| (i % 7) as f64 + 0.5).sum();
        assert_eq!(
            count,
            format!("50002\t{sum_ids}\t{sum_scores}\n"),
            "{}",
            server.name
        );
        // Data the server cannot parse: exit 1 with its code.
        let out = server
            .chc()
            .args(["insert", &format!("{db}.t"), "--format", "CSV"])
            .write_stdin("1,a,notanumber\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", server.name);
        assert!(
            stderr(&out).contains("error: ClickHouse exception"),
            "{}",
            stderr(&out)
        );
        // A table that does not exist.
        let out = server
            .chc()
            .args(["insert", &format!("{db}.nope"), "--format", "CSV"])
            .write_stdin("1\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("UNKNOWN_TABLE"), "{}", stderr(&out));
        // A missing file: bad usage, nothing sent.
        let out = server
            .chc()
            .args(["insert", &format!("{db}.t"), "-f", "/nonexistent/rows.csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        server.run(&format!("DROP DATABASE {db}"));
    }
    // The native protocol carries only Native blocks: said at once.
    let out = legacy_tcp()
        .chc()
        .args(["insert", "t", "--format", "CSV"])
        .write_stdin("1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HTTP URL"), "{}", stderr(&out));
}
