//! The client on the local cluster (`scripts/dev-cluster`: ZooKeeper and three ClickHouse 18.16
//! nodes): ON CLUSTER DDL with per-host outcomes, replication, a Distributed table over three
//! shards, and a client of several hosts that fails over when a node dies, takes the node back
//! when it returns, and retries an insert with a deduplication token so that every row is
//! stored exactly once.
//!
//! Variables (printed by `scripts/dev-cluster env`, exported by `scripts/test`):
//! `CLICKHOUSE_CLUSTER_URLS`, `CLICKHOUSE_CLUSTER_TCP_URLS` (comma-separated, node1 first),
//! `CLICKHOUSE_CLUSTER_REPLICATED`, `CLICKHOUSE_CLUSTER_SHARDED` (the cluster names) and
//! `CLICKHOUSE_CLUSTER_HOME` (where the nodes' pid files are: the tests that kill a node need
//! the local cluster, and start it again with `scripts/dev-cluster up`).
//!
//! The tests that kill (or pause) nodes run one at a time and alone: they hold [`NODES`] for
//! writing, the tests that need every node up hold it for reading.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clickhouse_connect::{Client, HostOrder};
use futures_util::StreamExt;
use tokio::sync::RwLock;

use crate::common::HOW_TO_START;

/// The cluster's nodes: a test that kills or pauses one holds this for writing (one such test
/// at a time, and none of the others meanwhile); a test that needs every node up holds it for
/// reading.
pub(crate) static NODES: RwLock<()> = RwLock::const_new(());

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

pub(crate) fn http_urls() -> Vec<String> {
    var(
        "CLICKHOUSE_CLUSTER_URLS",
        "http://127.0.0.1:18131,http://127.0.0.1:18132,http://127.0.0.1:18133",
    )
    .split(',')
    .map(str::to_owned)
    .collect()
}

pub(crate) fn tcp_urls() -> Vec<String> {
    var(
        "CLICKHOUSE_CLUSTER_TCP_URLS",
        "tcp://127.0.0.1:19131,tcp://127.0.0.1:19132,tcp://127.0.0.1:19133",
    )
    .split(',')
    .map(str::to_owned)
    .collect()
}

pub(crate) fn replicated() -> String {
    var("CLICKHOUSE_CLUSTER_REPLICATED", "replicated")
}

fn sharded() -> String {
    var("CLICKHOUSE_CLUSTER_SHARDED", "sharded")
}

/// A client of one node.
pub(crate) async fn node(url: &str) -> Client {
    let client = Client::builder().url(url).build().unwrap();
    client.ping().await.unwrap_or_else(|e| {
        panic!(
            "the cluster node {url} does not answer ({e}): start the cluster with \
             `scripts/dev-cluster up`, or {HOW_TO_START}"
        )
    });
    client
}

/// A client of every node: `scheme` is `tcp` or `http`.
fn all_nodes(tcp: bool, order: HostOrder) -> Client {
    let urls = if tcp { tcp_urls() } else { http_urls() };
    let (scheme, rest) = urls[0].split_once("://").unwrap();
    let hosts: Vec<String> = urls
        .iter()
        .map(|u| {
            u.split_once("://")
                .unwrap()
                .1
                .trim_end_matches('/')
                .to_owned()
        })
        .collect();
    let _ = rest;
    Client::builder()
        .dsn(&format!("{scheme}://{}/", hosts.join(",")))
        .unwrap()
        .host_order(order)
        .host_down_for(Duration::from_secs(1))
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Which node answered: its `node` macro.
async fn which(client: &Client) -> String {
    client
        .query("SELECT substitution FROM system.macros WHERE macro = 'node'")
        .scalar()
        .await
        .unwrap()
}

pub(crate) fn home() -> PathBuf {
    PathBuf::from(var(
        "CLICKHOUSE_CLUSTER_HOME",
        &format!(
            "{}/.cache/clickhouse-connect-rs/cluster",
            std::env::var("HOME").unwrap_or_default()
        ),
    ))
}

/// Kills node `n` (1-based) with SIGKILL, as a crash would.
fn kill_node(n: usize) {
    let pidfile = home().join(format!("node{n}/server.pid"));
    let pid = std::fs::read_to_string(&pidfile).unwrap_or_else(|e| {
        panic!(
            "no pid file {pidfile:?} ({e}): killing a node needs the local cluster of \
             `scripts/dev-cluster up`"
        )
    });
    let status = std::process::Command::new("kill")
        .args(["-KILL", pid.trim()])
        .status()
        .unwrap();
    assert!(status.success(), "kill node{n}");
}

/// Starts what is missing of the local cluster again.
fn restart_cluster() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/dev-cluster");
    let status = std::process::Command::new(script)
        .arg("up")
        .env_remove("CLICKHOUSE_CLUSTER_URLS")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "scripts/dev-cluster up");
}

/// A fresh database on every node of the replicated cluster.
async fn fresh_database(test: &str) -> (Client, String) {
    let first = node(&http_urls()[0]).await;
    let db = format!("cl_{test}_{}", std::process::id());
    first
        .command(format!(
            "DROP DATABASE IF EXISTS {db} ON CLUSTER {}",
            replicated()
        ))
        .await
        .unwrap();
    first
        .command(format!("CREATE DATABASE {db} ON CLUSTER {}", replicated()))
        .await
        .unwrap();
    (first, db)
}

async fn drop_database(client: &Client, db: &str) {
    client
        .command(format!(
            "DROP DATABASE IF EXISTS {db} ON CLUSTER {}",
            replicated()
        ))
        .await
        .unwrap();
}

/// Waits until `sql` answers `want` on `client` (replication is asynchronous); fails after 30 s.
async fn eventually(client: &Client, sql: &str, want: u64) {
    let started = Instant::now();
    loop {
        let got: u64 = client.query(sql).scalar().await.unwrap();
        if got == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "`{sql}` gives {got}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn on_cluster_ddl_replicates_and_names_each_host() {
    let _up = NODES.read().await;
    let (first, db) = fresh_database("ddl").await;
    let created = first
        .command(format!(
            "CREATE TABLE {db}.events ON CLUSTER {} (id UInt64, name String) \
             ENGINE = ReplicatedMergeTree('/clickhouse/tables/{{shard}}/{db}/events', '{{replica}}') \
             ORDER BY id",
            replicated()
        ))
        .await
        .unwrap();
    let mut ports: Vec<u16> = created.hosts.iter().map(|h| h.port).collect();
    ports.sort();
    assert_eq!(ports, [19131, 19132, 19133], "{:?}", created.hosts);
    assert!(
        created
            .hosts
            .iter()
            .all(|h| h.status == 0 && h.error.is_empty())
    );

    // Written on node1 over TCP, read on the others.
    let writer = node(&tcp_urls()[0]).await;
    writer
        .insert(
            &format!("{db}.events"),
            &["id", "name"],
            (0..1000u64).map(|i| (i, format!("e{i}"))),
        )
        .await
        .unwrap();
    for url in &http_urls()[1..] {
        let reader = node(url).await;
        eventually(&reader, &format!("SELECT count() FROM {db}.events"), 1000).await;
    }

    // A host that fails fails the command, named.
    let err = first
        .command(format!(
            "CREATE TABLE {db}.events ON CLUSTER {} (id UInt64) ENGINE = Memory",
            replicated()
        ))
        .await
        .unwrap_err();
    assert_eq!(err.server_code(), Some(57), "{err}");
    assert!(err.to_string().contains("127.0.0.1:1913"), "{err}");
    drop_database(&first, &db).await;
}

#[tokio::test]
async fn a_distributed_table_over_three_shards() {
    let _up = NODES.read().await;
    let (first, db) = fresh_database("dist").await;
    let shards = sharded();
    first
        .command(format!(
            "CREATE TABLE {db}.local ON CLUSTER {shards} (id UInt64) ENGINE = MergeTree ORDER BY id"
        ))
        .await
        .unwrap();
    first
        .command(format!(
            "CREATE TABLE {db}.everywhere ON CLUSTER {shards} (id UInt64) \
             ENGINE = Distributed({shards}, {db}, local, id)"
        ))
        .await
        .unwrap();
    first
        .insert(
            &format!("{db}.everywhere"),
            &["id"],
            (0..300u64).map(|i| (i,)),
        )
        .setting("insert_distributed_sync", 1)
        .await
        .unwrap();
    let total: u64 = first
        .query(format!("SELECT count() FROM {db}.everywhere"))
        .scalar()
        .await
        .unwrap();
    assert_eq!(total, 300);
    // Each shard holds its part: id % 3 picks the shard.
    for url in http_urls() {
        let shard = node(&url).await;
        let local: u64 = shard
            .query(format!("SELECT count() FROM {db}.local"))
            .scalar()
            .await
            .unwrap();
        assert_eq!(local, 100, "{url}");
    }
    drop_database(&first, &db).await;
}

#[tokio::test]
async fn a_dead_node_is_passed_over_and_used_again_when_it_returns() {
    let _alone = NODES.write().await;
    for tcp in [true, false] {
        let client = all_nodes(tcp, HostOrder::RoundRobin);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..6 {
            seen.insert(which(&client).await);
        }
        assert_eq!(seen.len(), 3, "round robin reaches every node: {seen:?}");

        kill_node(3);
        // No query fails: the one that finds node3 dead goes to the next node.
        for i in 0..30 {
            let answered = which(&client).await;
            assert_ne!(answered, "node3", "query {i}");
        }
        let status = client.hosts_status();
        let node3 = status.iter().find(|h| h.host.ends_with("3")).unwrap();
        assert!(!node3.up && node3.failures > 0, "{status:?}");
        assert!(node3.last_error.is_some());

        restart_cluster();
        // Once its back-off (1 s) has passed, node3 answers again.
        let started = Instant::now();
        loop {
            if which(&client).await == "node3" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "node3 is not used again: {:?}",
                client.hosts_status()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test]
async fn an_insert_cut_by_a_dead_node_is_stored_exactly_once() {
    let _alone = NODES.write().await;
    let (first, db) = fresh_database("dedup").await;
    first
        .command(format!(
            "CREATE TABLE {db}.rows ON CLUSTER {} (id UInt64) \
             ENGINE = ReplicatedMergeTree('/clickhouse/tables/{{shard}}/{db}/rows', '{{replica}}') \
             ORDER BY id",
            replicated()
        ))
        .await
        .unwrap();
    // A client of all nodes, node1 first; small blocks, and rows that come slowly, so that the
    // node dies in the middle of the insert.
    let urls = tcp_urls();
    let hosts: Vec<&str> = urls
        .iter()
        .map(|u| u.trim_start_matches("tcp://"))
        .collect();
    let client = Client::builder()
        .dsn(&format!("tcp://{}/", hosts.join(",")))
        .unwrap()
        .insert_block_rows(1000)
        .host_down_for(Duration::from_secs(60))
        .build()
        .unwrap();
    const ROWS: u64 = 20_000;
    let rows = futures_util::stream::iter(0..ROWS).then(|i| async move {
        if i % 1000 == 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        (i,)
    });
    let killer = tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        kill_node(1);
    });
    let inserted = client
        .insert_stream(&format!("{db}.rows"), &["id"], rows)
        .deduplication_token("dedup-test")
        .await
        .unwrap_or_else(|e| panic!("the insert with a token goes to the next node: {e:?}"));
    killer.await.unwrap();
    assert_eq!(inserted.rows, ROWS);
    let status = client.hosts_status();
    assert!(!status[0].up, "node1 is down: {status:?}");

    // With node1 back, every replica holds each row once: no loss, no duplicate.
    restart_cluster();
    for url in http_urls() {
        let replica = node(&url).await;
        replica
            .command(format!("SYSTEM SYNC REPLICA {db}.rows"))
            .await
            .unwrap();
        eventually(&replica, &format!("SELECT count() FROM {db}.rows"), ROWS).await;
        eventually(
            &replica,
            &format!("SELECT uniqExact(id) FROM {db}.rows"),
            ROWS,
        )
        .await;
    }
    drop_database(&first, &db).await;
}

/// Open file descriptors of this process.
/// This process's open sockets to the cluster's native ports (other tests of this binary run
/// beside this one and open descriptors of their own; only these say whether the client leaks).
fn cluster_sockets() -> usize {
    let ports: Vec<u16> = tcp_urls()
        .iter()
        .filter_map(|u| u.trim_end_matches('/').rsplit(':').next()?.parse().ok())
        .collect();
    // The inodes of the sockets connected to those ports (remote address `hex-ip:HEXPORT`).
    let mut inodes = std::collections::HashSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(remote), Some(inode)) = (fields.get(2), fields.get(9)) else {
                continue;
            };
            let port = remote
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if port.is_some_and(|p| ports.contains(&p)) {
                inodes.insert(format!("socket:[{inode}]"));
            }
        }
    }
    std::fs::read_dir("/proc/self/fd").map_or(0, |dir| {
        dir.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| inodes.contains(target.to_string_lossy().as_ref()))
            .count()
    })
}

/// 64 tasks running queries on `client` until `until`; the queries each task ran, or the first
/// error that reached it.
fn run_tasks(client: &Client, until: Instant) -> Vec<tokio::task::JoinHandle<Result<u64, String>>> {
    (0..64u64)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < until {
                    let sum: u64 = client
                        .query(format!("SELECT sum(number) FROM numbers({})", 100 + task))
                        .scalar()
                        .await
                        .map_err(|e| format!("task {task}: {e:?}"))?;
                    assert_eq!(sum, (100 + task) * (99 + task) / 2);
                    done += 1;
                }
                Ok(done)
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_ride_through_a_node_restart() {
    let _alone = NODES.write().await;
    let client = all_nodes(true, HostOrder::RoundRobin);
    // A first round without failures fills the pools: descriptors are counted after it.
    for task in run_tasks(&client, Instant::now() + Duration::from_secs(5)) {
        task.await.unwrap().unwrap();
    }
    let fds_before = cluster_sockets();
    assert!(
        fds_before > 0,
        "the pools hold no connection to the cluster"
    );
    let tasks = run_tasks(&client, Instant::now() + Duration::from_secs(25));
    tokio::time::sleep(Duration::from_secs(5)).await;
    kill_node(2);
    tokio::time::sleep(Duration::from_secs(5)).await;
    tokio::task::spawn_blocking(restart_cluster).await.unwrap();
    let mut total = 0;
    for task in tasks {
        total += task
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("an error reached the caller: {e}"));
    }
    assert!(total > 64, "{total} queries in 25 s");
    // The dead node's connections were closed, not leaked: as many sockets as before.
    let fds_after = cluster_sockets();
    assert!(
        fds_after <= fds_before + 4,
        "sockets to the cluster grew from {fds_before} to {fds_after}"
    );
}
