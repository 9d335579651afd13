//! Progress bars on stderr, shown only when stderr is a terminal: a query's rows and bytes read
//! (rows per second, the share of the server's total rows to read, elapsed), an insert's bytes
//! sent.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clickhouse_connect::types::quote;
use clickhouse_connect::{Client, Progress};
use indicatif::{HumanBytes, HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);
/// How often `system.processes` is read for a query's progress over HTTP.
const POLL: Duration = Duration::from_millis(250);

/// Whether a bar may be shown: stderr is a terminal and the user did not say no.
pub(crate) fn wanted(no_progress: bool) -> bool {
    use std::io::IsTerminal;
    !no_progress && std::io::stderr().is_terminal()
}

/// What the bar shows, merged from every source (progress callbacks, `system.processes`).
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    read_rows: u64,
    read_bytes: u64,
    total_rows: u64,
    received: u64,
}

/// A query's progress bar (or nothing when not shown).
#[derive(Clone)]
pub(crate) struct QueryBar {
    bar: Option<ProgressBar>,
    seen: Arc<Mutex<Seen>>,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl QueryBar {
    /// A bar when `show`, else an inert tracker.
    pub(crate) fn new(show: bool) -> QueryBar {
        let seen: Arc<Mutex<Seen>> = Arc::default();
        let tasks: Arc<Mutex<Vec<_>>> = Arc::default();
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
            bar.set_style(spinner_style());
            let drawn = bar.clone();
            let state = seen.clone();
            let started = Instant::now();
            let ticker = tokio::spawn(async move {
                let mut has_total = false;
                loop {
                    let now = *state.lock().unwrap_or_else(|p| p.into_inner());
                    if now.total_rows > 0 && !has_total {
                        has_total = true;
                        drawn.set_style(bar_style());
                    }
                    if has_total {
                        drawn.set_length(now.total_rows.max(now.read_rows));
                        drawn.set_position(now.read_rows);
                    }
                    drawn.set_message(describe(&now, started.elapsed()));
                    drawn.tick();
                    tokio::time::sleep(TICK).await;
                }
            });
            tasks.lock().unwrap_or_else(|p| p.into_inner()).push(ticker);
            bar
        });
        QueryBar { bar, seen, tasks }
    }

    /// Whether the bar is shown.
    pub(crate) fn shown(&self) -> bool {
        self.bar.is_some()
    }

    /// A callback for the driver's progress reports.
    pub(crate) fn callback(&self) -> impl Fn(&Progress) + Send + Sync + 'static {
        let seen = self.seen.clone();
        move |p: &Progress| {
            let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
            seen.read_rows = seen.read_rows.max(p.read_rows);
            seen.read_bytes = seen.read_bytes.max(p.read_bytes);
            seen.total_rows = seen.total_rows.max(p.total_rows_to_read);
        }
    }

    /// Reads the query's progress from `system.processes` while it runs (the HTTP interface
    /// sends progress only before the first byte of the answer).
    pub(crate) fn poll(&self, client: Client, query_id: String) {
        if self.bar.is_none() {
            return;
        }
        let seen = self.seen.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(POLL).await;
                let row = client
                    // A literal, not a parameter: 18.x servers take no parameters.
                    .query(format!(
                        "SELECT read_rows, read_bytes, total_rows_approx FROM system.processes \
                         WHERE query_id = {}",
                        quote(&query_id)
                    ))
                    .fetch()
                    .await;
                // The bar is a view: a failed look leaves it as it was.
                let Ok(result) = row else { continue };
                let Some(row) = result.first_row() else {
                    continue;
                };
                let (Ok(rows), Ok(bytes), Ok(total)) =
                    (row.get::<u64>(0), row.get::<u64>(1), row.get::<u64>(2))
                else {
                    continue;
                };
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                seen.read_rows = seen.read_rows.max(rows);
                seen.read_bytes = seen.read_bytes.max(bytes);
                seen.total_rows = seen.total_rows.max(total);
            }
        });
        self.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(task);
    }

    /// Counts bytes of the answer received.
    pub(crate) fn received(&self, bytes: usize) {
        if self.bar.is_some() {
            self.seen.lock().unwrap_or_else(|p| p.into_inner()).received += bytes as u64;
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            task.abort();
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} [{elapsed_precise}] [{bar:30}] {percent:>3}% {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// `1,234,567 rows, 9.42 MiB read, 1,200,000 rows/s` (and what was received).
fn describe(seen: &Seen, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(0.001);
    let mut text = format!(
        "{} rows, {} read, {} rows/s",
        HumanCount(seen.read_rows),
        HumanBytes(seen.read_bytes),
        HumanCount((seen.read_rows as f64 / secs) as u64)
    );
    if seen.received > 0 {
        text.push_str(&format!(", {} received", HumanBytes(seen.received)));
    }
    text
}

/// An insert's bar: bytes sent, of the file's size when known.
pub(crate) fn bytes_bar(show: bool, size: Option<u64>) -> Option<ProgressBar> {
    if !show {
        return None;
    }
    let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr_with_hz(10));
    let template = if size.is_some() {
        "{spinner} [{elapsed_precise}] [{bar:30}] {percent:>3}% {bytes}/{total_bytes} sent, {bytes_per_sec}"
    } else {
        "{spinner} [{elapsed_precise}] {bytes} sent, {bytes_per_sec}"
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(TICK);
    Some(bar)
}
