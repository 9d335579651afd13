//! Every sea-query operator through the backend (sea-query 1.0.2 with its PostgreSQL and
//! SQLite operators: 28 `BinOper`s, 17 `PgBinOper`s, 4 `SqliteBinOper`s, 1 `UnOper`).
//!
//! Each is rendered every way the dialect and sea-query offer (`to_string`/`build` with the
//! builder, `to_sql`/`build_values`/`build_typed`, inside a `ChSelect`'s PREWHERE, a mutation, a
//! column default): none may panic. An operator ClickHouse has is checked as SQL and run on the
//! 26.9 engine (`CLICKHOUSE_URL`) beside the hand-written expression; one it has not is an
//! `Error::Unsupported` from the dialect and a server error naming the reason from sea-query's
//! own rendering.

use clickhouse_connect::Client;
use sea_query::extension::postgres::PgBinOper;
use sea_query::extension::sqlite::SqliteBinOper;
use sea_query::{BinOper, Expr, ExprTrait, Func, Keyword, LikeExpr, Query, UnOper};
use sea_query_clickhouse::{
    ChColumn, ChSelect, ChStatement, ClickHouseQueryBuilder as CH, ClientExt, CreateTable, Engine,
    Error, Mutation,
};

/// What an operator becomes.
enum Expect {
    /// The inline SQL of the expression, the hand-written expression, and its value.
    Runs(&'static str, &'static str, &'static str),
    /// Refused; the reason contains this text.
    Refused(&'static str),
}

use Expect::{Refused, Runs};

fn ints(op: BinOper) -> Expr {
    Expr::val(6).binary(op, Expr::val(3))
}

fn strings(left: &str, op: BinOper, right: &str) -> Expr {
    Expr::val(left).binary(op, Expr::val(right))
}

fn arrays(op: BinOper) -> Expr {
    Expr::val(vec![1, 2, 3]).binary(op, Expr::val(vec![1, 2]))
}

fn cases() -> Vec<(String, Expr, Expect)> {
    let pg = |op: PgBinOper| BinOper::PgOperator(op);
    let sqlite = |op: SqliteBinOper| BinOper::SqliteOperator(op);
    let null = || Expr::Keyword(Keyword::Null);
    let list = || Expr::Tuple(vec![Expr::val(1), Expr::val(2)]);
    let range = || Expr::val(1).binary(BinOper::And, Expr::val(3));
    let mut cases: Vec<(BinOper, Expr, Expect)> = vec![
        (
            BinOper::And,
            Expr::val(true).binary(BinOper::And, Expr::val(false)),
            Runs("true AND false", "true AND false", "false"),
        ),
        (
            BinOper::Or,
            Expr::val(true).binary(BinOper::Or, Expr::val(false)),
            Runs("true OR false", "true OR false", "true"),
        ),
        (
            BinOper::Like,
            strings("abc", BinOper::Like, "a%"),
            Runs("'abc' LIKE 'a%'", "'abc' LIKE 'a%'", "1"),
        ),
        (
            BinOper::NotLike,
            strings("abc", BinOper::NotLike, "a%"),
            Runs("'abc' NOT LIKE 'a%'", "'abc' NOT LIKE 'a%'", "0"),
        ),
        (
            BinOper::Is,
            Expr::val(sea_query::Value::Int(None)).binary(BinOper::Is, null()),
            Runs("NULL IS NULL", "NULL IS NULL", "1"),
        ),
        (
            BinOper::IsNot,
            Expr::val(1).binary(BinOper::IsNot, null()),
            Runs("1 IS NOT NULL", "1 IS NOT NULL", "1"),
        ),
        (
            BinOper::In,
            Expr::val(2).binary(BinOper::In, list()),
            Runs("2 IN (1, 2)", "2 IN (1, 2)", "1"),
        ),
        (
            BinOper::NotIn,
            Expr::val(2).binary(BinOper::NotIn, list()),
            Runs("2 NOT IN (1, 2)", "2 NOT IN (1, 2)", "0"),
        ),
        (
            BinOper::Between,
            Expr::val(2).binary(BinOper::Between, range()),
            Runs("2 BETWEEN 1 AND 3", "2 BETWEEN 1 AND 3", "1"),
        ),
        (
            BinOper::NotBetween,
            Expr::val(2).binary(BinOper::NotBetween, range()),
            Runs("2 NOT BETWEEN 1 AND 3", "2 NOT BETWEEN 1 AND 3", "0"),
        ),
        (
            BinOper::Equal,
            ints(BinOper::Equal),
            Runs("6 = 3", "6 = 3", "0"),
        ),
        (
            BinOper::NotEqual,
            ints(BinOper::NotEqual),
            Runs("6 <> 3", "6 != 3", "1"),
        ),
        (
            BinOper::SmallerThan,
            ints(BinOper::SmallerThan),
            Runs("6 < 3", "6 < 3", "0"),
        ),
        (
            BinOper::GreaterThan,
            ints(BinOper::GreaterThan),
            Runs("6 > 3", "6 > 3", "1"),
        ),
        (
            BinOper::SmallerThanOrEqual,
            ints(BinOper::SmallerThanOrEqual),
            Runs("6 <= 3", "6 <= 3", "0"),
        ),
        (
            BinOper::GreaterThanOrEqual,
            ints(BinOper::GreaterThanOrEqual),
            Runs("6 >= 3", "6 >= 3", "1"),
        ),
        (
            BinOper::Add,
            ints(BinOper::Add),
            Runs("6 + 3", "6 + 3", "9"),
        ),
        (
            BinOper::Sub,
            ints(BinOper::Sub),
            Runs("6 - 3", "6 - 3", "3"),
        ),
        (
            BinOper::Mul,
            ints(BinOper::Mul),
            Runs("6 * 3", "6 * 3", "18"),
        ),
        (
            BinOper::Div,
            ints(BinOper::Div),
            Runs("6 / 3", "6 / 3", "2"),
        ),
        (
            BinOper::Mod,
            ints(BinOper::Mod),
            Runs("6 % 3", "6 % 3", "0"),
        ),
        (
            BinOper::BitAnd,
            ints(BinOper::BitAnd),
            Runs("bitAnd(6, 3)", "bitAnd(6, 3)", "2"),
        ),
        (
            BinOper::BitOr,
            ints(BinOper::BitOr),
            Runs("bitOr(6, 3)", "bitOr(6, 3)", "7"),
        ),
        (
            BinOper::LShift,
            ints(BinOper::LShift),
            Runs("bitShiftLeft(6, 3)", "bitShiftLeft(6, 3)", "48"),
        ),
        (
            BinOper::RShift,
            ints(BinOper::RShift),
            Runs("bitShiftRight(6, 3)", "bitShiftRight(6, 3)", "0"),
        ),
        (
            BinOper::As,
            Func::cast_as(Expr::val(6), "String").into(),
            Runs("CAST(6 AS String)", "CAST(6 AS String)", "6"),
        ),
        (
            BinOper::Escape,
            strings("a", BinOper::Escape, "#"),
            Refused("ESCAPE outside a LIKE pattern"),
        ),
        (
            BinOper::Custom("=="),
            ints(BinOper::Custom("==")),
            Runs("6 == 3", "6 == 3", "0"),
        ),
        (
            pg(PgBinOper::ILike),
            strings("ABC", pg(PgBinOper::ILike), "a%"),
            Runs("'ABC' ILIKE 'a%'", "'ABC' ILIKE 'a%'", "1"),
        ),
        (
            pg(PgBinOper::NotILike),
            strings("ABC", pg(PgBinOper::NotILike), "a%"),
            Runs("'ABC' NOT ILIKE 'a%'", "'ABC' NOT ILIKE 'a%'", "0"),
        ),
        (
            pg(PgBinOper::Matches),
            strings("a", pg(PgBinOper::Matches), "a"),
            Refused("Matches"),
        ),
        (
            pg(PgBinOper::Contains),
            arrays(pg(PgBinOper::Contains)),
            Runs(
                "hasAll([1, 2, 3], [1, 2])",
                "hasAll([1, 2, 3], [1, 2])",
                "1",
            ),
        ),
        (
            pg(PgBinOper::Contained),
            arrays(pg(PgBinOper::Contained)),
            Runs(
                "hasAll([1, 2], [1, 2, 3])",
                "hasAll([1, 2], [1, 2, 3])",
                "0",
            ),
        ),
        (
            pg(PgBinOper::Concatenate),
            strings("a", pg(PgBinOper::Concatenate), "b"),
            Runs("'a' || 'b'", "'a' || 'b'", "ab"),
        ),
        (
            pg(PgBinOper::Overlap),
            arrays(pg(PgBinOper::Overlap)),
            Runs(
                "hasAny([1, 2, 3], [1, 2])",
                "hasAny([1, 2, 3], [1, 2])",
                "1",
            ),
        ),
        (
            pg(PgBinOper::Similarity),
            strings("a", pg(PgBinOper::Similarity), "b"),
            Refused("Similarity"),
        ),
        (
            pg(PgBinOper::WordSimilarity),
            strings("a", pg(PgBinOper::WordSimilarity), "b"),
            Refused("WordSimilarity"),
        ),
        (
            pg(PgBinOper::StrictWordSimilarity),
            strings("a", pg(PgBinOper::StrictWordSimilarity), "b"),
            Refused("StrictWordSimilarity"),
        ),
        (
            pg(PgBinOper::SimilarityDistance),
            strings("a", pg(PgBinOper::SimilarityDistance), "b"),
            Refused("SimilarityDistance"),
        ),
        (
            pg(PgBinOper::WordSimilarityDistance),
            strings("a", pg(PgBinOper::WordSimilarityDistance), "b"),
            Refused("WordSimilarityDistance"),
        ),
        (
            pg(PgBinOper::StrictWordSimilarityDistance),
            strings("a", pg(PgBinOper::StrictWordSimilarityDistance), "b"),
            Refused("StrictWordSimilarityDistance"),
        ),
        (
            pg(PgBinOper::GetJsonField),
            strings("{}", pg(PgBinOper::GetJsonField), "a"),
            Refused("GetJsonField"),
        ),
        (
            pg(PgBinOper::CastJsonField),
            strings("{}", pg(PgBinOper::CastJsonField), "a"),
            Refused("CastJsonField"),
        ),
        (
            pg(PgBinOper::Regex),
            strings("abc", pg(PgBinOper::Regex), "^a.c$"),
            Runs("match('abc', '^a.c$')", "match('abc', '^a.c$')", "1"),
        ),
        (
            pg(PgBinOper::RegexCaseInsensitive),
            strings("ABC", pg(PgBinOper::RegexCaseInsensitive), "^a"),
            Runs(
                "match('ABC', concat('(?i)', '^a'))",
                "match('ABC', '(?i)^a')",
                "1",
            ),
        ),
        (
            sqlite(SqliteBinOper::Glob),
            strings("a", sqlite(SqliteBinOper::Glob), "a*"),
            Refused("Glob"),
        ),
        (
            sqlite(SqliteBinOper::Match),
            strings("a", sqlite(SqliteBinOper::Match), "a"),
            Refused("Match"),
        ),
        (
            sqlite(SqliteBinOper::GetJsonField),
            strings("{}", sqlite(SqliteBinOper::GetJsonField), "a"),
            Refused("GetJsonField"),
        ),
        (
            sqlite(SqliteBinOper::CastJsonField),
            strings("{}", sqlite(SqliteBinOper::CastJsonField), "a"),
            Refused("CastJsonField"),
        ),
    ];
    let mut out: Vec<(String, Expr, Expect)> = cases
        .drain(..)
        .map(|(op, expr, expect)| (format!("{op:?}"), expr, expect))
        .collect();
    out.push((
        "Not".into(),
        Expr::Unary(UnOper::Not, Box::new(Expr::val(true))),
        Runs("NOT true", "NOT true", "false"),
    ));
    out.push((
        "Like with ESCAPE '\\'".into(),
        Expr::val("10%").like(LikeExpr::new(r"10\%").escape('\\')),
        Runs(r"'10%' LIKE '10\\%'", r"'10%' LIKE '10\\%'", "1"),
    ));
    out.push((
        "Like with ESCAPE '#'".into(),
        Expr::val("10%_x").like(LikeExpr::new("10#%#_%").escape('#')),
        Runs(
            r"'10%_x' LIKE '10\\%\\_%'",
            r"'10%_x' LIKE '10\\%\\_%'",
            "1",
        ),
    ));
    out.push((
        "NotLike with ESCAPE '#'".into(),
        Expr::val("10x").not_like(LikeExpr::new("10#%").escape('#')),
        Runs(r"'10x' NOT LIKE '10\\%'", r"'10x' NOT LIKE '10\\%'", "1"),
    ));
    out.push((
        "Like with ESCAPE '#' on a computed pattern".into(),
        Expr::val("10%").binary(
            BinOper::Like,
            Func::cust("concat")
                .arg("10#")
                .arg("%")
                .binary(BinOper::Escape, Expr::Constant('#'.into())),
        ),
        Runs(
            "'10%' LIKE concat('10#', '%') ESCAPE '#'",
            "'10%' LIKE concat('10#', '%') ESCAPE '#'",
            "1",
        ),
    ));
    out.push((
        "Like with a two-character ESCAPE".into(),
        Expr::val("10%").binary(
            BinOper::Like,
            Expr::val("10#%").binary(BinOper::Escape, Expr::val("##")),
        ),
        Refused("not one character"),
    ));
    out
}

#[test]
fn the_walk_covers_every_operator() {
    let cases = cases();
    // 28 BinOper variants (Custom once), 17 PgBinOper, 4 SqliteBinOper, UnOper::Not, and five
    // LIKE ... ESCAPE forms.
    assert_eq!(cases.len(), 28 + 17 + 4 + 1 + 5);
    let mut names: Vec<&str> = cases.iter().map(|(n, ..)| n.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "an operator is listed twice");
}

fn select(expr: &Expr) -> sea_query::SelectStatement {
    Query::select().expr_as(expr.clone(), "v").to_owned()
}

#[test]
fn every_operator_renders_or_is_refused_without_a_panic() {
    for (name, expr, expect) in cases() {
        let stmt = select(&expr);
        // sea-query's own entry points with the ClickHouse builder never panic.
        let raw = stmt.to_string(CH);
        let (placeholders, _) = stmt.build(CH);
        // Through the ClickHouse statement types, in other clause positions.
        let mut prewhere = ChSelect::new(Query::select().column("a").from("t").to_owned());
        prewhere.prewhere(expr.clone());
        let mutation = Mutation::update("t")
            .value("a", expr.clone())
            .and_where(expr.clone());
        let create = CreateTable::new("t")
            .column(ChColumn::new("a", "String").default(expr.clone()))
            .engine(Engine::Memory);
        let results = [
            stmt.to_sql().map(|_| ()),
            stmt.build_values().map(|_| ()),
            stmt.build_typed().map(|_| ()),
            prewhere.build_typed().map(|_| ()),
            mutation.build_typed().map(|_| ()),
            create.to_sql().map(|_| ()),
        ];
        match expect {
            Runs(sql, ..) => {
                assert_eq!(
                    stmt.to_sql().unwrap(),
                    format!("SELECT {sql} AS `v`"),
                    "{name}"
                );
                assert_eq!(raw, format!("SELECT {sql} AS `v`"), "{name}");
                assert!(
                    !placeholders.contains("throwError"),
                    "{name}: {placeholders}"
                );
                for result in results {
                    assert!(result.is_ok(), "{name}: {result:?}");
                }
            }
            Refused(reason) => {
                assert!(
                    raw.contains("throwError('not supported by ClickHouse"),
                    "{name}: {raw}"
                );
                assert!(
                    placeholders.contains("throwError("),
                    "{name}: {placeholders}"
                );
                for result in results {
                    match result {
                        Err(Error::Unsupported(message)) => {
                            assert!(message.contains(reason), "{name}: {message}")
                        }
                        other => panic!("{name}: expected Unsupported, got {other:?}"),
                    }
                }
            }
        }
    }
}

fn url() -> String {
    std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into())
}

fn value_of(result: &clickhouse_connect::QueryResult) -> String {
    let rows = result.result_rows();
    assert_eq!(rows.len(), 1);
    rows[0][0].to_string()
}

#[tokio::test]
async fn every_operator_runs_like_the_hand_written_expression_or_fails_with_its_reason() {
    let client = Client::builder().url(url()).build().expect("client");
    if let Err(e) = client.ping().await {
        panic!(
            "cannot reach ClickHouse at {} ({e}); run `scripts/dev-servers up` (or set CLICKHOUSE_URL)",
            url()
        );
    }
    for (name, expr, expect) in cases() {
        let stmt = select(&expr);
        match expect {
            Runs(_, hand, value) => {
                let inline = client.query(stmt.to_sql().unwrap()).await;
                let typed = client.query_statement(&stmt).await;
                let hand_sql = format!("SELECT {hand} AS v");
                let written = client.query(hand_sql.clone()).await;
                let inline = inline.unwrap_or_else(|e| panic!("{name} inline: {e}"));
                let typed = typed.unwrap_or_else(|e| panic!("{name} typed: {e}"));
                let written = written.unwrap_or_else(|e| panic!("{hand_sql}: {e}"));
                assert_eq!(value_of(&written), value, "{hand_sql}");
                assert_eq!(value_of(&inline), value, "{name} inline");
                assert_eq!(value_of(&typed), value, "{name} typed");
            }
            Refused(_) => {
                let raw = stmt.to_string(CH);
                let err = client
                    .query(raw.clone())
                    .await
                    .expect_err(&format!("{name}: the server ran {raw}"));
                assert!(
                    err.to_string().contains("not supported by ClickHouse"),
                    "{name}: {err}"
                );
            }
        }
    }
}
