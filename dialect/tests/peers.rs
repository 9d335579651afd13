//! Peer-style cases: the constructs clickhouse-sqlalchemy (`tests/sql`, `tests/orm`,
//! `tests/engines`, `tests/functions`, `test_ddl.py`, `test_compiler.py`) and
//! clickhouse-connect's SQLAlchemy dialect (`tests/unit_tests/test_sqlalchemy`) assert in their
//! own test suites, each written with this dialect and run on the 26.9 engine
//! (`CLICKHOUSE_URL`; `scripts/dev-servers up`) beside the same statement written by hand.
//!
//! - a query runs inline and with typed parameters; both return the hand-written query's rows
//!   (which must not be empty);
//! - a statement that changes data or schema runs inline, typed and by hand, each in its own
//!   fresh database with the same fixture; a probe query then returns the same rows in all
//!   three (table definitions are compared as the server's own `create_table_query`);
//! - a statement the server cannot run with its configuration here (no cluster, no Graphite
//!   rollup) fails the same way written with the dialect and by hand;
//! - a construct ClickHouse does not have is refused by the dialect, and the hand-written SQL
//!   is refused by the server.
//!
//! Every case runs; failures are collected and reported together.

use chrono::{NaiveDate, NaiveDateTime};
use clickhouse_connect::{Client, QueryResult};
use sea_query::extension::postgres::{PgBinOper, PgExpr};
use sea_query::{
    Alias, Asterisk, BinOper, ColumnDef, ColumnType, CommonTableExpression, Condition, Expr,
    ExprTrait, Func, IntoIden, JoinType, Keyword, NullOrdering, Order, Query, SelectStatement,
    Table, TableRef, UnionType, WithClause,
};
use sea_query_clickhouse::{
    AlterTable, ArrayJoin, ChColumn, ChDelete, ChFunc, ChJoin, ChSelect, ChStatement,
    CreateDatabase, CreateTable, CreateView, DropView, Engine, Error, GroupByModifier, JoinKind,
    Mutation, TypedQuery,
};

const FIXTURE: &[&str] = &[
    "CREATE TABLE t1 (x Int32, y Int32, s String, d Date, n Nullable(Int32), parent Nested(child1 Int32, child2 String)) ENGINE = MergeTree ORDER BY x",
    r"INSERT INTO t1 VALUES (1, 10, 'a', '2024-01-01', NULL, [1, 2], ['p', 'q']), (2, 20, 'Bob', '2024-02-01', 5, [], []), (3, 10, 'O\'Reilly', '2024-03-15', 7, [3], ['r']), (4, 30, 'sam', '2024-03-20', NULL, [4, 5], ['s', 't'])",
    "CREATE TABLE t2 (x Int32, y Int32) ENGINE = Memory",
    "INSERT INTO t2 VALUES (1, 1), (2, 2), (2, 3), (5, 5), (1, 10)",
    "CREATE TABLE t3 (x Int32, y Int32) ENGINE = Memory",
    "INSERT INTO t3 VALUES (1, 1), (3, 3)",
    "CREATE TABLE events (id UInt64, user_id UInt32, active UInt8, ts DateTime, kind String, version UInt32) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, intHash32(id)) SAMPLE BY intHash32(id)",
    "INSERT INTO events VALUES (1, 1, 1, '2024-01-01 10:00:00', 'click', 1), (2, 1, 0, '2024-01-01 11:00:00', 'click', 1), (3, 2, 1, '2024-01-02 09:00:00', 'view', 1), (4, 2, 1, '2024-01-02 10:30:00', 'click', 1), (5, 3, 0, '2024-01-03 08:00:00', 'view', 1), (6, 3, 1, '2024-01-03 12:00:00', 'view', 1)",
    "INSERT INTO events VALUES (1, 1, 1, '2024-01-01 10:00:00', 'view', 2), (4, 2, 0, '2024-01-02 10:30:00', 'buy', 2)",
    "CREATE TABLE trades (sym String, ts UInt32, qty UInt32) ENGINE = Memory",
    "INSERT INTO trades VALUES ('A', 10, 1), ('A', 20, 2), ('B', 15, 3), ('C', 5, 4)",
    "CREATE TABLE quotes (sym String, ts UInt32, bid Float64) ENGINE = Memory",
    "INSERT INTO quotes VALUES ('A', 5, 1.5), ('A', 18, 1.8), ('B', 16, 2.5)",
    "CREATE TABLE dst (x Int32, y Int32) ENGINE = MergeTree ORDER BY x",
];

/// Every table's definition as the server prints it (database name blanked).
const DEFINITIONS: &str = "SELECT name, replace(create_table_query, currentDatabase(), '<db>') FROM system.tables WHERE database = currentDatabase() AND name NOT LIKE '.inner%' ORDER BY name";
/// Every column as the server describes it.
const COLUMNS: &str = "SELECT table, name, type, default_kind, default_expression, comment, compression_codec FROM system.columns WHERE database = currentDatabase() ORDER BY table, position";

enum Kind {
    /// A query: the rows, in order.
    Rows,
    /// A query without a total order: the rows, sorted.
    SortedRows,
    /// A statement: `then` runs after it, then `probe`'s rows are compared.
    Effect {
        then: &'static [&'static str],
        probe: &'static str,
        cleanup: Option<String>,
    },
    /// The server cannot run it here: both fail with an error containing this text.
    SameError(&'static str),
    /// ClickHouse has no such construct: the dialect refuses, the server rejects the hand SQL.
    Refused,
}

struct Case {
    name: &'static str,
    kind: Kind,
    inline: Result<String, Error>,
    typed: Result<TypedQuery, Error>,
    hand: String,
}

fn case(name: &'static str, kind: Kind, stmt: &impl ChStatement, hand: &str) -> Case {
    Case {
        name,
        kind,
        inline: stmt.to_sql(),
        typed: stmt.build_typed(),
        hand: hand.to_owned(),
    }
}

fn rows_case(name: &'static str, stmt: &impl ChStatement, hand: &str) -> Case {
    case(name, Kind::Rows, stmt, hand)
}

fn sorted(name: &'static str, stmt: &impl ChStatement, hand: &str) -> Case {
    case(name, Kind::SortedRows, stmt, hand)
}

fn effect(
    name: &'static str,
    stmt: &impl ChStatement,
    hand: &str,
    then: &'static [&'static str],
    probe: &'static str,
) -> Case {
    let kind = Kind::Effect {
        then,
        probe,
        cleanup: None,
    };
    case(name, kind, stmt, hand)
}

fn refused(name: &'static str, stmt: &impl ChStatement, hand: &str) -> Case {
    case(name, Kind::Refused, stmt, hand)
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

fn select_from(table: &str) -> SelectStatement {
    Query::select().from(Alias::new(table)).to_owned()
}

/// `SELECT t1.x, t2.y FROM t1 <join> t2 ON t2.y = t1.x`.
fn join_case(name: &'static str, join: ChJoin, hand_join: &str) -> Case {
    let mut s = ChSelect::new(
        select_from("t1")
            .expr(col("t1", "x"))
            .expr(col("t2", "y"))
            .to_owned(),
    );
    s.join(join, "t2", col("t2", "y").equals(("t1", "x")));
    sorted(
        name,
        &s,
        &format!("SELECT t1.x, t2.y FROM t1 {hand_join} t2 ON t2.y = t1.x"),
    )
}

/// `SELECT trades.sym, trades.ts, quotes.bid FROM trades <asof join> quotes ON ...`.
fn asof_case(name: &'static str, join: ChJoin, hand_join: &str) -> Case {
    let mut s = ChSelect::new(
        select_from("trades")
            .expr(col("trades", "sym"))
            .expr(col("trades", "ts"))
            .expr(col("quotes", "bid"))
            .to_owned(),
    );
    s.join(
        join,
        "quotes",
        Condition::all()
            .add(col("trades", "sym").equals(("quotes", "sym")))
            .add(col("trades", "ts").gte(col("quotes", "ts"))),
    );
    sorted(
        name,
        &s,
        &format!(
            "SELECT trades.sym, trades.ts, quotes.bid FROM trades {hand_join} quotes ON trades.sym = quotes.sym AND trades.ts >= quotes.ts"
        ),
    )
}

fn grouped(modifier: Option<GroupByModifier>, totals: bool) -> ChSelect {
    let mut s = ChSelect::new(
        select_from("t1")
            .column("y")
            .expr(Func::count(Expr::col(Asterisk)))
            .group_by_col("y")
            .to_owned(),
    );
    if let Some(m) = modifier {
        s.group_by_modifier(m);
    }
    if totals {
        s.with_totals();
    }
    s
}

fn y_of_t1(max_x: Option<i32>) -> SelectStatement {
    let mut s = select_from("t1").column("y").to_owned();
    if let Some(max) = max_x {
        s.and_where(Expr::col("x").lte(max));
    }
    s
}

// One push per case keeps each case with its source comment.
#[allow(clippy::vec_init_then_push)]
fn query_cases() -> Vec<Case> {
    let mut cases = Vec::new();

    // clickhouse-sqlalchemy tests/orm/test_select.py
    cases.push(rows_case(
        "where IN, HAVING count(*), ORDER BY DESC",
        &select_from("t1")
            .expr(col("t1", "x"))
            .and_where(col("t1", "x").is_in([1, 2]))
            .group_by_col(("t1", "x"))
            .and_having(Func::count(Expr::col(Asterisk)).gt(0))
            .order_by(("t1", "x"), Order::Desc)
            .to_owned(),
        "SELECT t1.x FROM t1 WHERE t1.x IN (1, 2) GROUP BY t1.x HAVING count(*) > 0 ORDER BY t1.x DESC",
    ));
    cases.push(rows_case(
        "a literal with a label",
        &Query::select().expr_as(Expr::val(1), "col1").to_owned(),
        "SELECT 1 AS col1",
    ));
    cases.push(sorted(
        "GROUP BY",
        &select_from("t1").column("x").group_by_col("x").to_owned(),
        "SELECT x FROM t1 GROUP BY x",
    ));
    cases.push(sorted(
        "GROUP BY ... WITH CUBE",
        &grouped(Some(GroupByModifier::Cube), false),
        "SELECT y, count(*) FROM t1 GROUP BY y WITH CUBE",
    ));
    cases.push(sorted(
        "GROUP BY ... WITH ROLLUP",
        &grouped(Some(GroupByModifier::Rollup), false),
        "SELECT y, count(*) FROM t1 GROUP BY y WITH ROLLUP",
    ));
    cases.push(sorted(
        "GROUP BY ... WITH TOTALS",
        &grouped(None, true),
        "SELECT y, count(*) FROM t1 GROUP BY y WITH TOTALS",
    ));
    cases.push(sorted(
        "GROUP BY ... WITH CUBE WITH TOTALS",
        &grouped(Some(GroupByModifier::Cube), true),
        "SELECT y, count(*) FROM t1 GROUP BY y WITH CUBE WITH TOTALS",
    ));
    cases.push(sorted(
        "GROUP BY ... WITH ROLLUP WITH TOTALS",
        &grouped(Some(GroupByModifier::Rollup), true),
        "SELECT y, count(*) FROM t1 GROUP BY y WITH ROLLUP WITH TOTALS",
    ));

    // FINAL, SAMPLE, LIMIT BY, PREWHERE (both peers).
    let events = || {
        select_from("events")
            .column("id")
            .order_by("id", Order::Asc)
            .to_owned()
    };
    let mut s = ChSelect::new(events());
    s.sample(0.5);
    cases.push(rows_case(
        "SAMPLE",
        &s,
        "SELECT id FROM events SAMPLE 0.5 ORDER BY id",
    ));
    let mut s = ChSelect::new(events().column("kind").to_owned());
    s.final_();
    cases.push(rows_case(
        "FINAL",
        &s,
        "SELECT id, kind FROM events FINAL ORDER BY id",
    ));
    let mut s = ChSelect::new(events().column("kind").to_owned());
    s.final_().sample(0.5);
    cases.push(rows_case(
        "FINAL SAMPLE",
        &s,
        "SELECT id, kind FROM events FINAL SAMPLE 0.5 ORDER BY id",
    ));
    let by_user = || {
        select_from("events")
            .columns(["user_id", "id"])
            .order_by("user_id", Order::Asc)
            .order_by("id", Order::Asc)
            .to_owned()
    };
    let mut s = ChSelect::new(by_user());
    s.final_().limit_by(1, [Expr::col("user_id")]);
    cases.push(rows_case(
        "LIMIT n BY",
        &s,
        "SELECT user_id, id FROM events FINAL ORDER BY user_id, id LIMIT 1 BY user_id",
    ));
    let mut s = ChSelect::new(by_user());
    s.final_().limit_by_offset(1, 1, [Expr::col("user_id")]);
    cases.push(rows_case(
        "LIMIT m, n BY",
        &s,
        "SELECT user_id, id FROM events FINAL ORDER BY user_id, id LIMIT 1, 1 BY user_id",
    ));
    let mut s = ChSelect::new(by_user().limit(3).to_owned());
    s.limit_by(2, [Expr::col("user_id")]);
    cases.push(rows_case(
        "LIMIT n BY before LIMIT",
        &s,
        "SELECT user_id, id FROM events ORDER BY user_id, id LIMIT 2 BY user_id LIMIT 3",
    ));
    let mut s = ChSelect::new(events());
    s.prewhere(Expr::col("active").eq(1));
    cases.push(rows_case(
        "PREWHERE",
        &s,
        "SELECT id FROM events PREWHERE active = 1 ORDER BY id",
    ));
    let mut s = ChSelect::new(
        events()
            .column("kind")
            .and_where(Expr::col("kind").eq("click"))
            .to_owned(),
    );
    s.prewhere(Expr::col("active").eq(1));
    cases.push(rows_case(
        "PREWHERE and WHERE",
        &s,
        "SELECT id, kind FROM events PREWHERE active = 1 WHERE kind = 'click' ORDER BY id",
    ));
    let mut s = ChSelect::new(events());
    s.prewhere(
        Expr::col("user_id").in_subquery(
            select_from("t2")
                .column("x")
                .and_where(Expr::col("y").gt(1))
                .to_owned(),
        ),
    );
    cases.push(rows_case(
        "PREWHERE with a subquery",
        &s,
        "SELECT id FROM events PREWHERE user_id IN (SELECT x FROM t2 WHERE y > 1) ORDER BY id",
    ));

    // ARRAY JOIN on Nested columns (both peers).
    let nested = || {
        select_from("t1")
            .expr(col("t1", "parent.child1"))
            .expr(col("t1", "parent.child2"))
            .to_owned()
    };
    let mut s = ChSelect::new(nested());
    s.array_join(ArrayJoin::new(col("t1", "parent"), None));
    cases.push(sorted(
        "ARRAY JOIN a Nested column",
        &s,
        "SELECT t1.parent.child1, t1.parent.child2 FROM t1 ARRAY JOIN t1.parent",
    ));
    let mut s = ChSelect::new(nested());
    s.array_join(
        ArrayJoin::new(col("t1", "parent.child1"), None).and(col("t1", "parent.child2"), None),
    );
    cases.push(sorted(
        "ARRAY JOIN two arrays",
        &s,
        "SELECT t1.parent.child1, t1.parent.child2 FROM t1 ARRAY JOIN t1.parent.child1, t1.parent.child2",
    ));
    let mut s = ChSelect::new(
        select_from("t1")
            .expr(col("p", "child1"))
            .expr(col("p", "child2"))
            .expr_as(col("t1", "parent.child1"), "c")
            .to_owned(),
    );
    s.array_join(ArrayJoin::new(col("t1", "parent"), Some("p")));
    cases.push(sorted(
        "ARRAY JOIN ... AS alias",
        &s,
        "SELECT p.child1, p.child2, t1.parent.child1 AS c FROM t1 ARRAY JOIN t1.parent AS p",
    ));
    let mut s = ChSelect::new(
        select_from("t1")
            .column("x")
            .expr(col("t1", "parent.child1"))
            .to_owned(),
    );
    s.array_join(ArrayJoin::new(col("t1", "parent"), None).left());
    cases.push(sorted(
        "LEFT ARRAY JOIN",
        &s,
        "SELECT x, t1.parent.child1 FROM t1 LEFT ARRAY JOIN t1.parent",
    ));
    let mut s = ChSelect::new(select_from("t1").columns(["x", "a", "b"]).to_owned());
    s.array_join(
        ArrayJoin::new(col("t1", "parent.child1"), Some("a"))
            .and(col("t1", "parent.child2"), Some("b"))
            .left(),
    );
    cases.push(sorted(
        "LEFT ARRAY JOIN two arrays with aliases",
        &s,
        "SELECT x, a, b FROM t1 LEFT ARRAY JOIN t1.parent.child1 AS a, t1.parent.child2 AS b",
    ));

    // Joins: clickhouse-sqlalchemy tests/sql/test_selectable.py and tests/orm/test_select.py,
    // clickhouse-connect test_ch_join.py.
    let outer = |kind| ChJoin::new(kind);
    for (name, join, hand) in [
        ("INNER JOIN", ChJoin::inner(), "INNER JOIN"),
        ("ALL INNER JOIN", ChJoin::inner().all(), "ALL INNER JOIN"),
        ("ANY INNER JOIN", ChJoin::inner().any(), "ANY INNER JOIN"),
        (
            "GLOBAL INNER JOIN",
            ChJoin::inner().global(),
            "GLOBAL INNER JOIN",
        ),
        (
            "GLOBAL ANY INNER JOIN",
            ChJoin::inner().any().global(),
            "GLOBAL ANY INNER JOIN",
        ),
        (
            "GLOBAL ALL INNER JOIN",
            ChJoin::inner().all().global(),
            "GLOBAL ALL INNER JOIN",
        ),
        (
            "GLOBAL ALL LEFT OUTER JOIN",
            outer(JoinKind::LeftOuter).all().global(),
            "GLOBAL ALL LEFT OUTER JOIN",
        ),
        (
            "GLOBAL ALL RIGHT OUTER JOIN",
            outer(JoinKind::RightOuter).all().global(),
            "GLOBAL ALL RIGHT OUTER JOIN",
        ),
        (
            "FULL OUTER JOIN",
            outer(JoinKind::FullOuter),
            "FULL OUTER JOIN",
        ),
        (
            "LEFT OUTER JOIN",
            outer(JoinKind::LeftOuter),
            "LEFT OUTER JOIN",
        ),
        ("ALL LEFT JOIN", ChJoin::left().all(), "ALL LEFT JOIN"),
        ("ANY LEFT JOIN", ChJoin::left().any(), "ANY LEFT JOIN"),
        (
            "GLOBAL ANY LEFT JOIN",
            ChJoin::left().any().global(),
            "GLOBAL ANY LEFT JOIN",
        ),
        (
            "ALL FULL OUTER JOIN",
            outer(JoinKind::FullOuter).all(),
            "ALL FULL OUTER JOIN",
        ),
        (
            "ANY LEFT OUTER JOIN",
            outer(JoinKind::LeftOuter).any(),
            "ANY LEFT OUTER JOIN",
        ),
        (
            "SEMI LEFT OUTER JOIN",
            outer(JoinKind::LeftOuter).semi(),
            "SEMI LEFT OUTER JOIN",
        ),
        (
            "ANTI LEFT OUTER JOIN",
            outer(JoinKind::LeftOuter).anti(),
            "ANTI LEFT OUTER JOIN",
        ),
        ("ANY RIGHT JOIN", ChJoin::right().any(), "ANY RIGHT JOIN"),
    ] {
        cases.push(join_case(name, join, hand));
    }
    let stock = select_from("t1")
        .expr(col("t1", "x"))
        .expr(col("t2", "y"))
        .join(JoinType::LeftJoin, "t2", col("t2", "y").equals(("t1", "x")))
        .to_owned();
    cases.push(sorted(
        "sea-query's own LEFT JOIN",
        &stock,
        "SELECT t1.x, t2.y FROM t1 LEFT OUTER JOIN t2 ON t2.y = t1.x",
    ));
    for (name, join, hand) in [
        ("CROSS JOIN", ChJoin::cross(), "CROSS JOIN"),
        (
            "GLOBAL CROSS JOIN",
            ChJoin::cross().global(),
            "GLOBAL CROSS JOIN",
        ),
    ] {
        let mut s = ChSelect::new(
            select_from("t1")
                .expr(col("t1", "x"))
                .expr(col("t3", "y"))
                .to_owned(),
        );
        s.join(join, "t3", Condition::all());
        cases.push(sorted(
            name,
            &s,
            &format!("SELECT t1.x, t3.y FROM t1 {hand} t3"),
        ));
    }
    for (name, join, hand) in [
        (
            "ALL INNER JOIN ... USING",
            ChJoin::inner().all(),
            "ALL INNER JOIN",
        ),
        (
            "GLOBAL ALL LEFT OUTER JOIN ... USING",
            outer(JoinKind::LeftOuter).all().global(),
            "GLOBAL ALL LEFT OUTER JOIN",
        ),
        (
            "ALL FULL OUTER JOIN ... USING",
            outer(JoinKind::FullOuter).all(),
            "ALL FULL OUTER JOIN",
        ),
    ] {
        let mut s = ChSelect::new(select_from("t1").columns(["x", "y"]).to_owned());
        s.join_using(join, "t2", ["x", "y"]);
        cases.push(sorted(
            name,
            &s,
            &format!("SELECT x, y FROM t1 {hand} t2 USING (x, y)"),
        ));
    }
    let mut s = ChSelect::new(
        select_from("t1")
            .expr_as(col("t1", "x"), "a")
            .expr_as(col("t2", "x"), "b")
            .expr_as(col("t3", "x"), "c")
            .to_owned(),
    );
    s.join(
        ChJoin::inner().any(),
        "t2",
        col("t1", "x").equals(("t2", "y")),
    )
    .join(
        outer(JoinKind::LeftOuter).any(),
        "t3",
        col("t1", "x").equals(("t3", "y")),
    );
    cases.push(sorted(
        "ANY INNER JOIN then ANY LEFT OUTER JOIN",
        &s,
        "SELECT t1.x AS a, t2.x AS b, t3.x AS c FROM t1 ANY INNER JOIN t2 ON t1.x = t2.y ANY LEFT OUTER JOIN t3 ON t1.x = t3.y",
    ));
    cases.push(asof_case(
        "ASOF INNER JOIN",
        ChJoin::inner().asof(),
        "ASOF INNER JOIN",
    ));
    cases.push(asof_case(
        "ASOF LEFT OUTER JOIN",
        outer(JoinKind::LeftOuter).asof(),
        "ASOF LEFT OUTER JOIN",
    ));
    cases.push(asof_case(
        "GLOBAL ASOF LEFT OUTER JOIN",
        outer(JoinKind::LeftOuter).asof().global(),
        "GLOBAL ASOF LEFT OUTER JOIN",
    ));

    // Set operations: clickhouse-connect test_compound_select.py.
    let set = |kind: UnionType, right: SelectStatement| {
        let mut left = y_of_t1(None);
        left.union(kind, right);
        left
    };
    cases.push(sorted(
        "UNION DISTINCT",
        &set(
            UnionType::Distinct,
            select_from("t2").column("y").to_owned(),
        ),
        "SELECT y FROM t1 UNION DISTINCT SELECT y FROM t2",
    ));
    cases.push(sorted(
        "UNION ALL",
        &set(UnionType::All, select_from("t2").column("y").to_owned()),
        "SELECT y FROM t1 UNION ALL SELECT y FROM t2",
    ));
    cases.push(sorted(
        "INTERSECT (DISTINCT)",
        &set(UnionType::Intersect, y_of_t1(Some(3))),
        "SELECT y FROM t1 INTERSECT DISTINCT SELECT y FROM t1 WHERE x <= 3",
    ));
    let mut s = ChSelect::new(y_of_t1(None));
    s.intersect_all(y_of_t1(Some(3)));
    cases.push(sorted(
        "INTERSECT ALL",
        &s,
        "SELECT y FROM t1 INTERSECT ALL SELECT y FROM t1 WHERE x <= 3",
    ));
    let twenty = select_from("t1")
        .column("y")
        .and_where(Expr::col("y").eq(20))
        .to_owned();
    cases.push(sorted(
        "EXCEPT (DISTINCT)",
        &set(UnionType::Except, twenty.clone()),
        "SELECT y FROM t1 EXCEPT DISTINCT SELECT y FROM t1 WHERE y = 20",
    ));
    let mut s = ChSelect::new(y_of_t1(None));
    s.except_all(twenty);
    cases.push(sorted(
        "EXCEPT ALL",
        &s,
        "SELECT y FROM t1 EXCEPT ALL SELECT y FROM t1 WHERE y = 20",
    ));
    let values = Query::select()
        .expr_as(Expr::val(13), "value")
        .union(
            UnionType::Distinct,
            Query::select().expr_as(Expr::val(79), "value").to_owned(),
        )
        .to_owned();
    cases.push(rows_case(
        "UNION DISTINCT in a FROM subquery",
        &Query::select()
            .column("value")
            .from_subquery(values, "selected_values")
            .order_by("value", Order::Asc)
            .to_owned(),
        "SELECT value FROM (SELECT 13 AS value UNION DISTINCT SELECT 79 AS value) AS selected_values ORDER BY value",
    ));

    // SETTINGS (clickhouse-connect test_select_hints.py / test_query_settings.py).
    let mut s = ChSelect::new(
        select_from("t1")
            .column("x")
            .order_by("x", Order::Asc)
            .to_owned(),
    );
    s.settings("max_threads", 1);
    cases.push(rows_case(
        "SETTINGS",
        &s,
        "SELECT x FROM t1 ORDER BY x SETTINGS max_threads=1",
    ));

    // Operators and functions: tests/sql/test_ilike.py, test_is_distinct_from.py,
    // test_regexp_match.py, test_lambda.py, test_functions.py, test_case.py,
    // tests/functions/*.py.
    let xs = |condition: Expr| {
        select_from("t1")
            .column("x")
            .and_where(condition)
            .order_by("x", Order::Asc)
            .to_owned()
    };
    cases.push(rows_case(
        "ILIKE",
        &xs(Expr::col("s").ilike("b%")),
        "SELECT x FROM t1 WHERE s ILIKE 'b%' ORDER BY x",
    ));
    cases.push(rows_case(
        "NOT ILIKE",
        &xs(Expr::col("s").not_ilike("b%")),
        "SELECT x FROM t1 WHERE s NOT ILIKE 'b%' ORDER BY x",
    ));
    cases.push(rows_case(
        "IS DISTINCT FROM",
        &xs(Expr::col("n").binary(BinOper::Custom("IS DISTINCT FROM"), Expr::val(5))),
        "SELECT x FROM t1 WHERE n IS DISTINCT FROM 5 ORDER BY x",
    ));
    cases.push(rows_case(
        "IS NOT DISTINCT FROM NULL",
        &xs(Expr::col("n").binary(
            BinOper::Custom("IS NOT DISTINCT FROM"),
            Expr::Keyword(Keyword::Null),
        )),
        "SELECT x FROM t1 WHERE n IS NOT DISTINCT FROM NULL ORDER BY x",
    ));
    cases.push(rows_case(
        "LIKE ... ESCAPE",
        &xs(Expr::col("s")
            .like(sea_query::LikeExpr::new("Bo#_").escape('#'))
            .not()),
        "SELECT x FROM t1 WHERE NOT (s LIKE 'Bo#_' ESCAPE '#') ORDER BY x",
    ));
    cases.push(rows_case(
        "NOT LIKE ... ESCAPE on a computed pattern",
        &xs(Expr::col("s").binary(
            BinOper::NotLike,
            Func::cust("concat")
                .arg("Bo")
                .arg("#_")
                .binary(BinOper::Escape, Expr::Constant('#'.into())),
        )),
        "SELECT x FROM t1 WHERE s NOT LIKE concat('Bo', '#_') ESCAPE '#' ORDER BY x",
    ));
    cases.push(rows_case(
        "regexp match",
        &xs(Expr::col("s").binary(BinOper::PgOperator(PgBinOper::Regex), "^s.*")),
        "SELECT x FROM t1 WHERE match(s, '^s.*') ORDER BY x",
    ));
    cases.push(rows_case(
        "NOT regexp match",
        &xs(Expr::col("s")
            .binary(BinOper::PgOperator(PgBinOper::Regex), "^s.*")
            .not()),
        "SELECT x FROM t1 WHERE NOT match(s, '^s.*') ORDER BY x",
    ));
    cases.push(rows_case(
        "lambda in arrayFilter",
        &Query::select()
            .expr_as(
                Func::cust("arrayFilter")
                    .arg(Expr::cust("x -> x LIKE '%World%'"))
                    .arg(Expr::val(vec!["Hello".to_owned(), "abc World".to_owned()])),
                "test",
            )
            .to_owned(),
        "SELECT arrayFilter(x -> x LIKE '%World%', ['Hello', 'abc World']) AS test",
    ));
    cases.push(rows_case(
        "quantile(0.5)(x)",
        &select_from("t1")
            .expr(ChFunc::quantile(0.5, Expr::col("x")))
            .to_owned(),
        "SELECT quantile(0.5)(x) FROM t1",
    ));
    cases.push(rows_case(
        "quantileIf(0.5)(x, cond)",
        &select_from("t1")
            .expr(
                Func::cust("quantileIf(0.5)")
                    .arg(Expr::col("x"))
                    .arg(Expr::col("x").gt(1)),
            )
            .to_owned(),
        "SELECT quantileIf(0.5)(x, x > 1) FROM t1",
    ));
    cases.push(rows_case(
        "CASE WHEN ... ELSE",
        &select_from("t1")
            .expr_as(
                Expr::case(Expr::col("x").eq(1), 0)
                    .case(Expr::col("x").eq(2), 1)
                    .finally(2),
                "c",
            )
            .order_by("x", Order::Asc)
            .to_owned(),
        "SELECT CASE WHEN x = 1 THEN 0 WHEN x = 2 THEN 1 ELSE 2 END AS c FROM t1 ORDER BY x",
    ));
    cases.push(rows_case(
        "count(x), count(DISTINCT y), count(*)",
        &select_from("t1")
            .expr(Func::count(Expr::col("x")))
            .expr(Func::count_distinct(Expr::col("y")))
            .expr(Func::count(Expr::col(Asterisk)))
            .to_owned(),
        "SELECT count(x), count(DISTINCT y), count(*) FROM t1",
    ));
    cases.push(rows_case(
        "has, hasAny, hasAll",
        &Query::select()
            .expr(Func::cust("has").arg(Expr::val(vec![1, 2])).arg(1))
            .expr(
                Func::cust("hasAny")
                    .arg(Expr::val(vec![1]))
                    .arg(Expr::val(Vec::<i32>::new())),
            )
            .expr(
                Func::cust("hasAll")
                    .arg(Expr::val(vec!["a".to_owned(), "b".to_owned()]))
                    .arg(Expr::val(vec!["a".to_owned()])),
            )
            .to_owned(),
        "SELECT has([1, 2], 1), hasAny([1], []), hasAll(['a', 'b'], ['a'])",
    ));
    cases.push(rows_case(
        "if(cond, a, b)",
        &select_from("t1")
            .expr(ChFunc::if_(Expr::col("x").gt(2), "big", "small"))
            .order_by("x", Order::Asc)
            .to_owned(),
        "SELECT if(x > 2, 'big', 'small') FROM t1 ORDER BY x",
    ));
    cases.push(rows_case(
        "extract year, month, day",
        &select_from("t1")
            .expr(Func::cust("toYear").arg(Expr::col("d")))
            .expr(Func::cust("toMonth").arg(Expr::col("d")))
            .expr(Func::cust("toDayOfMonth").arg(Expr::col("d")))
            .order_by("x", Order::Asc)
            .to_owned(),
        "SELECT toYear(d), toMonth(d), toDayOfMonth(d) FROM t1 ORDER BY x",
    ));
    cases.push(rows_case(
        "Nested columns compared with arrays",
        &xs(col("t1", "parent.child1")
            .eq(Expr::val(vec![1, 2]))
            .and(col("t1", "parent.child2").eq(Expr::val(vec!["p".to_owned(), "q".to_owned()])))),
        "SELECT x FROM t1 WHERE t1.parent.child1 = [1, 2] AND t1.parent.child2 = ['p', 'q'] ORDER BY x",
    ));

    // LIMIT/OFFSET, DISTINCT, literals (tests/sql/test_limit.py, clickhouse-connect
    // test_literal_processor.py).
    cases.push(rows_case(
        "LIMIT with OFFSET",
        &select_from("t1")
            .column("x")
            .order_by("x", Order::Asc)
            .limit(2)
            .offset(1)
            .to_owned(),
        "SELECT x FROM t1 ORDER BY x LIMIT 1, 2",
    ));
    cases.push(sorted(
        "DISTINCT",
        &select_from("t1").distinct().column("y").to_owned(),
        "SELECT DISTINCT y FROM t1",
    ));
    cases.push(rows_case(
        "a string with a quote",
        &xs(Expr::col("s").eq("O'Reilly")),
        r"SELECT x FROM t1 WHERE s = 'O\'Reilly' ORDER BY x",
    ));
    cases.push(rows_case(
        "a string with a backslash and a quote",
        &Query::select()
            .expr_as(Expr::val(r"a\'; DROP"), "v")
            .to_owned(),
        r"SELECT 'a\\\'; DROP' AS v",
    ));
    cases.push(rows_case(
        "dates compared with a Date value",
        &xs(Expr::col("d").gte(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap())),
        "SELECT x FROM t1 WHERE d >= '2024-02-01' ORDER BY x",
    ));
    let at = NaiveDateTime::parse_from_str("2024-01-02 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    cases.push(rows_case(
        "date-times compared with a DateTime value",
        &select_from("events")
            .column("id")
            .and_where(Expr::col("ts").gte(at))
            .order_by("id", Order::Asc)
            .to_owned(),
        "SELECT id FROM events WHERE ts >= toDateTime64('2024-01-02 00:00:00', 6, 'UTC') ORDER BY id",
    ));
    cases.push(rows_case(
        "IS NULL, NULLS FIRST",
        &select_from("t1")
            .columns(["x", "n"])
            .and_where(
                Expr::col("x")
                    .gt(0)
                    .and(Expr::col("n").is_null().or(Expr::col("n").gt(5))),
            )
            .order_by_with_nulls("n", Order::Asc, NullOrdering::First)
            .order_by("x", Order::Asc)
            .to_owned(),
        "SELECT x, n FROM t1 WHERE x > 0 AND (n IS NULL OR n > 5) ORDER BY n ASC NULLS FIRST, x",
    ));
    cases.push(rows_case(
        "BETWEEN, arithmetic, ifNull, coalesce",
        &select_from("t1")
            .expr(Expr::col("x").modulo(2))
            .expr(Expr::col("x").mul(Expr::col("y")))
            .expr(Func::if_null(Expr::col("n"), 0))
            .expr(Func::coalesce([Expr::col("n"), Expr::val(-1)]))
            .and_where(Expr::col("x").between(2, 4))
            .order_by("x", Order::Asc)
            .to_owned(),
        "SELECT x % 2, x * y, ifNull(n, 0), coalesce(n, -1) FROM t1 WHERE x BETWEEN 2 AND 4 ORDER BY x",
    ));

    // VALUES, CTEs, GROUP BY labels (clickhouse-connect test_values.py,
    // test_materialized_cte.py, test_group_by_labels.py).
    let values = TableRef::FunctionCall(
        Func::cust("VALUES")
            .arg("id Int32")
            .arg(Expr::tuple([Expr::val(17)]))
            .arg(Expr::tuple([Expr::val(29)])),
        Alias::new("v").into_iden(),
    );
    cases.push(rows_case(
        "the VALUES table function",
        &Query::select()
            .column(Asterisk)
            .from(values)
            .order_by("id", Order::Asc)
            .to_owned(),
        "SELECT * FROM VALUES('id Int32', (17), (29)) AS v ORDER BY id",
    ));
    let ranked = CommonTableExpression::new()
        .query(
            select_from("t1")
                .columns(["x", "y"])
                .and_where(Expr::col("y").eq(10))
                .to_owned(),
        )
        .table_name("ranked")
        .materialized(true)
        .to_owned();
    cases.push(rows_case(
        "WITH ... AS MATERIALIZED",
        &WithClause::new().cte(ranked).to_owned().query(
            select_from("ranked")
                .column("x")
                .order_by("x", Order::Asc)
                .to_owned(),
        ),
        "WITH ranked AS MATERIALIZED (SELECT x, y FROM t1 WHERE y = 10) SELECT x FROM ranked ORDER BY x",
    ));
    let input_rows = CommonTableExpression::new()
        .query(select_from("t1").column("x").to_owned())
        .table_name("input_rows")
        .column("id")
        .to_owned();
    cases.push(rows_case(
        "WITH name (columns) AS",
        &WithClause::new().cte(input_rows).to_owned().query(
            select_from("input_rows")
                .column("id")
                .order_by("id", Order::Asc)
                .to_owned(),
        ),
        "WITH input_rows (id) AS (SELECT x FROM t1) SELECT id FROM input_rows ORDER BY id",
    ));
    cases.push(rows_case(
        "GROUP BY a label",
        &select_from("events")
            .expr_as(
                Func::cust("toStartOfDay").arg(Func::cust("toDateTime").arg(Expr::col("ts"))),
                "time",
            )
            .expr_as(Func::count(Expr::col(Asterisk)), "n")
            .group_by_col("time")
            .order_by("time", Order::Asc)
            .to_owned(),
        "SELECT toStartOfDay(toDateTime(ts)) AS time, count(*) AS n FROM events GROUP BY time ORDER BY time",
    ));
    cases.push(rows_case(
        "IN a subquery",
        &xs(Expr::col("x").in_subquery(select_from("t3").column("y").to_owned())),
        "SELECT x FROM t1 WHERE x IN (SELECT y FROM t3) ORDER BY x",
    ));
    cases
}

fn t1_rows() -> &'static str {
    "SELECT x, y FROM t1 ORDER BY x"
}

// One push per case keeps each case with its source comment.
#[allow(clippy::vec_init_then_push)]
fn effect_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let t1_probe: &'static str = t1_rows();
    // tests/sql/test_delete.py, test_update.py; clickhouse-connect test_delete.py.
    cases.push(effect(
        "ALTER TABLE ... DELETE",
        &Mutation::delete("t1")
            .and_where(Expr::col("x").eq(2))
            .settings("mutations_sync", 2),
        "ALTER TABLE t1 DELETE WHERE x = 2 SETTINGS mutations_sync = 2",
        &[],
        t1_probe,
    ));
    cases.push(effect(
        "ALTER TABLE ... UPDATE",
        &Mutation::update("t1")
            .value("y", 5)
            .and_where(Expr::col("x").eq(1))
            .settings("mutations_sync", 2),
        "ALTER TABLE t1 UPDATE y=5 WHERE x = 1 SETTINGS mutations_sync = 2",
        &[],
        t1_probe,
    ));
    cases.push(effect(
        "lightweight DELETE",
        &ChDelete::new(
            Query::delete()
                .from_table("t1")
                .and_where(Expr::col("s").ilike("b%"))
                .to_owned(),
        )
        .settings("lightweight_deletes_sync", 2),
        "DELETE FROM t1 WHERE s ILIKE 'b%' SETTINGS lightweight_deletes_sync = 2",
        &[],
        t1_probe,
    ));
    // tests/sql/test_insert.py; clickhouse-connect test_inserts.py.
    cases.push(effect(
        "INSERT ... VALUES",
        &Query::insert()
            .into_table("t2")
            .columns(["x", "y"])
            .values_panic([7.into(), 8.into()])
            .values_panic([9.into(), 10.into()])
            .to_owned(),
        "INSERT INTO t2 (x, y) VALUES (7, 8), (9, 10)",
        &[],
        "SELECT x, y FROM t2 ORDER BY x, y",
    ));
    cases.push(effect(
        "INSERT ... SELECT",
        &Query::insert()
            .into_table("t3")
            .columns(["x", "y"])
            .select_from(
                select_from("t2")
                    .columns(["x", "y"])
                    .and_where(Expr::col("x").gt(1))
                    .to_owned(),
            )
            .unwrap()
            .to_owned(),
        "INSERT INTO t3 (x, y) SELECT x, y FROM t2 WHERE x > 1",
        &[],
        "SELECT x, y FROM t3 ORDER BY x, y",
    ));

    // CREATE TABLE: clickhouse-sqlalchemy tests/engines/test_compilation.py, test_ddl.py.
    let dxy = || {
        CreateTable::new("test_table")
            .column(ChColumn::new("date", "Date"))
            .column(ChColumn::new("x", "Int32"))
            .column(ChColumn::new("y", "String"))
    };
    let dxyz = |z: bool| {
        let t = CreateTable::new("test_table")
            .column(ChColumn::new("date", "Date"))
            .column(ChColumn::new("x", "Int32"))
            .column(ChColumn::new("y", "Int32"));
        if z {
            t.column(ChColumn::new("z", "Int32"))
        } else {
            t
        }
    };
    let date_x = || [Expr::col("date"), Expr::col("x")];
    let ddl = |name, create: CreateTable, hand: &str| effect(name, &create, hand, &[], DEFINITIONS);
    cases.push(ddl(
        "MergeTree PARTITION BY ORDER BY",
        dxy()
            .engine(Engine::MergeTree)
            .partition_by(Expr::col("date"))
            .order_by(date_x()),
        "CREATE TABLE test_table (date Date, x Int32, y String) ENGINE = MergeTree() PARTITION BY date ORDER BY (date, x)",
    ));
    cases.push(ddl(
        "MergeTree SAMPLE BY",
        dxy()
            .engine(Engine::MergeTree)
            .partition_by(Expr::col("date"))
            .order_by([Expr::col("date"), Func::cust("intHash32").arg(Expr::col("x")).into()])
            .sample_by(Func::cust("intHash32").arg(Expr::col("x"))),
        "CREATE TABLE test_table (date Date, x Int32, y String) ENGINE = MergeTree() PARTITION BY date ORDER BY (date, intHash32(x)) SAMPLE BY intHash32(x)",
    ));
    cases.push(ddl(
        "MergeTree PARTITION BY a tuple",
        dxy()
            .engine(Engine::MergeTree)
            .partition_by(Expr::tuple([Expr::col("date"), Expr::col("x")]))
            .order_by([Expr::col("date")]),
        "CREATE TABLE test_table (date Date, x Int32, y String) ENGINE = MergeTree() PARTITION BY (date, x) ORDER BY date",
    ));
    cases.push(ddl(
        "AggregatingMergeTree",
        dxyz(false)
            .engine(Engine::AggregatingMergeTree)
            .partition_by(Expr::col("date"))
            .order_by(date_x()),
        "CREATE TABLE test_table (date Date, x Int32, y Int32) ENGINE = AggregatingMergeTree() PARTITION BY date ORDER BY (date, x)",
    ));
    let sign_version = || {
        CreateTable::new("test_table")
            .column(ChColumn::new("date", "Date"))
            .column(ChColumn::new("x", "Int32"))
            .column(ChColumn::new("y", "String"))
            .column(ChColumn::new("version", "UInt32"))
            .column(ChColumn::new("sign", "Int8"))
    };
    cases.push(ddl(
        "CollapsingMergeTree with PRIMARY KEY, SAMPLE BY, SETTINGS",
        sign_version()
            .engine(Engine::CollapsingMergeTree(Alias::new("sign").into_iden()))
            .partition_by(Expr::col("date"))
            .order_by([Expr::col("date"), Func::cust("intHash32").arg(Expr::col("x")).into(), Expr::col("x")])
            .primary_key([Expr::col("date"), Func::cust("intHash32").arg(Expr::col("x")).into()])
            .sample_by(Func::cust("intHash32").arg(Expr::col("x")))
            .settings("index_granularity", 4096),
        "CREATE TABLE test_table (date Date, x Int32, y String, version UInt32, sign Int8) ENGINE = CollapsingMergeTree(sign) PARTITION BY date ORDER BY (date, intHash32(x), x) PRIMARY KEY (date, intHash32(x)) SAMPLE BY intHash32(x) SETTINGS index_granularity=4096",
    ));
    cases.push(ddl(
        "VersionedCollapsingMergeTree",
        sign_version()
            .engine(Engine::VersionedCollapsingMergeTree(
                Alias::new("sign").into_iden(),
                Alias::new("version").into_iden(),
            ))
            .partition_by(Expr::col("date"))
            .order_by(date_x())
            .primary_key([Expr::col("date")]),
        "CREATE TABLE test_table (date Date, x Int32, y String, version UInt32, sign Int8) ENGINE = VersionedCollapsingMergeTree(sign, version) PARTITION BY date ORDER BY (date, x) PRIMARY KEY date",
    ));
    cases.push(ddl(
        "SummingMergeTree(y)",
        dxyz(false)
            .engine(Engine::SummingMergeTree(vec![Alias::new("y").into_iden()]))
            .partition_by(Expr::col("date"))
            .order_by(date_x()),
        "CREATE TABLE test_table (date Date, x Int32, y Int32) ENGINE = SummingMergeTree(y) PARTITION BY date ORDER BY (date, x)",
    ));
    cases.push(ddl(
        "SummingMergeTree((y, z))",
        dxyz(true)
            .engine(Engine::SummingMergeTree(vec![
                Alias::new("y").into_iden(),
                Alias::new("z").into_iden(),
            ]))
            .partition_by(Expr::col("date"))
            .order_by(date_x()),
        "CREATE TABLE test_table (date Date, x Int32, y Int32, z Int32) ENGINE = SummingMergeTree((y, z)) PARTITION BY date ORDER BY (date, x)",
    ));
    cases.push(ddl(
        "ReplacingMergeTree(version)",
        sign_version()
            .engine(Engine::replacing("version"))
            .partition_by(Func::cust("toYYYYMM").arg(Expr::col("date")))
            .order_by([Func::cust("toYYYYMM").arg(Expr::col("date")).into(), Expr::col("x")]),
        "CREATE TABLE test_table (date Date, x Int32, y String, version UInt32, sign Int8) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(date) ORDER BY (toYYYYMM(date), x)",
    ));
    cases.push(ddl(
        "ReplacingMergeTree()",
        dxy()
            .engine(Engine::ReplacingMergeTree {
                version: None,
                is_deleted: None,
            })
            .partition_by(Expr::col("date"))
            .order_by(date_x()),
        "CREATE TABLE test_table (date Date, x Int32, y String) ENGINE = ReplacingMergeTree() PARTITION BY date ORDER BY (date, x)",
    ));
    cases.push(ddl(
        "MergeTree TTL",
        CreateTable::new("test_table")
            .column(ChColumn::new("date", "Date"))
            .column(ChColumn::new("x", "Int32"))
            .engine(Engine::MergeTree)
            .order_by([Expr::col("date")])
            .ttl(Expr::col("date").add(Func::cust("toIntervalDay").arg(1))),
        "CREATE TABLE test_table (date Date, x Int32) ENGINE = MergeTree() ORDER BY date TTL date + toIntervalDay(1)",
    ));
    cases.push(ddl(
        "Memory with sea-query types, Nullable and FixedString",
        CreateTable::new("t4")
            .col(ColumnDef::new("x").integer().primary_key())
            .col(ColumnDef::new("y").string())
            .col(ColumnDef::new("z").char_len(10))
            .column(ChColumn::new("a", "Array(Nullable(String))"))
            .column(ChColumn::new("b", "Array(Array(String))"))
            .col(ColumnDef::new("d").date().not_null())
            .engine(Engine::Memory),
        "CREATE TABLE t4 (x Int32, y Nullable(String), z Nullable(FixedString(10)), a Array(Nullable(String)), b Array(Array(String)), d Date) ENGINE = Memory",
    ));
    cases.push(ddl(
        "column codecs",
        CreateTable::new("t4")
            .column(ChColumn::new("id", "UInt64").codec("DoubleDelta, ZSTD"))
            .column(ChColumn::new("n", "Int64").codec("T64, ZSTD(5)"))
            .column(ChColumn::new("str", "Int8").codec("ZSTD"))
            .engine(Engine::MergeTree)
            .order_by([Expr::col("id")]),
        "CREATE TABLE t4 (id UInt64 CODEC(DoubleDelta, ZSTD), n Int64 CODEC(T64, ZSTD(5)), str Int8 CODEC(ZSTD)) ENGINE = MergeTree ORDER BY id",
    ));
    cases.push(ddl(
        "table and column comments",
        CreateTable::new("t4")
            .column(ChColumn::new("x", "Int32").comment("col_comment"))
            .engine(Engine::Memory)
            .comment("table_comment"),
        "CREATE TABLE t4 (x Int32 COMMENT 'col_comment') ENGINE = Memory COMMENT 'table_comment'",
    ));
    let enum_type = ColumnType::Enum {
        name: Alias::new("e").into_iden(),
        variants: vec![
            Alias::new(" ' t = ").into_iden(),
            Alias::new("test").into_iden(),
        ],
    };
    cases.push(ddl(
        "Enum8 with a quote in a label",
        CreateTable::new("t4")
            .col(ColumnDef::new_with_type("e", enum_type).not_null())
            .column(ChColumn::new("f", "Enum16('foo' = 100, 'bar' = 500)"))
            .engine(Engine::Memory),
        r"CREATE TABLE t4 (e Enum8(' \' t = ' = 1, 'test' = 2), f Enum16('foo' = 100, 'bar' = 500)) ENGINE = Memory",
    ));
    cases.push(ddl(
        "DEFAULT, MATERIALIZED, ALIAS columns",
        CreateTable::new("t4")
            .column(ChColumn::new("x", "Int32"))
            .column(ChColumn::new("y", "Int32").default(Expr::col("x").add(1)))
            .column(ChColumn::new("z", "Int32").materialized(Expr::col("x").mul(2)))
            .column(ChColumn::new("w", "String").alias(Func::cust("toString").arg(Expr::col("x"))))
            .engine(Engine::MergeTree)
            .order_by([Expr::col("x")]),
        "CREATE TABLE t4 (x Int32, y Int32 DEFAULT x + 1, z Int32 MATERIALIZED x * 2, w String ALIAS toString(x)) ENGINE = MergeTree ORDER BY x",
    ));
    cases.push(ddl(
        "TinyLog",
        CreateTable::new("t4")
            .column(ChColumn::new("x", "Int32"))
            .engine(Engine::TinyLog),
        "CREATE TABLE t4 (x Int32) ENGINE = TinyLog",
    ));
    cases.push(ddl(
        "File(JSONEachRow)",
        dxy().engine(Engine::custom("File", [Expr::cust("JSONEachRow")])),
        "CREATE TABLE test_table (date Date, x Int32, y String) ENGINE = File(JSONEachRow)",
    ));
    cases.push(ddl(
        "Buffer",
        dxy().engine(Engine::custom(
            "Buffer",
            [
                Expr::cust("currentDatabase()"),
                Expr::val("t1"),
                Expr::val(16),
                Expr::val(10),
                Expr::val(100),
                Expr::val(10000),
                Expr::val(1000000),
                Expr::val(10000000),
                Expr::val(100000000),
            ],
        )),
        "CREATE TABLE test_table (date Date, x Int32, y String) ENGINE = Buffer(currentDatabase(), 't1', 16, 10, 100, 10000, 1000000, 10000000, 100000000)",
    ));
    cases.push(ddl(
        "CREATE TABLE IF NOT EXISTS (existing)",
        CreateTable::new("t2")
            .if_not_exists()
            .column(ChColumn::new("other", "String"))
            .engine(Engine::Memory),
        "CREATE TABLE IF NOT EXISTS t2 (other String) ENGINE = Memory",
    ));
    cases.push(effect(
        "DROP TABLE IF EXISTS",
        &Table::drop()
            .table("t3")
            .table("missing")
            .if_exists()
            .to_owned(),
        "DROP TABLE IF EXISTS t3, missing",
        &[],
        DEFINITIONS,
    ));
    cases.push(effect(
        "TRUNCATE TABLE",
        &Table::truncate().table("t2").to_owned(),
        "TRUNCATE TABLE t2",
        &[],
        "SELECT count() FROM t2",
    ));
    cases.push(effect(
        "RENAME TABLE",
        &Table::rename().table("t3", "t3_renamed").to_owned(),
        "RENAME TABLE t3 TO t3_renamed",
        &[],
        DEFINITIONS,
    ));
    cases.push(effect(
        "ALTER TABLE ADD/MODIFY/RENAME/COMMENT/DROP COLUMN",
        &AlterTable::new("t2")
            .add_column(ChColumn::new("z", "String").default(Expr::val("none")), true)
            .after("x")
            .modify_column(ChColumn::new("y", "Int64"), false)
            .rename_column("x", "x2", false)
            .comment_column("y", "it's y", false),
        r"ALTER TABLE t2 ADD COLUMN IF NOT EXISTS z String DEFAULT 'none' AFTER x, MODIFY COLUMN y Int64, RENAME COLUMN x TO x2, COMMENT COLUMN y 'it\'s y'",
        &[],
        COLUMNS,
    ));

    // Views (clickhouse-connect test_ddl.py).
    let big = || {
        select_from("t1")
            .columns(["x", "y"])
            .and_where(Expr::col("y").gte(20))
            .to_owned()
    };
    cases.push(effect(
        "CREATE VIEW",
        &CreateView::new("v", big()).comment("big y"),
        "CREATE VIEW v AS SELECT x, y FROM t1 WHERE y >= 20 COMMENT 'big y'",
        &[],
        "SELECT x, y FROM v ORDER BY x",
    ));
    cases.push(effect(
        "CREATE MATERIALIZED VIEW ... TO",
        &CreateView::materialized("mv", big()).to("dst"),
        "CREATE MATERIALIZED VIEW mv TO dst AS SELECT x, y FROM t1 WHERE y >= 20",
        &["INSERT INTO t1 (x, y) VALUES (7, 70), (8, 1)"],
        "SELECT x, y FROM dst ORDER BY x",
    ));
    cases.push(effect(
        "CREATE MATERIALIZED VIEW ... ENGINE ... POPULATE",
        &CreateView::materialized("mv", big())
            .engine(Engine::MergeTree)
            .order_by([Expr::col("x")])
            .populate(),
        "CREATE MATERIALIZED VIEW mv ENGINE = MergeTree ORDER BY x POPULATE AS SELECT x, y FROM t1 WHERE y >= 20",
        &["INSERT INTO t1 (x, y) VALUES (7, 70), (8, 1)"],
        "SELECT x, y FROM mv ORDER BY x",
    ));
    cases.push(effect(
        "DROP VIEW",
        &DropView::new("existing_view").if_exists(),
        "DROP VIEW IF EXISTS existing_view",
        &[],
        DEFINITIONS,
    ));

    // Databases (clickhouse-connect test_create_database.py).
    let name = format!("peers_created_{}", std::process::id());
    let mut create = effect(
        "CREATE DATABASE IF NOT EXISTS ... ENGINE",
        &CreateDatabase::new(&name).if_not_exists().engine("Atomic"),
        &format!("CREATE DATABASE IF NOT EXISTS {name} ENGINE = Atomic"),
        &[],
        "SELECT name, engine FROM system.databases WHERE name LIKE 'peers\\_created\\_%'",
    );
    if let Kind::Effect { cleanup, .. } = &mut create.kind {
        *cleanup = Some(format!("DROP DATABASE IF EXISTS {name}"));
    }
    cases.push(create);
    cases
}

// One push per case keeps each case with its source comment.
#[allow(clippy::vec_init_then_push)]
fn refusal_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // clickhouse-sqlalchemy test_selectable.py raises CompileError for these, the server too.
    for (name, join, hand) in [
        ("ANY FULL JOIN", ChJoin::full().any(), "ANY FULL JOIN"),
        (
            "ANY FULL OUTER JOIN",
            ChJoin::new(JoinKind::FullOuter).any(),
            "ANY FULL OUTER JOIN",
        ),
        ("SEMI INNER JOIN", ChJoin::inner().semi(), "SEMI INNER JOIN"),
        ("ANTI FULL JOIN", ChJoin::full().anti(), "ANTI FULL JOIN"),
        ("ASOF RIGHT JOIN", ChJoin::right().asof(), "ASOF RIGHT JOIN"),
        ("ALL CROSS JOIN", ChJoin::cross().all(), "ALL CROSS JOIN"),
    ] {
        let mut s = ChSelect::new(select_from("t1").expr(col("t1", "x")).to_owned());
        let on = if join == ChJoin::cross().all() {
            Condition::all()
        } else {
            Condition::all().add(col("t2", "y").equals(("t1", "x")))
        };
        let hand_on = if on.is_empty() { "" } else { " ON t2.y = t1.x" };
        s.join(join, "t2", on);
        cases.push(refused(
            name,
            &s,
            &format!("SELECT t1.x FROM t1 {hand} t2{hand_on}"),
        ));
    }
    let mut s = ChSelect::new(select_from("t1").expr(col("t1", "x")).to_owned());
    s.join(ChJoin::cross(), "t3", col("t1", "x").equals(("t3", "x")));
    cases.push(refused(
        "CROSS JOIN ... ON",
        &s,
        "SELECT t1.x FROM t1 CROSS JOIN t3 ON t1.x = t3.x",
    ));
    cases.push(refused(
        "a materialized view with TO and ENGINE",
        &CreateView::materialized("mv", select_from("t1").column("x").to_owned())
            .to("dst")
            .engine(Engine::Memory),
        "CREATE MATERIALIZED VIEW mv TO dst ENGINE = Memory AS SELECT x FROM t1",
    ));
    cases.push(refused(
        "DELETE without WHERE",
        &ChDelete::new(Query::delete().from_table("t1").to_owned()),
        "DELETE FROM t1",
    ));
    cases.push(refused(
        "DELETE with LIMIT",
        &ChDelete::new(
            Query::delete()
                .from_table("t1")
                .and_where(Expr::col("x").eq(1))
                .limit(1)
                .to_owned(),
        ),
        "DELETE FROM t1 WHERE x = 1 LIMIT 1",
    ));
    cases.push(refused(
        "a mutation without WHERE",
        &Mutation::delete("t1"),
        "ALTER TABLE t1 DELETE",
    ));
    let mut locked = select_from("t1").column("x").to_owned();
    locked.lock(sea_query::LockType::Update);
    cases.push(refused(
        "SELECT ... FOR UPDATE",
        &locked,
        "SELECT x FROM t1 FOR UPDATE",
    ));
    cases.push(refused(
        "DROP TABLE ... CASCADE",
        &Table::drop().table("t3").cascade().to_owned(),
        "DROP TABLE t3 CASCADE",
    ));

    cases
}

fn server_error_cases() -> Vec<Case> {
    vec![
        case(
            "Distributed (no cluster here)",
            Kind::SameError("CLUSTER_DOESNT_EXIST"),
            &CreateTable::new("test_table")
                .column(ChColumn::new("date", "Date"))
                .column(ChColumn::new("x", "Int32"))
                .engine(Engine::Distributed {
                    cluster: "cluster".into(),
                    database: "test".into(),
                    table: "merge_distributed1".into(),
                    sharding_key: Some(Func::cust("rand").into()),
                }),
            "CREATE TABLE test_table (date Date, x Int32) ENGINE = Distributed(cluster, test, merge_distributed1, rand())",
        ),
        case(
            "GraphiteMergeTree (no rollup configuration here)",
            Kind::SameError("'config_section' element"),
            &CreateTable::new("test_table")
                .column(ChColumn::new("date", "Date"))
                .column(ChColumn::new("x", "Int32"))
                .engine(Engine::GraphiteMergeTree("config_section".into()))
                .partition_by(Expr::col("date"))
                .order_by([Expr::col("date"), Expr::col("x")]),
            "CREATE TABLE test_table (date Date, x Int32) ENGINE = GraphiteMergeTree('config_section') PARTITION BY date ORDER BY (date, x)",
        ),
        case(
            "ReplicatedMergeTree (no keeper here)",
            Kind::SameError("ZooKeeper"),
            &CreateTable::new("test_table")
                .column(ChColumn::new("date", "Date"))
                .column(ChColumn::new("x", "Int32"))
                .engine(Engine::Replicated {
                    path: "/table/path".into(),
                    replica: "name".into(),
                    inner: Box::new(Engine::MergeTree),
                })
                .partition_by(Expr::col("date"))
                .order_by([Expr::col("date"), Expr::col("x")]),
            "CREATE TABLE test_table (date Date, x Int32) ENGINE = ReplicatedMergeTree('/table/path', 'name') PARTITION BY date ORDER BY (date, x)",
        ),
        case(
            "CREATE TABLE ... ON CLUSTER (no cluster here)",
            Kind::SameError("CLUSTER_DOESNT_EXIST"),
            &CreateTable::new("t4")
                .on_cluster("test_cluster")
                .column(ChColumn::new("x", "Int32"))
                .engine(Engine::Memory),
            "CREATE TABLE t4 ON CLUSTER test_cluster (x Int32) ENGINE = Memory",
        ),
        case(
            "DROP DATABASE ... ON CLUSTER (no distributed DDL here)",
            Kind::SameError("QUERY_IS_PROHIBITED"),
            &sea_query_clickhouse::DropDatabase::new("nothing_here")
                .if_exists()
                .on_cluster("test_cluster"),
            "DROP DATABASE IF EXISTS nothing_here ON CLUSTER test_cluster",
        ),
    ]
}

fn url() -> String {
    std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into())
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

/// A client on a fresh database with the fixture.
async fn fixture(admin: &Client, name: &str) -> Client {
    admin
        .command(format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop database");
    admin
        .command(format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let client = Client::builder()
        .url(url())
        .database(name)
        .build()
        .expect("client");
    for sql in FIXTURE {
        client.command(*sql).await.expect(sql);
    }
    client
        .command("CREATE VIEW existing_view AS SELECT x FROM t1")
        .await
        .expect("view");
    client
}

async fn query_typed(client: &Client, typed: &TypedQuery) -> Result<QueryResult, String> {
    let mut query = client.query(typed.sql.clone());
    for (name, value) in &typed.params {
        query = query.param(name.clone(), value.clone());
    }
    query.await.map_err(|e| e.to_string())
}

async fn command_typed(client: &Client, typed: &TypedQuery) -> Result<(), String> {
    let mut command = client.command(typed.sql.clone());
    for (name, value) in &typed.params {
        command = command.param(name.clone(), value.clone());
    }
    command.await.map(|_| ()).map_err(|e| e.to_string())
}

/// Runs one case; the reason it fails, if it does.
async fn run(admin: &Client, shared: &Client, index: usize, case: &Case) -> Result<(), String> {
    let (inline, typed) = match (&case.kind, &case.inline, &case.typed) {
        (Kind::Refused, Err(Error::Unsupported(_) | Error::InvalidInput(_)), Err(_)) => {
            return match shared.command(case.hand.clone()).await {
                Ok(_) => Err(format!("the server ran the hand-written `{}`", case.hand)),
                Err(_) => Ok(()),
            };
        }
        (Kind::Refused, inline, _) => {
            return Err(format!("the dialect did not refuse it: {inline:?}"));
        }
        (_, Ok(inline), Ok(typed)) => (inline, typed),
        (_, inline, typed) => return Err(format!("the dialect failed: {inline:?} / {typed:?}")),
    };
    match &case.kind {
        Kind::Rows | Kind::SortedRows => {
            let sort = matches!(case.kind, Kind::SortedRows);
            let get = |result: Result<QueryResult, String>, what: &str| {
                result
                    .map(|r| {
                        let mut rows = rows(&r);
                        if sort {
                            rows.sort();
                        }
                        rows
                    })
                    .map_err(|e| format!("{what}: {e}"))
            };
            let hand = get(
                shared
                    .query(case.hand.clone())
                    .await
                    .map_err(|e| e.to_string()),
                &case.hand,
            )?;
            if hand.is_empty() {
                return Err(format!("the hand-written `{}` returned no rows", case.hand));
            }
            let ours = get(
                shared
                    .query(inline.clone())
                    .await
                    .map_err(|e| e.to_string()),
                inline,
            )?;
            let typed_rows = get(query_typed(shared, typed).await, &typed.sql)?;
            if ours != hand {
                return Err(format!(
                    "`{inline}` returned {ours:?}, `{}` {hand:?}",
                    case.hand
                ));
            }
            if typed_rows != hand {
                return Err(format!(
                    "`{}` returned {typed_rows:?}, `{}` {hand:?}",
                    typed.sql, case.hand
                ));
            }
            Ok(())
        }
        Kind::Effect {
            then,
            probe,
            cleanup,
        } => {
            let mut outcomes = Vec::new();
            for (label, which) in [("inline", 0), ("typed", 1), ("hand", 2)] {
                let db = format!("peers_{}_{index}_{label}", std::process::id());
                let client = fixture(admin, &db).await;
                let ran = match which {
                    0 => client
                        .command(inline.clone())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    1 => command_typed(&client, typed).await,
                    _ => client
                        .command(case.hand.clone())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                };
                let result = match ran {
                    Ok(()) => {
                        for sql in *then {
                            client
                                .command(*sql)
                                .await
                                .map_err(|e| format!("{sql}: {e}"))?;
                        }
                        client
                            .query(*probe)
                            .await
                            .map(|r| {
                                rows(&r)
                                    .into_iter()
                                    .map(|row| row.replace(&db, "<db>"))
                                    .collect::<Vec<_>>()
                            })
                            .map_err(|e| format!("{probe}: {e}"))
                    }
                    Err(e) => Err(format!("{label}: {e}")),
                };
                if let Some(cleanup) = cleanup {
                    let _ = admin.command(cleanup.clone()).await;
                }
                let _ = admin.command(format!("DROP DATABASE IF EXISTS {db}")).await;
                outcomes.push((label, result?));
            }
            let hand = &outcomes[2].1;
            if hand.is_empty() {
                return Err(format!("the probe `{probe}` returned no rows"));
            }
            for (label, rows) in &outcomes[..2] {
                if rows != hand {
                    return Err(format!("{label}: {rows:?}\nhand: {hand:?}"));
                }
            }
            Ok(())
        }
        Kind::SameError(text) => {
            for sql in [inline.as_str(), case.hand.as_str()] {
                match shared.command(sql.to_owned()).await {
                    Ok(_) => return Err(format!("the server ran `{sql}`")),
                    Err(e) if str::contains(&e.to_string(), *text) => {}
                    Err(e) => return Err(format!("`{sql}`: {e}")),
                }
            }
            Ok(())
        }
        Kind::Refused => unreachable!("handled above"),
    }
}

#[tokio::test]
async fn peer_style_cases_match_the_hand_written_sql() {
    let admin = Client::builder().url(url()).build().expect("client");
    if let Err(e) = admin.ping().await {
        panic!(
            "cannot reach ClickHouse at {} ({e}); run `scripts/dev-servers up` (or set CLICKHOUSE_URL)",
            url()
        );
    }
    let shared_name = format!("peers_{}_shared", std::process::id());
    let shared = fixture(&admin, &shared_name).await;
    let groups = [
        ("query", query_cases()),
        ("statement", effect_cases()),
        ("server error", server_error_cases()),
        ("refused", refusal_cases()),
    ];
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    let mut index = 0;
    for (group, cases) in &groups {
        counts.push(format!("{} {group}", cases.len()));
        for case in cases {
            index += 1;
            if let Err(why) = run(&admin, &shared, index, case).await {
                failures.push(format!("[{group}] {}: {why}", case.name));
            }
        }
    }
    let _ = admin
        .command(format!("DROP DATABASE IF EXISTS {shared_name}"))
        .await;
    println!(
        "{index} peer-style cases ({}), {} failed",
        counts.join(", "),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {index} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let compared: usize = groups[..3].iter().map(|(_, c)| c.len()).sum();
    assert!(
        compared >= 60,
        "only {compared} cases compared with the engine"
    );
}
