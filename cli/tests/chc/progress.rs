//! The progress bar as a person sees it: `chc query` in a terminal (a `tmux` pane), captured
//! while the query runs. `tests/fixtures/progress-pane.txt` is one such capture.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{legacy, stdout};

/// The pane's first line.
fn capture(session: &str) -> String {
    let out = Command::new("tmux")
        .args(["capture-pane", "-p", "-t", session])
        .output()
        .expect("tmux runs (the test needs tmux installed)");
    stdout(&out).lines().next().unwrap_or("").to_owned()
}

/// The percentage a bar line shows.
fn percent(line: &str) -> Option<u32> {
    let at = line.find('%')?;
    line[..at].rsplit(' ').next()?.trim().parse().ok()
}

/// The rows a bar line shows (`1,234,567 rows`).
fn rows(line: &str) -> Option<u64> {
    let at = line.find(" rows,")?;
    line[..at].rsplit(' ').next()?.replace(',', "").parse().ok()
}

#[test]
fn the_progress_bar_moves_in_a_terminal() {
    // A MergeTree table gives the server a total of rows to read (the percentage); 18.16's
    // system.processes, read while the query runs, gives the progress over HTTP.
    let server = legacy();
    let db = server.fresh_database("progress");
    server.run(&format!(
        "CREATE TABLE {db}.t (n UInt64) ENGINE = MergeTree ORDER BY n"
    ));
    server.run(&format!(
        "INSERT INTO {db}.t SELECT number FROM numbers(2000000)"
    ));
    let sql = format!(
        "SELECT count() FROM {db}.t WHERE NOT ignore(arraySum(arrayMap(x -> sipHash64(n, x), \
         range(30)))) SETTINGS max_threads = 1, max_block_size = 8192"
    );
    let session = format!("chc-progress-{}", std::process::id());
    let binary = assert_cmd::cargo::cargo_bin("chc");
    let command = format!(
        "{} --url {} query \"{sql}\" --format pretty; sleep 30",
        binary.display(),
        server.url
    );
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "110",
            "-y",
            "10",
            &command,
        ])
        .status()
        .expect("tmux runs (the test needs tmux installed)");
    assert!(status.success());
    let started = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    while started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(300));
        let line = capture(&session);
        if line.starts_with('┌') {
            break;
        }
        if percent(&line).is_some() {
            seen.push(line);
        }
    }
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    server.run(&format!("DROP DATABASE {db}"));
    assert!(
        seen.len() >= 2,
        "the bar was seen {} times: {seen:?}",
        seen.len()
    );
    let (first, last) = (&seen[0], &seen[seen.len() - 1]);
    for line in [first, last] {
        assert!(line.contains("] [") && line.contains("rows/s"), "{line}");
        assert!(line.contains(" read, "), "{line}");
    }
    assert!(percent(last) > percent(first), "{first}\n{last}");
    assert!(rows(last) > rows(first), "{first}\n{last}");
    // The fixture has the same shape.
    let fixture = include_str!("../fixtures/progress-pane.txt");
    let bar = fixture.lines().next().unwrap();
    assert!(percent(bar).is_some() && rows(bar).is_some(), "{bar}");
}
