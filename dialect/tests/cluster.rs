//! ON CLUSTER DDL written with the dialect, on the local cluster (`scripts/dev-cluster up`:
//! three ClickHouse 18.16 nodes, cluster `replicated`): a ReplicatedMergeTree created on one
//! node appears on all three, with the client's per-host outcomes; rows written on one replica
//! are read on the others; the dialect's ALTER ... ON CLUSTER and DROP reach every node.

use std::time::{Duration, Instant};

use clickhouse_connect::Client;
use sea_query::Expr;
use sea_query_clickhouse::{
    AlterTable, ChColumn, ChStatement, ClientExt, CreateDatabase, CreateTable, DropDatabase, Engine,
};

fn urls() -> Vec<String> {
    std::env::var("CLICKHOUSE_CLUSTER_URLS")
        .unwrap_or_else(|_| {
            "http://127.0.0.1:18131,http://127.0.0.1:18132,http://127.0.0.1:18133".into()
        })
        .split(',')
        .map(str::to_owned)
        .collect()
}

fn cluster() -> String {
    std::env::var("CLICKHOUSE_CLUSTER_REPLICATED").unwrap_or_else(|_| "replicated".into())
}

async fn node(url: &str) -> Client {
    let client = Client::builder().url(url).build().expect("client");
    client.ping().await.unwrap_or_else(|e| {
        panic!("the cluster node {url} does not answer ({e}); run `scripts/dev-cluster up`")
    });
    client
}

async fn count(client: &Client, sql: &str) -> u64 {
    client.query(sql).scalar().await.unwrap()
}

#[tokio::test]
async fn on_cluster_ddl_from_the_dialect_reaches_every_node() {
    let cluster = cluster();
    let nodes = {
        let mut nodes = Vec::new();
        for url in urls() {
            nodes.push(node(&url).await);
        }
        nodes
    };
    let db = format!("dialect_cluster_{}", std::process::id());
    nodes[0]
        .execute_statement(&DropDatabase::new(&db).if_exists().on_cluster(&cluster))
        .await
        .unwrap();
    let created = nodes[0]
        .execute_statement(&CreateDatabase::new(&db).on_cluster(&cluster))
        .await
        .unwrap();
    assert_eq!(created.hosts.len(), 3, "{created:?}");
    let table = CreateTable::new((db.clone(), "events"))
        .on_cluster(&cluster)
        .column(ChColumn::new("id", "UInt64"))
        .column(ChColumn::new("name", "String"))
        .engine(Engine::Replicated {
            path: format!("/clickhouse/tables/{{shard}}/{db}/events"),
            replica: "{replica}".into(),
            inner: Box::new(Engine::MergeTree),
        })
        .order_by([Expr::col("id")]);
    let created = nodes[0].execute_statement(&table).await.unwrap();
    assert_eq!(
        created.hosts.len(),
        3,
        "{}: {created:?}",
        table.to_sql().unwrap()
    );
    for client in &nodes {
        let tables = count(
            client,
            &format!(
                "SELECT count() FROM system.tables WHERE database = '{db}' AND name = 'events' \
                 AND engine = 'ReplicatedMergeTree'"
            ),
        )
        .await;
        assert_eq!(tables, 1);
    }
    nodes[1]
        .insert(
            &format!("{db}.events"),
            &["id", "name"],
            (0..100u64).map(|i| (i, format!("n{i}"))),
        )
        .await
        .unwrap();
    let alter = AlterTable::new((db.clone(), "events"))
        .on_cluster(&cluster)
        .add_column(ChColumn::new("score", "Float64"), false);
    nodes[0].execute_statement(&alter).await.unwrap();
    for client in &nodes {
        let started = Instant::now();
        while count(client, &format!("SELECT count() FROM {db}.events")).await != 100 {
            assert!(started.elapsed() < Duration::from_secs(30), "replication");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let columns = count(
            client,
            &format!(
                "SELECT count() FROM system.columns WHERE database = '{db}' AND table = 'events'"
            ),
        )
        .await;
        assert_eq!(columns, 3, "the added column is on every node");
    }
    nodes[0]
        .execute_statement(&DropDatabase::new(&db).on_cluster(&cluster))
        .await
        .unwrap();
    for client in &nodes {
        let left = count(
            client,
            &format!("SELECT count() FROM system.databases WHERE name = '{db}'"),
        )
        .await;
        assert_eq!(left, 0);
    }
}
