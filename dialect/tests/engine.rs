//! Execution tests on the ClickHouse 26.9 engine (`CLICKHOUSE_URL`, default
//! http://127.0.0.1:28123; start it with `scripts/dev-servers up`). Every golden statement is
//! run twice, inline and with typed parameters, in a fresh database per test, and its rows are
//! checked. A test that cannot reach the server fails.

mod common;

use clickhouse_connect::{Client, QueryResult};
use common::*;
use sea_query::{Expr, ExprTrait, Query, Table};
use sea_query_clickhouse::{
    AlterTable, ChColumn, ChDelete, ChStatement, ClientExt, CreateDatabase, CreateTable,
    DropDatabase, Engine, Error,
};

fn url() -> String {
    std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into())
}

/// A client on a fresh database named after the test.
async fn fresh(test: &str) -> Client {
    let admin = Client::builder().url(url()).build().expect("client");
    if let Err(e) = admin.ping().await {
        panic!(
            "cannot reach ClickHouse at {} ({e}); run `scripts/dev-servers up` (or set CLICKHOUSE_URL)",
            url()
        );
    }
    let db = format!("dialect_{test}_{}", std::process::id());
    admin
        .execute_statement(&DropDatabase::new(&db).if_exists())
        .await
        .expect("drop database");
    admin
        .execute_statement(&CreateDatabase::new(&db))
        .await
        .expect("create database");
    Client::builder()
        .url(url())
        .database(db)
        .build()
        .expect("client")
}

/// A fresh database with tables `t` and `u`, created and filled by the dialect.
async fn seeded(test: &str) -> Client {
    let client = fresh(test).await;
    client
        .execute_statement(&create_t())
        .await
        .expect("create t");
    client
        .execute_statement(&create_u())
        .await
        .expect("create u");
    client
        .execute_statement(&insert_rows())
        .await
        .expect("insert t");
    let users = Query::insert()
        .into_table("u")
        .columns(["id", "name"])
        .values_panic([1u64.into(), "bob".into()])
        .values_panic([2u64.into(), "alice".into()])
        .values_panic([4u64.into(), "bert".into()])
        .to_owned();
    client.execute_statement(&users).await.expect("insert u");
    client
}

fn rows(result: &QueryResult) -> Vec<String> {
    result
        .result_rows()
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// Runs `stmt` inline and with typed parameters; both must give `expected`.
async fn check(client: &Client, stmt: &impl ChStatement, expected: &[&str], sort: bool) {
    let inline = client
        .query(stmt.to_sql().unwrap())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", stmt.to_sql().unwrap()));
    let typed = client
        .query_statement(stmt)
        .await
        .unwrap_or_else(|e| panic!("{:?}: {e}", stmt.build_typed().unwrap().sql));
    for result in [inline, typed] {
        let mut got = rows(&result);
        if sort {
            got.sort();
        }
        assert_eq!(got, expected, "{}", stmt.to_sql().unwrap());
    }
}

macro_rules! select_test {
    ($name:ident, $stmt:expr, $sort:expr, [$($row:expr),* $(,)?]) => {
        #[tokio::test]
        async fn $name() {
            let client = seeded(stringify!($name)).await;
            check(&client, &$stmt, &[$($row),*], $sort).await;
        }
    };
}

select_test!(
    run_select_where_order_limit,
    select_where_order_limit(),
    false,
    ["2|b"]
);
select_test!(
    run_select_group_having,
    select_group_having(),
    false,
    ["a|1", "a'b|1", "b|1"]
);
select_test!(run_select_in_subquery, select_in_subquery(), false, ["1"]);
select_test!(
    run_ch_select_final_prewhere,
    ch_select_final_prewhere(),
    false,
    ["1", "2"]
);
select_test!(
    run_ch_select_array_join,
    ch_select_array_join(),
    false,
    ["1|y", "2|y"]
);
select_test!(
    run_ch_select_joins,
    ch_select_joins(),
    false,
    ["1|bob", "2|alice", "3|NULL"]
);
select_test!(
    run_ch_select_join_using,
    ch_select_join_using(),
    false,
    ["1|bob", "2|alice"]
);
select_test!(
    run_ch_select_semi_join,
    ch_select_semi_join(),
    false,
    ["1", "2"]
);
select_test!(
    run_ch_select_rollup_totals,
    ch_select_rollup_totals(),
    false,
    ["|7.5", "a|1.5", "a'b|3.5", "b|2.5"]
);
select_test!(
    run_ch_select_with_totals,
    ch_select_with_totals(),
    false,
    ["a|1", "a'b|1", "b|1"]
);
select_test!(
    run_ch_select_limit_by,
    ch_select_limit_by(),
    false,
    ["a|1", "a'b|3", "b|2"]
);
select_test!(
    run_ch_select_distinct_on,
    ch_select_distinct_on(),
    false,
    ["a|1", "a'b|3", "b|2"]
);
select_test!(run_select_union_all, select_union_all(), true, ["1", "2"]);
select_test!(
    run_select_union_distinct,
    select_union_distinct(),
    true,
    ["a", "a'b", "b"]
);
select_test!(run_select_cte, select_cte(), false, ["3"]);
select_test!(
    run_select_functions,
    select_functions(),
    false,
    ["3|3|3|2.5|[1, 2, 3]"]
);
select_test!(
    run_select_if_multiif,
    select_if_multiif(),
    false,
    [
        "lo|one|2024-01-01",
        "hi|two|2024-02-01",
        "hi|many|2024-02-01"
    ]
);

async fn ids(client: &Client) -> Vec<String> {
    let select = Query::select()
        .columns(["id", "score", "note"])
        .from("t")
        .order_by("id", sea_query::Order::Asc)
        .to_owned();
    rows(&client.query_statement(&select).await.expect("select"))
}

#[tokio::test]
async fn lightweight_delete_removes_exactly_the_matching_rows() {
    let client = seeded("lightweight_delete").await;
    client
        .execute_statement(&delete_kind())
        .await
        .expect("delete");
    assert_eq!(ids(&client).await, ["1|1.5|", "3|3.5|"]);
    // A value that looks like SQL deletes nothing.
    let tricky = ChDelete::new(
        Query::delete()
            .from_table("t")
            .and_where(Expr::col("kind").eq("' OR 1=1 --"))
            .to_owned(),
    );
    client.execute_statement(&tricky).await.expect("delete");
    client
        .query(tricky.to_sql().unwrap())
        .await
        .expect("inline delete");
    assert_eq!(ids(&client).await, ["1|1.5|", "3|3.5|"]);
}

#[tokio::test]
async fn delete_with_order_by_or_limit_is_an_error() {
    let mut delete = Query::delete()
        .from_table("t")
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    delete.order_by("id", sea_query::Order::Asc);
    assert!(matches!(delete.to_sql(), Err(Error::Unsupported(_))));
    let limited = Query::delete()
        .from_table("t")
        .and_where(Expr::col("id").eq(1))
        .limit(1)
        .to_owned();
    assert!(matches!(
        ChDelete::new(limited).build_typed(),
        Err(Error::Unsupported(_))
    ));
}

#[tokio::test]
async fn mutations_update_and_delete() {
    let client = seeded("mutations").await;
    client
        .statement_command(&mutation_update())
        .unwrap()
        .setting("mutations_sync", 2)
        .await
        .expect("update");
    client
        .statement_command(&mutation_delete())
        .unwrap()
        .setting("mutations_sync", 2)
        .await
        .expect("delete");
    assert_eq!(ids(&client).await, ["1|3|updated", "2|2.5|"]);
}

#[tokio::test]
async fn alter_table_columns() {
    let client = seeded("alter_table").await;
    let alter = AlterTable::new("u")
        .add_column(ChColumn::new("age", "UInt8").default(Expr::val(7)), true)
        .after("id")
        .add_column(ChColumn::new("age", "UInt8"), true)
        .rename_column("name", "full_name", false)
        .comment_column("age", "years", false);
    client.execute_statement(&alter).await.expect("alter");
    let modify = AlterTable::new("u")
        .modify_column(ChColumn::new("age", "UInt16").default(Expr::val(8)), false);
    client.execute_statement(&modify).await.expect("modify");
    let drop = AlterTable::new("u").drop_column("missing", true);
    client.execute_statement(&drop).await.expect("drop column");
    let cols = client
        .query("SELECT name, type, default_expression, comment FROM system.columns WHERE database = currentDatabase() AND table = 'u' ORDER BY position")
        .await
        .expect("columns");
    assert_eq!(
        rows(&cols),
        [
            "id|UInt64||",
            "age|UInt16|8|years",
            "full_name|Nullable(String)||"
        ]
    );
}

#[tokio::test]
async fn ddl_engines_drop_truncate_rename() {
    let client = fresh("ddl").await;
    let engines = [
        Engine::replacing("ver"),
        Engine::SummingMergeTree(vec![]),
        Engine::CollapsingMergeTree(sea_query::Alias::new("sign").into()),
        Engine::VersionedCollapsingMergeTree(
            sea_query::Alias::new("sign").into(),
            sea_query::Alias::new("ver").into(),
        ),
        Engine::AggregatingMergeTree,
        Engine::Log,
        Engine::TinyLog,
        Engine::StripeLog,
    ];
    for (i, engine) in engines.into_iter().enumerate() {
        let create = CreateTable::new(format!("e{i}"))
            .col(sea_query::ColumnDef::new("id").unsigned().not_null())
            .col(sea_query::ColumnDef::new("ts").date_time().not_null())
            .column(ChColumn::new("sign", "Int8").default(Expr::val(1)))
            .column(ChColumn::new("ver", "UInt32"))
            .column(ChColumn::new("twice", "UInt64").materialized(Expr::col("id").mul(2)))
            .column(ChColumn::new("alias", "UInt64").alias(Expr::col("id").add(1)))
            .engine(engine.clone());
        let create = if matches!(engine, Engine::Log | Engine::TinyLog | Engine::StripeLog) {
            create
        } else {
            create
                .order_by([Expr::col("id")])
                .primary_key([Expr::col("id")])
                .ttl(Expr::cust("toDateTime(`ts`) + INTERVAL 30 DAY"))
        };
        client
            .execute_statement(&create)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", create.to_sql().unwrap()));
    }
    let sampled = CreateTable::new("s")
        .column(ChColumn::new("id", "UInt64"))
        .engine(Engine::MergeTree)
        .order_by([Expr::cust("intHash32(`id`)")])
        .sample_by(Expr::cust("intHash32(`id`)"));
    client.execute_statement(&sampled).await.expect("sample by");
    let rename = Table::rename().table("e0", "renamed").to_owned();
    client.execute_statement(&rename).await.expect("rename");
    let truncate = Table::truncate().table("renamed").to_owned();
    client.execute_statement(&truncate).await.expect("truncate");
    let drop = Table::drop()
        .table("renamed")
        .table("e1")
        .if_exists()
        .to_owned();
    client.execute_statement(&drop).await.expect("drop");
    let cascade = Table::drop().table("e2").cascade().to_owned();
    assert!(matches!(cascade.to_sql(), Err(Error::Unsupported(_))));
    let left = client
        .query("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name")
        .await
        .expect("tables");
    assert_eq!(rows(&left), ["e2", "e3", "e4", "e5", "e6", "e7", "s"]);
}

#[tokio::test]
async fn sea_query_create_table_runs() {
    let client = fresh("sea_create").await;
    let create = Table::create()
        .table("plain")
        .if_not_exists()
        .col(sea_query::ColumnDef::new("id").big_integer().not_null())
        .col(sea_query::ColumnDef::new("price").decimal_len(18, 4))
        .col(sea_query::ColumnDef::new("at").timestamp_with_time_zone())
        .col(
            sea_query::ColumnDef::new("ok")
                .boolean()
                .not_null()
                .default(true),
        )
        .engine("MergeTree")
        .extra("ORDER BY id")
        .to_owned();
    client.execute_statement(&create).await.expect("create");
    let cols = client
        .query("SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'plain' ORDER BY position")
        .await
        .expect("columns");
    assert_eq!(
        rows(&cols),
        [
            "id|Int64",
            "price|Nullable(Decimal(18, 4))",
            "at|Nullable(DateTime64(6, 'UTC'))",
            "ok|Bool"
        ]
    );
}

#[tokio::test]
async fn every_value_kind_reads_back_the_same_inline_and_typed() {
    use chrono::{NaiveDate, TimeZone, Utc};
    let client = fresh("value_kinds").await;
    let day = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()
        + chrono::Duration::microseconds(123_456);
    let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let dec: rust_decimal::Decimal = "-12.345".parse().unwrap();
    let select = Query::select()
        .expr_as(Expr::val(true), "b")
        .expr_as(Expr::val(day), "d")
        .expr_as(Expr::val(at), "t")
        .expr_as(Expr::val(id), "u")
        .expr_as(Expr::val(dec), "m")
        .expr_as(Expr::val(sea_query::Value::Int(None)), "n")
        .expr_as(Expr::val(vec![1i32, 2]), "a")
        .expr_as(Expr::val(vec!["x'y".to_owned(), "\\".to_owned()]), "s")
        .expr_as(Expr::val(-1.25f64), "f")
        .expr_as(Expr::val(i64::MIN), "i")
        .expr_as(Expr::val(u64::MAX), "w")
        .to_owned();
    check(
        &client,
        &select,
        &[r"true|2024-01-02|2024-01-02 03:04:05.123456|01234567-89ab-cdef-0123-456789abcdef|-12.345|NULL|[1, 2]|['x\'y', '\\']|-1.25|-9223372036854775808|18446744073709551615"],
        false,
    )
    .await;
}

#[tokio::test]
async fn typed_insert_values_land_every_row() {
    let client = seeded("typed_insert").await;
    let select = Query::select()
        .expr(sea_query::Func::count(Expr::col("id")))
        .from("t")
        .to_owned();
    check(&client, &select, &["3"], false).await;
}
