//! Execution tests on the ClickHouse 26.9 engine (`CLICKHOUSE_URL`, default
//! http://127.0.0.1:28123; start it with `scripts/dev-servers up`). Every golden statement is
//! run twice, inline and with typed parameters, in a fresh database per test, and its rows are
//! checked. A test that cannot reach the server fails.

mod common;

use clickhouse_connect::{Client, QueryResult};
use common::*;
use sea_query::{Expr, ExprTrait, Query, Table};
use sea_query_clickhouse::{
    AlterTable, ChColumn, ChDelete, ChFunc, ChJoin, ChSelect, ChStatement, ClientExt,
    CreateDatabase, CreateTable, DropDatabase, Engine, Error, JoinKind, Mutation, Strictness,
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

/// Runs `stmt` inline and typed, and `hand` (the same query written by hand); all three must
/// give `expected`.
async fn check_with_hand(
    client: &Client,
    stmt: &impl ChStatement,
    hand: &str,
    expected: &[&str],
    sort: bool,
) {
    check(client, stmt, expected, sort).await;
    let result = client
        .query(hand)
        .await
        .unwrap_or_else(|e| panic!("{hand}: {e}"));
    let mut got = rows(&result);
    if sort {
        got.sort();
    }
    assert_eq!(got, expected, "{hand}");
}

fn array_rows(values: Vec<i32>) -> sea_query::SelectStatement {
    Query::select()
        .expr_as(ChFunc::array_join(Expr::val(values)), "a")
        .to_owned()
}

#[tokio::test]
async fn intersect_and_except_run_distinct_and_all() {
    let client = fresh("set_operations").await;
    let mut distinct = array_rows(vec![1, 1, 3]);
    distinct.union(
        sea_query::UnionType::Intersect,
        array_rows(vec![1, 1, 3, 4]),
    );
    check_with_hand(
        &client,
        &distinct,
        "SELECT arrayJoin([1, 1, 3]) AS a INTERSECT DISTINCT SELECT arrayJoin([1, 1, 3, 4]) AS a",
        &["1", "3"],
        true,
    )
    .await;
    let mut all = ChSelect::new(array_rows(vec![1, 1, 3]));
    all.intersect_all(array_rows(vec![1, 1, 3, 4]));
    check_with_hand(
        &client,
        &all,
        "SELECT arrayJoin([1, 1, 3]) AS a INTERSECT ALL SELECT arrayJoin([1, 1, 3, 4]) AS a",
        &["1", "1", "3"],
        true,
    )
    .await;
    let mut except = array_rows(vec![1, 1, 3, 5]);
    except.union(sea_query::UnionType::Except, array_rows(vec![1]));
    check_with_hand(
        &client,
        &except,
        "SELECT arrayJoin([1, 1, 3, 5]) AS a EXCEPT DISTINCT SELECT arrayJoin([1]) AS a",
        &["3", "5"],
        true,
    )
    .await;
    let mut except_all = ChSelect::new(array_rows(vec![1, 1, 3, 5]));
    except_all.except_all(array_rows(vec![1]));
    check_with_hand(
        &client,
        &except_all,
        "SELECT arrayJoin([1, 1, 3, 5]) AS a EXCEPT ALL SELECT arrayJoin([1]) AS a",
        &["1", "3", "5"],
        true,
    )
    .await;
}

#[tokio::test]
async fn ilike_and_not_ilike_run() {
    use sea_query::extension::postgres::PgExpr;
    let client = seeded("ilike").await;
    let ilike = Query::select()
        .column("id")
        .from("t")
        .and_where(Expr::col("kind").ilike("A%"))
        .order_by("id", sea_query::Order::Asc)
        .to_owned();
    check_with_hand(
        &client,
        &ilike,
        "SELECT id FROM t WHERE kind ILIKE 'A%' ORDER BY id",
        &["1", "3"],
        false,
    )
    .await;
    let not_ilike = Query::select()
        .column("id")
        .from("t")
        .and_where(Expr::col("kind").not_ilike("A%"))
        .to_owned();
    check_with_hand(
        &client,
        &not_ilike,
        "SELECT id FROM t WHERE kind NOT ILIKE 'A%'",
        &["2"],
        false,
    )
    .await;
}

#[tokio::test]
async fn cross_join_runs_without_a_condition() {
    let client = seeded("cross_join").await;
    let mut s = ChSelect::new(
        Query::select()
            .column(("t", "id"))
            .expr_as(Expr::col(("u", "id")), "uid")
            .from("t")
            .order_by(("t", "id"), sea_query::Order::Asc)
            .order_by("uid", sea_query::Order::Asc)
            .limit(4)
            .to_owned(),
    );
    s.cross_join("u");
    check_with_hand(
        &client,
        &s,
        "SELECT t.id, u.id AS uid FROM t CROSS JOIN u ORDER BY t.id, uid LIMIT 4",
        &["1|1", "1|2", "1|4", "2|1"],
        false,
    )
    .await;
}

#[tokio::test]
async fn limit_by_with_an_offset_runs() {
    let client = fresh("limit_by_offset").await;
    let numbers = sea_query::TableRef::FunctionCall(
        sea_query::Func::cust("numbers").arg(10),
        sea_query::Alias::new("n").into(),
    );
    let mut s = ChSelect::new(
        Query::select()
            .expr_as(Expr::cust("number % 2"), "k")
            .column("number")
            .from(numbers)
            .order_by("k", sea_query::Order::Asc)
            .order_by("number", sea_query::Order::Asc)
            .to_owned(),
    );
    s.limit_by_offset(1, 2, [Expr::col("k")]);
    check_with_hand(
        &client,
        &s,
        "SELECT number % 2 AS k, number FROM numbers(10) ORDER BY k, number LIMIT 1, 2 BY k",
        &["0|2", "0|4", "1|3", "1|5"],
        false,
    )
    .await;
}

#[tokio::test]
async fn a_statement_with_format_is_refused_on_the_typed_path() {
    let client = seeded("format").await;
    let mut s = ChSelect::new(Query::select().column("id").from("t").to_owned());
    s.format("JSONEachRow");
    let err = client.query_statement(&s).await.unwrap_err();
    match &err {
        Error::Unsupported(message) => {
            assert!(message.contains("FORMAT JSONEachRow"), "{message}");
            assert!(message.contains("raw-bytes"), "{message}");
        }
        other => panic!("expected Unsupported, got {other}"),
    }
    assert!(matches!(
        client.statement_query(&s),
        Err(Error::Unsupported(_))
    ));
    // The same statement without FORMAT runs.
    let plain = ChSelect::new(s.inner().clone());
    let result = client.query_statement(&plain).await.expect("query");
    assert_eq!(result.row_count(), 3);
}

/// The join matrix: every kind with every strictness. The dialect accepts exactly the joins
/// the 26.9 engine runs, and those return the rows of the same join written by hand.
#[tokio::test]
async fn join_kinds_and_strictness_match_the_server() {
    let client = fresh("join_matrix").await;
    for sql in [
        "CREATE TABLE a (n UInt64, k UInt8) ENGINE = Memory",
        "CREATE TABLE b (n UInt64, k UInt8) ENGINE = Memory",
        "INSERT INTO a VALUES (0, 1), (1, 1), (2, 1)",
        "INSERT INTO b VALUES (0, 1), (1, 1)",
    ] {
        client.command(sql).await.expect(sql);
    }
    let kinds = [
        (JoinKind::Inner, "INNER"),
        (JoinKind::Left, "LEFT"),
        (JoinKind::LeftOuter, "LEFT OUTER"),
        (JoinKind::Right, "RIGHT"),
        (JoinKind::RightOuter, "RIGHT OUTER"),
        (JoinKind::Full, "FULL"),
        (JoinKind::FullOuter, "FULL OUTER"),
        (JoinKind::Cross, "CROSS"),
    ];
    let strictnesses = [
        (None, ""),
        (Some(Strictness::Any), "ANY "),
        (Some(Strictness::All), "ALL "),
        (Some(Strictness::Asof), "ASOF "),
        (Some(Strictness::Semi), "SEMI "),
        (Some(Strictness::Anti), "ANTI "),
    ];
    let mut accepted = 0;
    for global in [false, true] {
        for (kind, kind_sql) in kinds {
            for (strictness, strictness_sql) in strictnesses {
                let mut join = ChJoin::new(kind);
                if let Some(s) = strictness {
                    join = join.strictness(s);
                }
                if global {
                    join = join.global();
                }
                let (on, on_sql) = match (kind, strictness) {
                    (JoinKind::Cross, _) => (sea_query::Condition::all(), String::new()),
                    (_, Some(Strictness::Asof)) => (
                        sea_query::Condition::all()
                            .add(Expr::col(("a", "k")).equals(("b", "k")))
                            .add(Expr::col(("a", "n")).gte(Expr::col(("b", "n")))),
                        " ON `a`.`k` = `b`.`k` AND `a`.`n` >= `b`.`n`".to_owned(),
                    ),
                    _ => (
                        sea_query::Condition::all().add(Expr::col(("a", "n")).equals(("b", "n"))),
                        " ON `a`.`n` = `b`.`n`".to_owned(),
                    ),
                };
                let mut s = ChSelect::new(
                    Query::select()
                        .expr_as(Expr::col(("a", "n")), "an")
                        .expr_as(Expr::col(("b", "n")), "bn")
                        .from("a")
                        .order_by("an", sea_query::Order::Asc)
                        .order_by("bn", sea_query::Order::Asc)
                        .to_owned(),
                );
                s.join(join, "b", on);
                let global_sql = if global { "GLOBAL " } else { "" };
                let hand = format!(
                    "SELECT `a`.`n` AS `an`, `b`.`n` AS `bn` FROM `a` {global_sql}{strictness_sql}{kind_sql} JOIN `b`{on_sql} ORDER BY `an` ASC, `bn` ASC"
                );
                let server = client.query(hand.clone()).await;
                match (s.to_sql(), server) {
                    (Ok(sql), Ok(result)) => {
                        accepted += 1;
                        assert_eq!(sql, hand);
                        check(
                            &client,
                            &s,
                            &rows(&result).iter().map(String::as_str).collect::<Vec<_>>(),
                            false,
                        )
                        .await;
                    }
                    (Err(Error::Unsupported(_)), Err(_)) => {}
                    (dialect, server) => panic!(
                        "{hand}: the dialect says {:?}, the server {:?}",
                        dialect.map(|_| "ok"),
                        server.map(|_| "ok").map_err(|e| e.to_string())
                    ),
                }
            }
        }
    }
    // 8 kinds without strictness, ANY on 5, ALL on 7, ASOF on 3, SEMI and ANTI on 4: twice.
    assert_eq!(accepted, 2 * (8 + 5 + 7 + 3 + 4 + 4));
}

#[tokio::test]
async fn sea_query_dates_are_date_columns() {
    let client = fresh("date_columns").await;
    let create = CreateTable::new("d")
        .col(sea_query::ColumnDef::new("day").date().not_null())
        .col(sea_query::ColumnDef::new("maybe").date())
        .col(
            sea_query::ColumnDef::new("wide")
                .custom("Date32")
                .not_null(),
        )
        .engine(Engine::MergeTree)
        .order_by([Expr::col("day")]);
    assert_eq!(
        create.to_sql().unwrap(),
        "CREATE TABLE `d` (`day` Date, `maybe` Nullable(Date), `wide` Date32) ENGINE = MergeTree ORDER BY `day`"
    );
    client.execute_statement(&create).await.expect("create");
    let stock = Table::create()
        .table("s")
        .col(sea_query::ColumnDef::new("day").date().not_null())
        .engine("Memory")
        .to_owned();
    client.execute_statement(&stock).await.expect("create s");
    let cols = client
        .query("SELECT table, name, type FROM system.columns WHERE database = currentDatabase() ORDER BY table, position")
        .await
        .expect("columns");
    assert_eq!(
        rows(&cols),
        [
            "d|day|Date",
            "d|maybe|Nullable(Date)",
            "d|wide|Date32",
            "s|day|Date"
        ]
    );
    // Date values (sent as Date32) land in the Date column and compare with it.
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let old = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    let insert = Query::insert()
        .into_table("d")
        .columns(["day", "maybe", "wide"])
        .values_panic([
            day.into(),
            sea_query::Value::ChronoDate(None).into(),
            old.into(),
        ])
        .to_owned();
    client.execute_statement(&insert).await.expect("insert");
    let select = Query::select()
        .columns(["day", "maybe", "wide"])
        .from("d")
        .and_where(Expr::col("day").eq(day))
        .to_owned();
    check_with_hand(
        &client,
        &select,
        "SELECT day, maybe, wide FROM d WHERE day = '2024-02-29'",
        &["2024-02-29|NULL|1950-01-01"],
        false,
    )
    .await;
}

/// The rows of `t` after `dialect` ran in one fresh database and `hand` in another.
async fn same_effect(test: &str, dialect: &impl ChStatement, hand: &str) -> Vec<String> {
    let ours = seeded(&format!("{test}_dialect")).await;
    let theirs = seeded(&format!("{test}_hand")).await;
    ours.execute_statement(dialect)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", dialect.to_sql().unwrap()));
    theirs
        .command(hand)
        .await
        .unwrap_or_else(|e| panic!("{hand}: {e}"));
    let (a, b) = (ids(&ours).await, ids(&theirs).await);
    assert_eq!(a, b, "{hand}");
    a
}

#[tokio::test]
async fn mutation_and_delete_settings_reach_the_server() {
    let update = Mutation::update("t")
        .value("note", "synced")
        .and_where(Expr::col("id").gte(2u64))
        .settings("mutations_sync", 2);
    // With mutations_sync = 2 the rows have changed when the statement returns.
    let after = same_effect(
        "mutation_settings",
        &update,
        "ALTER TABLE t UPDATE note = 'synced' WHERE id >= 2 SETTINGS mutations_sync = 2",
    )
    .await;
    assert_eq!(after, ["1|1.5|", "2|2.5|synced", "3|3.5|synced"]);
    let delete = ChDelete::new(
        Query::delete()
            .from_table("t")
            .and_where(Expr::col("id").eq(2u64))
            .to_owned(),
    )
    .settings("lightweight_deletes_sync", 2);
    let after = same_effect(
        "delete_settings",
        &delete,
        "DELETE FROM t WHERE id = 2 SETTINGS lightweight_deletes_sync = 2",
    )
    .await;
    assert_eq!(after, ["1|1.5|", "3|3.5|"]);
    // The clause is read as settings: an unknown one is the server's error.
    let client = seeded("unknown_setting").await;
    let unknown = Mutation::delete("t")
        .and_where(Expr::col("id").eq(1u64))
        .settings("no_such_setting", 1);
    let err = client.execute_statement(&unknown).await.unwrap_err();
    assert!(err.to_string().contains("UNKNOWN_SETTING"), "{err}");
}

#[tokio::test]
async fn views_and_materialized_views_run_like_the_hand_written_ones() {
    use sea_query_clickhouse::{CreateView, DropView};
    let client = seeded("views").await;
    let select = Query::select()
        .columns(["id", "kind"])
        .from("t")
        .and_where(Expr::col("score").gt(2))
        .to_owned();
    // A plain view with a column list and a comment.
    let view = CreateView::new("v", select.clone())
        .column(ChColumn::new("id", "UInt64"))
        .column(ChColumn::new("kind", "String"))
        .comment("big scores");
    client.execute_statement(&view).await.expect("view");
    client
        .command("CREATE VIEW v_hand (id UInt64, kind String) AS SELECT id, kind FROM t WHERE score > 2 COMMENT 'big scores'")
        .await
        .expect("hand view");
    let from_view = Query::select()
        .columns(["id", "kind"])
        .from("v")
        .order_by("id", sea_query::Order::Asc)
        .to_owned();
    check_with_hand(
        &client,
        &from_view,
        "SELECT id, kind FROM v_hand ORDER BY id",
        &["2|b", "3|a'b"],
        false,
    )
    .await;
    // OR REPLACE swaps the query.
    let replaced = CreateView::new(
        "v",
        Query::select().columns(["id", "kind"]).from("t").to_owned(),
    )
    .or_replace();
    client
        .execute_statement(&replaced)
        .await
        .expect("or replace");
    let count = Query::select()
        .expr(sea_query::Func::count(Expr::col("id")))
        .from("v")
        .to_owned();
    check(&client, &count, &["3"], false).await;

    // A materialized view into a table, and one with its own storage, filled by POPULATE.
    for sql in [
        "CREATE TABLE dst (id UInt64, kind String) ENGINE = MergeTree ORDER BY id",
        "CREATE TABLE dst_hand (id UInt64, kind String) ENGINE = MergeTree ORDER BY id",
        "CREATE MATERIALIZED VIEW mv_to_hand TO dst_hand AS SELECT id, kind FROM t WHERE score > 2",
        "CREATE MATERIALIZED VIEW mv_own_hand ENGINE = MergeTree ORDER BY id POPULATE AS SELECT id, kind FROM t WHERE score > 2",
    ] {
        client.command(sql).await.expect(sql);
    }
    let to = CreateView::materialized("mv_to", select.clone()).to("dst");
    let own = CreateView::materialized("mv_own", select)
        .engine(Engine::MergeTree)
        .order_by([Expr::col("id")])
        .populate();
    client.execute_statement(&to).await.expect("mv to");
    client.execute_statement(&own).await.expect("mv own");
    client
        .command("INSERT INTO t (id, kind, score, tags, day) VALUES (4, 'c', 9, [], '2024-03-01'), (5, 'd', 0, [], '2024-03-01')")
        .await
        .expect("insert");
    for (ours, theirs, expected) in [
        ("dst", "dst_hand", &["4|c"][..]),
        ("mv_own", "mv_own_hand", &["2|b", "3|a'b", "4|c"][..]),
    ] {
        let select = Query::select()
            .columns(["id", "kind"])
            .from(ours)
            .order_by("id", sea_query::Order::Asc)
            .to_owned();
        check_with_hand(
            &client,
            &select,
            &format!("SELECT id, kind FROM {theirs} ORDER BY id"),
            expected,
            false,
        )
        .await;
    }
    let engines = client
        .query("SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name IN ('v', 'mv_to', 'mv_own') ORDER BY name")
        .await
        .expect("tables");
    assert_eq!(
        rows(&engines),
        [
            "mv_own|MaterializedView",
            "mv_to|MaterializedView",
            "v|View"
        ]
    );
    for name in ["v", "mv_to", "mv_own"] {
        client
            .execute_statement(&DropView::new(name).sync())
            .await
            .expect("drop view");
    }
    client
        .execute_statement(&DropView::new("v").if_exists())
        .await
        .expect("drop missing view");
    let left = client
        .query("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name IN ('v', 'mv_to', 'mv_own')")
        .await
        .expect("tables");
    assert_eq!(rows(&left), ["0"]);
    // DROP VIEW does not drop a table.
    let err = client
        .execute_statement(&DropView::new("t"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a View"), "{err}");
}

/// Runs `dialect` and `hand` (the same statement written by hand); both must fail with the
/// server error named `name` (the statement was read, and refused for what the server lacks).
async fn same_server_error(client: &Client, dialect: &str, hand: &str, name: &str) {
    for sql in [dialect, hand] {
        let err = client
            .command(sql)
            .await
            .expect_err(&format!("the server ran {sql}"));
        assert!(err.to_string().contains(name), "{sql}: {err}");
    }
}

#[tokio::test]
async fn database_engines_with_arguments_run() {
    let client = fresh("database_engines").await;
    let dir = std::env::temp_dir().join(format!("dialect_fs_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let dir = dir.to_string_lossy().into_owned();
    let ours = format!("dialect_fs_db_{}", std::process::id());
    let theirs = format!("{ours}_hand");
    for db in [&ours, &theirs] {
        client
            .execute_statement(&DropDatabase::new(db).if_exists())
            .await
            .expect("drop");
    }
    let create =
        CreateDatabase::new(&ours).engine_with_args("Filesystem", [Expr::val(dir.clone())]);
    client.execute_statement(&create).await.expect("create");
    client
        .command(format!(
            "CREATE DATABASE {theirs} ENGINE = Filesystem('{dir}')"
        ))
        .await
        .expect("hand");
    let engines = client
        .query(format!("SELECT engine_full FROM system.databases WHERE name IN ('{ours}', '{theirs}') ORDER BY name"))
        .await
        .expect("databases");
    let engines = rows(&engines);
    assert_eq!(engines.len(), 2);
    assert_eq!(engines[0], engines[1]);
    assert!(engines[0].starts_with("Filesystem("), "{engines:?}");
    for db in [&ours, &theirs] {
        client
            .execute_statement(&DropDatabase::new(db))
            .await
            .expect("drop");
    }
    // Replicated needs a keeper the 26.9 engine has not: the statement is read, and refused
    // for the same reason as the hand-written one.
    let replicated = CreateDatabase::new("dialect_replicated").engine_with_args(
        "Replicated",
        ["/clickhouse/databases/r", "s1", "r1"].map(Expr::val),
    );
    same_server_error(
        &client,
        &replicated.to_sql().unwrap(),
        "CREATE DATABASE dialect_replicated ENGINE = Replicated('/clickhouse/databases/r', 's1', 'r1')",
        "NO_ZOOKEEPER",
    )
    .await;
}

#[tokio::test]
async fn graphite_and_custom_engines_run() {
    let client = fresh("custom_engines").await;
    let columns = || {
        CreateTable::new("x")
            .column(ChColumn::new("Path", "String"))
            .column(ChColumn::new("Time", "DateTime"))
            .column(ChColumn::new("Value", "Float64"))
            .column(ChColumn::new("Version", "UInt32"))
    };
    // GraphiteMergeTree needs a rollup section the local engines' configurations lack: the
    // statement is read and refused for that, exactly as the hand-written one.
    let graphite = columns()
        .engine(Engine::GraphiteMergeTree("graphite_rollup".into()))
        .order_by([Expr::col("Path"), Expr::col("Time")]);
    same_server_error(
        &client,
        &graphite.to_sql().unwrap(),
        "CREATE TABLE x (Path String, Time DateTime, Value Float64, Version UInt32) ENGINE = GraphiteMergeTree('graphite_rollup') ORDER BY (Path, Time)",
        "'graphite_rollup' element",
    )
    .await;
    let replicated = columns()
        .engine(Engine::Replicated {
            path: "/clickhouse/tables/x".into(),
            replica: "r1".into(),
            inner: Box::new(Engine::GraphiteMergeTree("graphite_rollup".into())),
        })
        .order_by([Expr::col("Path"), Expr::col("Time")]);
    same_server_error(
        &client,
        &replicated.to_sql().unwrap(),
        "CREATE TABLE x (Path String, Time DateTime, Value Float64, Version UInt32) ENGINE = ReplicatedGraphiteMergeTree('/clickhouse/tables/x', 'r1', 'graphite_rollup') ORDER BY (Path, Time)",
        "'graphite_rollup' element",
    )
    .await;

    // Engines the enum does not list, with raw arguments.
    let target = CreateTable::new("target")
        .column(ChColumn::new("id", "UInt64"))
        .column(ChColumn::new("v", "String"))
        .engine(Engine::MergeTree)
        .order_by([Expr::col("id")]);
    client.execute_statement(&target).await.expect("target");
    let customs = [
        (
            "buffer",
            Engine::custom(
                "Buffer",
                [
                    Expr::cust("currentDatabase()"),
                    Expr::val("target"),
                    Expr::val(1),
                    Expr::val(10),
                    Expr::val(100),
                    Expr::val(10000),
                    Expr::val(1000000),
                    Expr::val(10000000),
                    Expr::val(100000000),
                ],
            ),
            "Buffer(currentDatabase(), 'target', 1, 10, 100, 10000, 1000000, 10000000, 100000000)",
        ),
        (
            "joined",
            Engine::custom(
                "Join",
                [Expr::cust("ANY"), Expr::cust("LEFT"), Expr::col("id")],
            ),
            "Join(ANY, LEFT, id)",
        ),
        (
            "nothing",
            Engine::custom("Null", Vec::<Expr>::new()),
            "Null",
        ),
        ("members", Engine::custom("Set", Vec::<Expr>::new()), "Set"),
    ];
    for (name, engine, hand_engine) in customs {
        let create = CreateTable::new(name)
            .column(ChColumn::new("id", "UInt64"))
            .column(ChColumn::new("v", "String"))
            .engine(engine);
        client
            .execute_statement(&create)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", create.to_sql().unwrap()));
        client
            .command(format!(
                "CREATE TABLE {name}_hand (id UInt64, v String) ENGINE = {hand_engine}"
            ))
            .await
            .expect("hand");
        let engines = client
            .query(format!("SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name IN ('{name}', '{name}_hand') ORDER BY name"))
            .await
            .expect("tables");
        let engines = rows(&engines);
        assert_eq!(engines.len(), 2, "{name}");
        assert_eq!(engines[0], engines[1], "{name}");
    }
    // The Buffer table passes rows on to its target.
    client
        .command("INSERT INTO buffer VALUES (1, 'a')")
        .await
        .expect("insert");
    let through = Query::select()
        .columns(["id", "v"])
        .from("buffer")
        .to_owned();
    check(&client, &through, &["1|a"], false).await;
}
