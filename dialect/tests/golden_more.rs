//! More golden SQL: ClickHouse-only clauses, DDL, literals and typed parameters, and the
//! errors for constructs ClickHouse does not have. One test per variant.

use chrono::{NaiveDate, TimeZone, Utc};
use sea_query::{Alias, ColumnDef, Expr, ExprTrait, Func, Index, Order, Query, Table, Value};
use sea_query_clickhouse::{
    AlterTable, ArrayJoin, ChColumn, ChDelete, ChJoin, ChSelect, ChStatement,
    ClickHouseQueryBuilder as CH, CreateDatabase, CreateTable, DropDatabase, Engine, Error,
    JoinKind, Mutation, column_type,
};

fn select_t() -> sea_query::SelectStatement {
    Query::select().column("a").from("t").to_owned()
}

#[test]
fn sample_offset_format_left_array_join() {
    let mut s = ChSelect::new(select_t());
    s.sample_offset(0.1, 0.5)
        .array_join(
            ArrayJoin::new(Expr::col("xs"), Some("x"))
                .and(Expr::col("ys"), None)
                .left(),
        )
        .format("JSONEachRow");
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` SAMPLE 0.1 OFFSET 0.5 LEFT ARRAY JOIN `xs` AS `x`, `ys` FORMAT JSONEachRow"
    );
}

#[test]
fn global_full_outer_and_cross_joins() {
    let mut s = ChSelect::new(select_t());
    s.join(
        ChJoin::new(JoinKind::FullOuter).global(),
        "u",
        Expr::col(("t", "id")).equals(("u", "id")),
    )
    .cross_join("v")
    .join(
        ChJoin::left().asof(),
        "w",
        Expr::col(("t", "ts")).gte(Expr::col(("w", "ts"))),
    );
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` GLOBAL FULL OUTER JOIN `u` ON `t`.`id` = `u`.`id` CROSS JOIN `v` ASOF LEFT JOIN `w` ON `t`.`ts` >= `w`.`ts`"
    );
}

#[test]
fn joins_already_on_the_statement_keep_their_place() {
    let mut inner = select_t();
    inner.left_join("u", Expr::col(("t", "id")).equals(("u", "id")));
    let mut s = ChSelect::new(inner);
    s.join(
        ChJoin::inner().any(),
        "v",
        Expr::col(("t", "id")).equals(("v", "id")),
    );
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` LEFT JOIN `u` ON `t`.`id` = `u`.`id` ANY INNER JOIN `v` ON `t`.`id` = `v`.`id`"
    );
}

#[test]
fn subquery_in_from_and_join_keeps_parameter_order() {
    let sub = Query::select()
        .column("id")
        .from("u")
        .and_where(Expr::col("z").eq(99))
        .to_owned();
    let mut s = ChSelect::new(
        Query::select()
            .column("a")
            .from_subquery(sub.clone(), "s")
            .and_where(Expr::col("a").eq(2))
            .to_owned(),
    );
    s.prewhere(Expr::col("b").eq(1));
    s.join(
        ChJoin::left().all(),
        sea_query::TableRef::SubQuery(sub.into(), Alias::new("j").into()),
        Expr::col(("j", "id")).equals(("s", "id")),
    );
    let typed = s.build_typed().unwrap();
    assert_eq!(
        typed.sql,
        "SELECT `a` FROM (SELECT `id` FROM `u` WHERE `z` = {p1:Int32}) AS `s` ALL LEFT JOIN (SELECT `id` FROM `u` WHERE `z` = {p2:Int32}) AS `j` ON `j`.`id` = `s`.`id` PREWHERE `b` = {p3:Int32} WHERE `a` = {p4:Int32}"
    );
    let values: Vec<String> = typed
        .params
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    assert_eq!(values, ["p1=99", "p2=99", "p3=1", "p4=2"]);
}

#[test]
fn invalid_join_setting_and_format_are_errors() {
    let mut s = ChSelect::new(select_t());
    s.join(ChJoin::full().semi(), "u", Expr::val(true));
    assert!(matches!(s.to_sql(), Err(Error::Unsupported(_))));
    let mut s = ChSelect::new(select_t());
    s.settings("max_threads = 1; DROP TABLE t", 1);
    assert!(matches!(s.to_sql(), Err(Error::InvalidInput(_))));
    let mut s = ChSelect::new(select_t());
    s.format("JSON; DROP");
    assert!(matches!(s.to_sql(), Err(Error::InvalidInput(_))));
    let mut s = ChSelect::new(select_t());
    s.settings("comment", "it's");
    assert_eq!(
        s.to_sql().unwrap(),
        r"SELECT `a` FROM `t` SETTINGS comment = 'it\'s'"
    );
}

#[test]
fn delete_on_cluster_in_partition() {
    let d = ChDelete::new(
        Query::delete()
            .from_table(("db", "t"))
            .and_where(Expr::col("id").eq(5))
            .to_owned(),
    )
    .on_cluster("c1")
    .in_partition(Expr::val("2024-01"));
    let typed = d.build_typed().unwrap();
    assert_eq!(
        typed.sql,
        "DELETE FROM `db`.`t` ON CLUSTER `c1` IN PARTITION '2024-01' WHERE `id` = {p1:Int32}"
    );
}

#[test]
fn delete_without_where_is_an_error() {
    let d = Query::delete().from_table("t").to_owned();
    assert!(matches!(d.to_sql(), Err(Error::Unsupported(_))));
}

#[test]
fn mutation_on_cluster_in_partition() {
    let m = Mutation::delete("t")
        .on_cluster("c")
        .in_partition(Expr::val(202401))
        .and_where(Expr::col("a").eq("x"));
    assert_eq!(
        m.to_sql().unwrap(),
        "ALTER TABLE `t` ON CLUSTER `c` DELETE IN PARTITION 202401 WHERE `a` = 'x'"
    );
    assert!(matches!(
        Mutation::delete("t").to_sql(),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn create_table_on_cluster_replicated_sample_ttl() {
    let create = CreateTable::new(("db", "events"))
        .on_cluster("main")
        .column(ChColumn::new("id", "UInt64"))
        .column(ChColumn::new("ts", "DateTime").ttl(Expr::cust("ts + INTERVAL 1 DAY")))
        .column(ChColumn::new("raw", "String").ephemeral(None))
        .column(ChColumn::new("n", "Int32").null())
        .engine(Engine::Replicated {
            path: "/clickhouse/tables/{shard}/events".into(),
            replica: "{replica}".into(),
            inner: Box::new(Engine::replacing("id")),
        })
        .order_by([Expr::col("id"), Expr::col("ts")])
        .primary_key([Expr::col("id")])
        .sample_by(Expr::col("id"))
        .ttl(Expr::cust("ts + INTERVAL 30 DAY"));
    assert_eq!(
        create.to_sql().unwrap(),
        "CREATE TABLE `db`.`events` ON CLUSTER `main` (`id` UInt64, `ts` DateTime TTL ts + INTERVAL 1 DAY, `raw` String EPHEMERAL, `n` Nullable(Int32)) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/events', '{replica}', `id`) ORDER BY (`id`, `ts`) PRIMARY KEY `id` SAMPLE BY `id` TTL ts + INTERVAL 30 DAY"
    );
}

#[test]
fn distributed_and_summing_engines() {
    let d = Engine::Distributed {
        cluster: "c".into(),
        database: "db".into(),
        table: "t".into(),
        sharding_key: Some(Func::cust("rand").into()),
    };
    assert_eq!(d.to_sql().unwrap(), "Distributed('c', 'db', 't', rand())");
    let s = Engine::SummingMergeTree(vec![Alias::new("a").into(), Alias::new("b").into()]);
    assert_eq!(s.to_sql().unwrap(), "SummingMergeTree((`a`, `b`))");
    let bad = Engine::Replicated {
        path: "p".into(),
        replica: "r".into(),
        inner: Box::new(Engine::Memory),
    };
    assert!(bad.to_sql().is_err());
}

#[test]
fn create_and_drop_database() {
    assert_eq!(
        CreateDatabase::new("d")
            .on_cluster("c")
            .comment("x")
            .to_sql()
            .unwrap(),
        "CREATE DATABASE `d` ON CLUSTER `c` COMMENT 'x'"
    );
    assert_eq!(
        DropDatabase::new("d")
            .if_exists()
            .on_cluster("c")
            .sync()
            .to_sql()
            .unwrap(),
        "DROP DATABASE IF EXISTS `d` ON CLUSTER `c` SYNC"
    );
    assert!(
        CreateDatabase::new("d")
            .engine("Atomic; DROP")
            .to_sql()
            .is_err()
    );
}

#[test]
fn alter_table_every_column_change() {
    let alter = AlterTable::new("t")
        .on_cluster("c")
        .add_column(ChColumn::new("a", "Int8"), false)
        .first()
        .modify_column(ColumnDef::new("b").string().to_owned(), true)
        .after("a")
        .rename_column("c", "d", true)
        .comment_column("d", "it's", true)
        .drop_column("e", false);
    assert_eq!(
        alter.to_sql().unwrap(),
        r"ALTER TABLE `t` ON CLUSTER `c` ADD COLUMN `a` Int8 FIRST, MODIFY COLUMN IF EXISTS `b` Nullable(String) AFTER `a`, RENAME COLUMN IF EXISTS `c` TO `d`, COMMENT COLUMN IF EXISTS `d` 'it\'s', DROP COLUMN `e`"
    );
}

#[test]
fn sea_query_table_statements() {
    let create = Table::create()
        .table("t")
        .col(ColumnDef::new("id").unsigned().not_null().primary_key())
        .col(ColumnDef::new("name").string_len(10).default("x"))
        .col(ColumnDef::new("ok").boolean())
        .engine("MergeTree")
        .extra("ORDER BY id")
        .to_owned();
    assert_eq!(
        create.to_string(CH),
        "CREATE TABLE `t` ( `id` UInt32, `name` Nullable(String) DEFAULT 'x', `ok` Nullable(Bool) ) ENGINE=MergeTree ORDER BY id"
    );
    let commented = Table::create()
        .table("t")
        .col(ColumnDef::new("id").integer().not_null())
        .engine("Memory")
        .comment("c")
        .to_owned();
    assert_eq!(
        commented.to_string(CH),
        "CREATE TABLE `t` ( `id` Int32 ) ENGINE=Memory COMMENT 'c'"
    );
    assert_eq!(
        Table::drop()
            .table("t")
            .if_exists()
            .to_owned()
            .to_string(CH),
        "DROP TABLE IF EXISTS `t`"
    );
    assert_eq!(
        Table::truncate().table("t").to_owned().to_string(CH),
        "TRUNCATE TABLE `t`"
    );
    assert_eq!(
        Table::rename().table("a", "b").to_owned().to_string(CH),
        "RENAME TABLE `a` TO `b`"
    );
    let auto = Table::create()
        .table("t")
        .col(ColumnDef::new("id").integer().auto_increment())
        .to_owned();
    assert!(matches!(auto.to_sql(), Err(Error::Unsupported(_))));
    let index = Index::create().name("i").table("t").col("a").to_owned();
    assert!(index.to_string(CH).contains("throwError"));
}

#[test]
fn column_types() {
    use sea_query::ColumnType as T;
    let cases = [
        (T::Char(Some(3)), "FixedString(3)"),
        (T::Text, "String"),
        (T::TinyInteger, "Int8"),
        (T::BigUnsigned, "UInt64"),
        (T::Double, "Float64"),
        (T::Decimal(None), "Decimal(38, 10)"),
        (T::DateTime, "DateTime64(6)"),
        (T::Timestamp, "DateTime"),
        (T::TimestampWithTimeZone, "DateTime64(6, 'UTC')"),
        (T::Date, "Date"),
        (T::custom("Date32"), "Date32"),
        (T::Boolean, "Bool"),
        (T::Uuid, "UUID"),
        (T::Json, "JSON"),
        (
            T::Array(sea_query::RcOrArc::new(T::Integer)),
            "Array(Int32)",
        ),
        (
            T::Enum {
                name: Alias::new("e").into(),
                variants: vec![Alias::new("a").into(), Alias::new("b'c").into()],
            },
            r"Enum8('a' = 1, 'b\'c' = 2)",
        ),
    ];
    for (ty, expected) in cases {
        assert_eq!(column_type(&ty).unwrap(), expected);
    }
    assert!(column_type(&T::Time).is_err());
}

#[test]
fn literals_and_typed_params_for_every_value_kind() {
    let day = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let dec: rust_decimal::Decimal = "12.345".parse().unwrap();
    let select = Query::select()
        .expr(Expr::val(true))
        .expr(Expr::val(day))
        .expr(Expr::val(at))
        .expr(Expr::val(id))
        .expr(Expr::val(dec))
        .expr(Expr::val(Value::Bytes(Some(vec![0xab, 0x01]))))
        .expr(Expr::val(Value::Int(None)))
        .expr(Expr::val(vec![1i32, 2]))
        .expr(Expr::val(f64::NAN))
        .to_owned();
    assert_eq!(
        select.to_sql().unwrap(),
        "SELECT true, toDate32('2024-01-02'), toDateTime64('2024-01-02 03:04:05.000000', 6, 'UTC'), toUUID('01234567-89ab-cdef-0123-456789abcdef'), toDecimal128('12.345', 3), x'AB01', NULL, [1, 2], nan"
    );
    let typed = select.build_typed().unwrap();
    assert_eq!(
        typed.sql,
        "SELECT {p1:Bool}, {p2:Date32}, {p3:DateTime64(6, 'UTC')}, {p4:UUID}, {p5:Decimal(38, 3)}, unhex({p6:String}), {p7:Nullable(Int32)}, {p8:Array(Int32)}, {p9:Float64}"
    );
    let values: Vec<String> = typed.params.iter().map(|(_, v)| v.to_string()).collect();
    assert_eq!(
        values,
        [
            "true",
            "2024-01-02",
            "2024-01-02 03:04:05",
            "01234567-89ab-cdef-0123-456789abcdef",
            "12.345",
            "AB01",
            "NULL",
            "[1, 2]",
            "NaN"
        ]
    );
}

#[test]
fn function_spellings() {
    let s = Query::select()
        .expr(Func::random())
        .expr(Func::greatest([Expr::col("a"), Expr::col("b")]))
        .expr(Func::lower(Expr::col("a")))
        .expr(Func::bit_and(Expr::col("a")))
        .order_by("a", Order::Asc)
        .from("t")
        .to_owned();
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT rand(), greatest(`a`, `b`), lower(`a`), groupBitAnd(`a`) FROM `t` ORDER BY `a` ASC"
    );
}

#[test]
fn identifiers_are_escaped() {
    let s = Query::select()
        .column("we`ird\\")
        .from(Alias::new("t`; DROP"))
        .to_owned();
    assert_eq!(s.to_string(CH), r"SELECT `we\`ird\\` FROM `t\`; DROP`");
}

// Issue 22: the constructs the peers' test suites exercise.

#[test]
fn intersect_and_except_are_distinct_unless_all() {
    let u = Query::select()
        .column("a")
        .from("u")
        .and_where(Expr::col("b").eq(1))
        .to_owned();
    let v = Query::select().column("a").from("v").to_owned();
    let mut s = select_t();
    s.union(sea_query::UnionType::Intersect, u.clone())
        .union(sea_query::UnionType::Except, v.clone())
        .union(sea_query::UnionType::Distinct, v.clone());
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` INTERSECT DISTINCT (SELECT `a` FROM `u` WHERE `b` = 1) EXCEPT DISTINCT (SELECT `a` FROM `v`) UNION DISTINCT (SELECT `a` FROM `v`)"
    );
    let mut ch = ChSelect::new(select_t());
    ch.inner_mut()
        .union(sea_query::UnionType::All, v.clone())
        .and_where(Expr::col("c").eq(0));
    ch.intersect_all(u).except_all(v.clone());
    ch.inner_mut().union(sea_query::UnionType::Except, v);
    let typed = ch.build_typed().unwrap();
    assert_eq!(
        typed.sql,
        "SELECT `a` FROM `t` WHERE `c` = {p1:Int32} UNION ALL (SELECT `a` FROM `v`) INTERSECT ALL (SELECT `a` FROM `u` WHERE `b` = {p2:Int32}) EXCEPT ALL (SELECT `a` FROM `v`) EXCEPT DISTINCT (SELECT `a` FROM `v`)"
    );
    assert_eq!(
        format!("{:?}", typed.params),
        r#"[("p1", Int32(0)), ("p2", Int32(1))]"#
    );
}

#[test]
fn ilike_and_not_ilike() {
    use sea_query::extension::postgres::PgExpr;
    let s = Query::select()
        .column("a")
        .from("t")
        .and_where(Expr::col("a").ilike("ab%"))
        .and_where(Expr::col("b").not_ilike("%z"))
        .to_owned();
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` WHERE `a` ILIKE 'ab%' AND `b` NOT ILIKE '%z'"
    );
    assert_eq!(
        s.build_typed().unwrap().sql,
        "SELECT `a` FROM `t` WHERE `a` ILIKE {p1:String} AND `b` NOT ILIKE {p2:String}"
    );
    assert_eq!(
        s.to_string(CH),
        "SELECT `a` FROM `t` WHERE `a` ILIKE 'ab%' AND `b` NOT ILIKE '%z'"
    );
}

#[test]
fn cross_join_takes_no_condition() {
    let mut s = ChSelect::new(select_t());
    s.cross_join("u")
        .join(ChJoin::cross().global(), "v", sea_query::Condition::all());
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` CROSS JOIN `u` GLOBAL CROSS JOIN `v`"
    );
    let mut s = ChSelect::new(select_t());
    s.join(
        ChJoin::cross(),
        "u",
        Expr::col(("t", "a")).equals(("u", "a")),
    );
    let err = s.to_sql().unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported(m) if m.contains("CROSS JOIN")),
        "{err}"
    );
    let mut s = ChSelect::new(select_t());
    s.join_using(ChJoin::cross(), "u", ["a"]);
    assert!(matches!(s.to_sql(), Err(Error::Unsupported(_))));
}

#[test]
fn limit_by_with_an_offset() {
    let mut s = ChSelect::new(
        Query::select()
            .column("x")
            .from("t")
            .order_by("x", Order::Asc)
            .limit(10)
            .to_owned(),
    );
    s.limit_by_offset(1, 2, [Expr::col("x")]);
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `x` FROM `t` ORDER BY `x` ASC LIMIT 1, 2 BY `x` LIMIT 10"
    );
    let mut s = ChSelect::new(select_t());
    s.limit_by(1, Vec::<Expr>::new());
    assert!(matches!(s.to_sql(), Err(Error::InvalidInput(_))));
}

#[test]
fn strictness_comes_before_the_join_kind() {
    let on = || Expr::col(("t", "a")).equals(("u", "a"));
    let cases = [
        (
            ChJoin::new(JoinKind::LeftOuter).all(),
            "ALL LEFT OUTER JOIN",
        ),
        (
            ChJoin::new(JoinKind::LeftOuter).any(),
            "ANY LEFT OUTER JOIN",
        ),
        (
            ChJoin::new(JoinKind::LeftOuter).semi(),
            "SEMI LEFT OUTER JOIN",
        ),
        (
            ChJoin::new(JoinKind::LeftOuter).anti(),
            "ANTI LEFT OUTER JOIN",
        ),
        (
            ChJoin::new(JoinKind::LeftOuter).asof().global(),
            "GLOBAL ASOF LEFT OUTER JOIN",
        ),
        (
            ChJoin::new(JoinKind::RightOuter).all().global(),
            "GLOBAL ALL RIGHT OUTER JOIN",
        ),
        (
            ChJoin::new(JoinKind::FullOuter).all(),
            "ALL FULL OUTER JOIN",
        ),
        (ChJoin::inner().any().global(), "GLOBAL ANY INNER JOIN"),
        (ChJoin::inner().global(), "GLOBAL INNER JOIN"),
        (ChJoin::inner().asof(), "ASOF INNER JOIN"),
        (ChJoin::right().anti(), "ANTI RIGHT JOIN"),
    ];
    for (join, keyword) in cases {
        let mut s = ChSelect::new(select_t());
        s.join(join, "u", on());
        assert_eq!(
            s.to_sql().unwrap(),
            format!("SELECT `a` FROM `t` {keyword} `u` ON `t`.`a` = `u`.`a`")
        );
    }
}

#[test]
fn joins_the_server_rejects_are_errors() {
    let refused = [
        ChJoin::full().any(),
        ChJoin::new(JoinKind::FullOuter).any(),
        ChJoin::right().asof(),
        ChJoin::full().asof(),
        ChJoin::inner().semi(),
        ChJoin::full().anti(),
        ChJoin::cross().all(),
    ];
    for join in refused {
        let mut s = ChSelect::new(select_t());
        s.join(join, "u", Expr::col(("t", "a")).equals(("u", "a")));
        let err = s.to_sql().unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{join:?}: {err}");
    }
    let mut s = ChSelect::new(select_t());
    s.join(ChJoin::full().any(), "u", Expr::val(true));
    assert_eq!(
        s.to_sql().unwrap_err().to_string(),
        "not supported by ClickHouse: ANY FULL JOIN (ANY FULL JOIN is not implemented by ClickHouse)"
    );
}

#[test]
fn joins_added_to_the_inner_statement_later_keep_their_place() {
    let mut s = ChSelect::new(select_t());
    s.join(
        ChJoin::left().any(),
        "u",
        Expr::col(("t", "a")).equals(("u", "a")),
    );
    s.inner_mut()
        .inner_join("v", Expr::col(("t", "a")).equals(("v", "a")));
    s.join(
        ChJoin::right().all(),
        "w",
        Expr::col(("t", "a")).equals(("w", "a")),
    );
    assert_eq!(
        s.to_sql().unwrap(),
        "SELECT `a` FROM `t` ANY LEFT JOIN `u` ON `t`.`a` = `u`.`a` INNER JOIN `v` ON `t`.`a` = `v`.`a` ALL RIGHT JOIN `w` ON `t`.`a` = `w`.`a`"
    );
}

#[test]
fn format_is_part_of_the_sql_and_reported() {
    let mut s = ChSelect::new(select_t());
    assert_eq!(s.output_format(), None);
    s.format("JSONEachRow");
    assert_eq!(s.output_format(), Some("JSONEachRow"));
    assert_eq!(
        s.build_typed().unwrap().sql,
        "SELECT `a` FROM `t` FORMAT JSONEachRow"
    );
}

/// sea-query's builders allow states its default renderers panic on; the dialect reports them.
#[test]
fn malformed_sea_query_statements_are_errors_not_panics() {
    use sea_query::{
        CommonTableExpression, Cycle, IntoIden, Search, SearchOrder, TableName, TableRef,
        WithClause, WithQuery,
    };
    let unsupported = |r: sea_query_clickhouse::Result<String>, what: &str| match r {
        Err(Error::Unsupported(m)) => assert!(m.contains(what), "{what}: {m}"),
        other => panic!("{what}: expected Unsupported, got {other:?}"),
    };
    let sub = || TableRef::SubQuery(select_t().into(), Alias::new("s").into());
    let aliased = || TableRef::Table(TableName(None, "t".into_iden()), Some("x".into_iden()));
    let cte = CommonTableExpression::new()
        .query(select_t())
        .table_name("c")
        .to_owned();

    unsupported(WithQuery::new().to_sql(), "WITH");
    unsupported(
        WithClause::new().query(select_t()).to_sql(),
        "WITH clause without",
    );
    let unnamed = CommonTableExpression::new().query(select_t()).to_owned();
    unsupported(
        WithClause::new()
            .cte(unnamed)
            .to_owned()
            .query(select_t())
            .to_sql(),
        "without a name",
    );
    let cycle = WithClause::new()
        .recursive(true)
        .cte(cte.clone())
        .cycle(Cycle::new())
        .to_owned();
    unsupported(cycle.query(select_t()).to_sql(), "CYCLE");
    let search = WithClause::new()
        .recursive(true)
        .cte(cte.clone())
        .search(Search::new().order(SearchOrder::DEPTH).to_owned())
        .to_owned();
    unsupported(search.query(select_t()).to_sql(), "SEARCH");
    // A WITH inside a subquery is checked where it is rendered.
    let inner = WithClause::new().query(select_t());
    let outer = Query::select()
        .expr(Expr::SubQuery(None, Box::new(inner.into())))
        .to_owned();
    unsupported(outer.to_sql(), "WITH clause without");
    // The same WITH, complete, renders.
    assert_eq!(
        WithClause::new()
            .cte(cte)
            .to_owned()
            .query(select_t())
            .to_sql()
            .unwrap(),
        "WITH `c` AS (SELECT `a` FROM `t`) SELECT `a` FROM `t`"
    );

    unsupported(
        Table::rename().table(sub(), "b").to_owned().to_sql(),
        "RENAME",
    );
    unsupported(
        Table::rename().table("a", aliased()).to_owned().to_sql(),
        "RENAME",
    );
    assert_eq!(
        Table::rename()
            .table(("d", "a"), ("d", "b"))
            .to_owned()
            .to_sql()
            .unwrap(),
        "RENAME TABLE `d`.`a` TO `d`.`b`"
    );
    unsupported(Table::drop().table(sub()).to_owned().to_sql(), "table name");
    unsupported(Table::drop().table(aliased()).to_owned().to_sql(), "alias");
    unsupported(
        Table::truncate().table(sub()).to_owned().to_sql(),
        "table name",
    );
    let create = Table::create()
        .table(sub())
        .col(ColumnDef::new("a").integer())
        .to_owned();
    unsupported(create.to_sql(), "table name");
    unsupported(
        CreateTable::new(sub())
            .column(ChColumn::new("a", "Int8"))
            .engine(Engine::Memory)
            .to_sql(),
        "table name",
    );
    unsupported(
        AlterTable::new(sub()).drop_column("a", false).to_sql(),
        "table name",
    );
    // sea-query's own to_string does not panic either; the server rejects the text.
    assert!(
        Table::rename()
            .table(sub(), "b")
            .to_owned()
            .to_string(CH)
            .contains("throwError(")
    );
    assert!(WithQuery::new().to_string(CH).contains("throwError("));

    // More `?` than values in custom SQL.
    let short = Query::select()
        .expr(Expr::cust_with_values("? + ?", [1]))
        .to_owned();
    unsupported(short.to_sql(), "2 `?` placeholders for 1 values");
    assert!(short.to_string(CH).contains("throwError("));
    let escaped = Query::select()
        .expr(Expr::cust_with_values("'a' ?? ?", [1]))
        .to_owned();
    assert_eq!(escaped.to_sql().unwrap(), "SELECT 'a' ? 1");
}

#[test]
fn clauses_clickhouse_lacks_are_errors() {
    let mut locked = select_t();
    locked.lock(sea_query::LockType::Update);
    assert!(matches!(locked.to_sql(), Err(Error::Unsupported(m)) if m.contains("row locks")));
    let mut returning = Query::delete()
        .from_table("t")
        .and_where(Expr::col("a").eq(1))
        .to_owned();
    returning.returning_all();
    assert!(matches!(returning.to_sql(), Err(Error::Unsupported(m)) if m.contains("RETURNING")));
    let upsert = Query::insert()
        .into_table("t")
        .columns(["a"])
        .values_panic([1.into()])
        .on_conflict(sea_query::OnConflict::column("a").do_nothing().to_owned())
        .to_owned();
    assert!(matches!(upsert.to_sql(), Err(Error::Unsupported(m)) if m.contains("ON CONFLICT")));
}

#[test]
fn mutation_and_delete_settings() {
    let m = Mutation::update("t")
        .value("a", Expr::col("a").add(1))
        .and_where(Expr::col("id").eq(3))
        .settings("mutations_sync", 2)
        .settings("comment", "x'y");
    assert_eq!(
        m.to_sql().unwrap(),
        r"ALTER TABLE `t` UPDATE `a` = `a` + 1 WHERE `id` = 3 SETTINGS mutations_sync = 2, comment = 'x\'y'"
    );
    let typed = m.build_typed().unwrap();
    assert_eq!(
        typed.sql,
        r"ALTER TABLE `t` UPDATE `a` = `a` + {p1:Int32} WHERE `id` = {p2:Int32} SETTINGS mutations_sync = 2, comment = 'x\'y'"
    );
    assert_eq!(
        Mutation::delete("t")
            .and_where(Expr::col("id").eq(3))
            .settings("mutations_sync", 1)
            .to_sql()
            .unwrap(),
        "ALTER TABLE `t` DELETE WHERE `id` = 3 SETTINGS mutations_sync = 1"
    );
    let d = ChDelete::new(
        Query::delete()
            .from_table("t")
            .and_where(Expr::col("id").eq(5))
            .to_owned(),
    )
    .settings("lightweight_deletes_sync", 2);
    assert_eq!(
        d.build_typed().unwrap().sql,
        "DELETE FROM `t` WHERE `id` = {p1:Int32} SETTINGS lightweight_deletes_sync = 2"
    );
    let bad = Mutation::delete("t")
        .and_where(Expr::col("id").eq(3))
        .settings("x = 1; DROP", 1);
    assert!(matches!(bad.to_sql(), Err(Error::InvalidInput(_))));
}

#[test]
fn views_plain_and_materialized() {
    use sea_query_clickhouse::{CreateView, DropView};
    let select = Query::select()
        .columns(["id", "kind"])
        .from("src")
        .and_where(Expr::col("kind").eq("a'b"))
        .to_owned();
    let view = CreateView::new(("db", "v"), select.clone())
        .or_replace()
        .on_cluster("c")
        .column(ChColumn::new("id", "UInt64"))
        .column(ChColumn::new("kind", "String"))
        .comment("recent");
    let expected = r"CREATE OR REPLACE VIEW `db`.`v` ON CLUSTER `c` (`id` UInt64, `kind` String) AS SELECT `id`, `kind` FROM `src` WHERE `kind` = 'a\'b' COMMENT 'recent'";
    assert_eq!(view.to_sql().unwrap(), expected);
    // DDL is inline even when built with parameters.
    let typed = view.build_typed().unwrap();
    assert_eq!(typed.sql, expected);
    assert!(typed.params.is_empty());

    let mut ch = ChSelect::new(select.clone());
    ch.final_().settings("max_threads", 1);
    let to = CreateView::materialized("mv", ch)
        .if_not_exists()
        .to(("db", "dst"));
    assert_eq!(
        to.to_sql().unwrap(),
        r"CREATE MATERIALIZED VIEW IF NOT EXISTS `mv` TO `db`.`dst` AS SELECT `id`, `kind` FROM `src` FINAL WHERE `kind` = 'a\'b' SETTINGS max_threads = 1"
    );
    let stored = CreateView::materialized("mv", select.clone())
        .engine(Engine::replacing("id"))
        .order_by([Expr::col("id")])
        .partition_by(Expr::col("kind"))
        .settings("index_granularity", 128)
        .populate();
    assert_eq!(
        stored.to_sql().unwrap(),
        r"CREATE MATERIALIZED VIEW `mv` ENGINE = ReplacingMergeTree(`id`) ORDER BY `id` PARTITION BY `kind` SETTINGS index_granularity = 128 POPULATE AS SELECT `id`, `kind` FROM `src` WHERE `kind` = 'a\'b'"
    );
    assert_eq!(
        CreateView::materialized("mv", select.clone())
            .engine(Engine::Memory)
            .to_sql()
            .unwrap(),
        r"CREATE MATERIALIZED VIEW `mv` ENGINE = Memory AS SELECT `id`, `kind` FROM `src` WHERE `kind` = 'a\'b'"
    );

    let plain_with_to = CreateView::new("v", select.clone()).to("dst");
    assert!(matches!(
        plain_with_to.to_sql(),
        Err(Error::InvalidInput(_))
    ));
    let plain_with_engine = CreateView::new("v", select.clone()).engine(Engine::Memory);
    assert!(matches!(
        plain_with_engine.to_sql(),
        Err(Error::InvalidInput(_))
    ));
    let both = CreateView::materialized("mv", select.clone())
        .to("dst")
        .engine(Engine::Memory);
    assert!(matches!(both.to_sql(), Err(Error::Unsupported(_))));
    let mut formatted = ChSelect::new(select.clone());
    formatted.format("JSON");
    assert!(matches!(
        CreateView::new("v", formatted).to_sql(),
        Err(Error::InvalidInput(_))
    ));
    // What the SELECT cannot be is the view's error.
    let mut bad = select;
    bad.and_where(Expr::val("a").binary(sea_query::BinOper::Escape, Expr::val("b")));
    assert!(matches!(
        CreateView::new("v", bad).to_sql(),
        Err(Error::Unsupported(_))
    ));

    assert_eq!(
        DropView::new(("db", "v"))
            .if_exists()
            .on_cluster("c")
            .sync()
            .to_sql()
            .unwrap(),
        "DROP VIEW IF EXISTS `db`.`v` ON CLUSTER `c` SYNC"
    );
    assert_eq!(DropView::new("v").to_sql().unwrap(), "DROP VIEW `v`");
}

#[test]
fn database_engines_with_arguments() {
    let replicated = CreateDatabase::new("r")
        .if_not_exists()
        .on_cluster("c")
        .engine_with_args(
            "Replicated",
            [
                Expr::val("/clickhouse/databases/r"),
                Expr::val("{shard}"),
                Expr::val("{replica}"),
            ],
        )
        .comment("replicated");
    assert_eq!(
        replicated.to_sql().unwrap(),
        "CREATE DATABASE IF NOT EXISTS `r` ON CLUSTER `c` ENGINE = Replicated('/clickhouse/databases/r', '{shard}', '{replica}') COMMENT 'replicated'"
    );
    assert_eq!(
        CreateDatabase::new("f")
            .engine_with_args("Filesystem", [Expr::val("it's")])
            .to_sql()
            .unwrap(),
        r"CREATE DATABASE `f` ENGINE = Filesystem('it\'s')"
    );
    assert_eq!(
        CreateDatabase::new("l")
            .engine_with_args("Lazy", [3600])
            .to_sql()
            .unwrap(),
        "CREATE DATABASE `l` ENGINE = Lazy(3600)"
    );
    assert!(matches!(
        CreateDatabase::new("x")
            .engine_with_args("Replicated('a'); DROP", [1])
            .to_sql(),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn graphite_and_custom_engines() {
    assert_eq!(
        Engine::GraphiteMergeTree("graphite_rollup".into())
            .to_sql()
            .unwrap(),
        "GraphiteMergeTree('graphite_rollup')"
    );
    let replicated = Engine::Replicated {
        path: "/clickhouse/tables/{shard}/g".into(),
        replica: "{replica}".into(),
        inner: Box::new(Engine::GraphiteMergeTree("graphite_rollup".into())),
    };
    assert_eq!(
        replicated.to_sql().unwrap(),
        "ReplicatedGraphiteMergeTree('/clickhouse/tables/{shard}/g', '{replica}', 'graphite_rollup')"
    );
    let create = CreateTable::new("g")
        .column(ChColumn::new("Path", "String"))
        .column(ChColumn::new("Time", "DateTime"))
        .engine(Engine::GraphiteMergeTree("graphite_rollup".into()));
    assert_eq!(
        create.to_sql().unwrap(),
        "CREATE TABLE `g` (`Path` String, `Time` DateTime) ENGINE = GraphiteMergeTree('graphite_rollup') ORDER BY tuple()"
    );
    let buffer = Engine::custom(
        "Buffer",
        [
            Expr::cust("currentDatabase()"),
            Expr::val("t"),
            Expr::val(1),
            Expr::val(10),
            Expr::val(100),
        ],
    );
    assert_eq!(
        buffer.to_sql().unwrap(),
        "Buffer(currentDatabase(), 't', 1, 10, 100)"
    );
    let join = Engine::custom(
        "Join",
        [Expr::cust("ANY"), Expr::cust("LEFT"), Expr::col("id")],
    );
    assert_eq!(join.to_sql().unwrap(), "Join(ANY, LEFT, `id`)");
    assert_eq!(
        Engine::custom("Null", Vec::<Expr>::new()).to_sql().unwrap(),
        "Null"
    );
    let custom_tree = CreateTable::new("c")
        .column(ChColumn::new("a", "UInt8"))
        .engine(Engine::custom("CoalescingMergeTree", Vec::<Expr>::new()));
    assert_eq!(
        custom_tree.to_sql().unwrap(),
        "CREATE TABLE `c` (`a` UInt8) ENGINE = CoalescingMergeTree ORDER BY tuple()"
    );
    let replicated_custom = Engine::Replicated {
        path: "/p".into(),
        replica: "r".into(),
        inner: Box::new(Engine::custom("ReplacingMergeTree", [Expr::col("v")])),
    };
    assert_eq!(
        replicated_custom.to_sql().unwrap(),
        "ReplicatedReplacingMergeTree('/p', 'r', `v`)"
    );
    assert!(matches!(
        Engine::custom("Buffer() ; DROP", [1]).to_sql(),
        Err(Error::InvalidInput(_))
    ));
    let not_a_tree = Engine::Replicated {
        path: "/p".into(),
        replica: "r".into(),
        inner: Box::new(Engine::custom("Buffer", [1])),
    };
    assert!(not_a_tree.to_sql().is_err());
}

#[test]
fn like_escape_forms() {
    use sea_query::LikeExpr;
    let s = Query::select()
        .column("a")
        .from("t")
        .and_where(Expr::col("a").like(LikeExpr::new(r"10#%\").escape('#')))
        .and_where(Expr::col("b").like(LikeExpr::new(r"x\_").escape('\\')))
        .and_where(Expr::col("c").binary(
            sea_query::BinOper::NotLike,
            Expr::col("d").binary(sea_query::BinOper::Escape, Expr::Constant('!'.into())),
        ))
        .to_owned();
    assert_eq!(
        s.to_sql().unwrap(),
        r"SELECT `a` FROM `t` WHERE `a` LIKE '10\\%\\\\' AND `b` LIKE 'x\\_' AND `c` NOT LIKE `d` ESCAPE '!'"
    );
    let typed = s.build_typed().unwrap();
    assert_eq!(
        typed.sql,
        r"SELECT `a` FROM `t` WHERE `a` LIKE {p1:String} AND `b` LIKE {p2:String} AND `c` NOT LIKE `d` ESCAPE '!'"
    );
    let values: Vec<String> = typed.params.iter().map(|(_, v)| v.to_string()).collect();
    assert_eq!(values, [r"10\%\\", r"x\_"]);
}

#[test]
fn one_key_expression_is_written_bare() {
    let create = CreateTable::new("t")
        .column(ChColumn::new("a", "UInt8"))
        .column(ChColumn::new("b", "UInt8"))
        .engine(Engine::SummingMergeTree(vec![Alias::new("b").into()]))
        .order_by([Expr::col("a").add(1)])
        .primary_key([Expr::col("a").add(1)]);
    assert_eq!(
        create.to_sql().unwrap(),
        "CREATE TABLE `t` (`a` UInt8, `b` UInt8) ENGINE = SummingMergeTree(`b`) ORDER BY `a` + 1 PRIMARY KEY `a` + 1"
    );
    let raw = CreateTable::new("t")
        .column(ChColumn::new("a", "UInt8"))
        .engine(Engine::MergeTree)
        .order_by([Expr::cust("a, intHash32(a)")]);
    assert_eq!(
        raw.to_sql().unwrap(),
        "CREATE TABLE `t` (`a` UInt8) ENGINE = MergeTree ORDER BY (a, intHash32(a))"
    );
}
