//! Statements shared by the golden and execution tests: each returns the statement for table
//! `t` (columns id UInt64, kind String, score Float64, tags Array(String), day Date).
#![allow(dead_code, unreachable_pub)]

use sea_query::{Expr, ExprTrait, Func, NullOrdering, Order, Query};
use sea_query_clickhouse::{
    ArrayJoin, ChColumn, ChDelete, ChFunc, ChJoin, ChSelect, CreateTable, Engine, GroupByModifier,
    Mutation,
};

pub fn create_t() -> CreateTable {
    CreateTable::new("t")
        .if_not_exists()
        .col(sea_query::ColumnDef::new("id").big_unsigned().not_null())
        .column(ChColumn::new("kind", "LowCardinality(String)"))
        .column(ChColumn::new("score", "Float64").default(Expr::val(0.0)))
        .column(ChColumn::new("tags", "Array(String)"))
        .column(ChColumn::new("day", "Date").codec("Delta, ZSTD(1)"))
        .column(ChColumn::new("note", "String").comment("free text"))
        .engine(Engine::ReplacingMergeTree {
            version: None,
            is_deleted: None,
        })
        .order_by([Expr::col("id")])
        .partition_by(Func::cust("toYYYYMM").arg(Expr::col("day")))
        .settings("index_granularity", 8192)
        .comment("test table")
}

pub fn create_u() -> CreateTable {
    CreateTable::new("u")
        .col(sea_query::ColumnDef::new("id").big_unsigned().not_null())
        .col(sea_query::ColumnDef::new("name").string())
        .engine(Engine::Memory)
}

pub fn select_where_order_limit() -> sea_query::SelectStatement {
    Query::select()
        .columns(["id", "kind"])
        .from("t")
        .and_where(Expr::col("kind").eq("a'b").or(Expr::col("score").gt(1.6)))
        .order_by_with_nulls("id", Order::Desc, NullOrdering::Last)
        .limit(2)
        .offset(1)
        .to_owned()
}

pub fn select_group_having() -> sea_query::SelectStatement {
    Query::select()
        .column("kind")
        .expr_as(Func::count(Expr::col("id")), "n")
        .from("t")
        .group_by_col("kind")
        .and_having(Func::count(Expr::col("id")).gt(0))
        .order_by("kind", Order::Asc)
        .to_owned()
}

pub fn select_in_subquery() -> sea_query::SelectStatement {
    Query::select()
        .column("id")
        .from("t")
        .and_where(
            Expr::col("id").in_subquery(
                Query::select()
                    .column("id")
                    .from("u")
                    .and_where(Expr::col("name").like("b%"))
                    .to_owned(),
            ),
        )
        .order_by("id", Order::Asc)
        .to_owned()
}

pub fn ch_select_final_prewhere() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column("id")
            .from("t")
            .and_where(Expr::col("score").gte(1))
            .order_by("id", Order::Asc)
            .to_owned(),
    );
    s.final_()
        .prewhere(Expr::col("kind").is_in(["a", "b"]))
        .settings("max_threads", 2);
    s
}

pub fn ch_select_array_join() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column("id")
            .column("tag")
            .from("t")
            .and_where(Expr::col("tag").ne("x"))
            .order_by("id", Order::Asc)
            .order_by("tag", Order::Asc)
            .to_owned(),
    );
    s.array_join(ArrayJoin::new(Expr::col("tags"), Some("tag")));
    s
}

pub fn ch_select_joins() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column(("t", "id"))
            .column(("u", "name"))
            .from("t")
            .order_by(("t", "id"), Order::Asc)
            .to_owned(),
    );
    s.join(
        ChJoin::left().any(),
        "u",
        Expr::col(("t", "id")).equals(("u", "id")),
    );
    s
}

pub fn ch_select_join_using() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column("id")
            .column("name")
            .from("t")
            .order_by("id", Order::Asc)
            .to_owned(),
    );
    s.join_using(ChJoin::inner().all(), "u", ["id"]);
    s
}

pub fn ch_select_semi_join() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column(("t", "id"))
            .from("t")
            .order_by(("t", "id"), Order::Asc)
            .to_owned(),
    );
    s.join(
        ChJoin::left().semi(),
        "u",
        Expr::col(("t", "id")).equals(("u", "id")),
    );
    s
}

pub fn ch_select_rollup_totals() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column("kind")
            .expr_as(Func::sum(Expr::col("score")), "total")
            .from("t")
            .group_by_col("kind")
            .order_by("kind", Order::Asc)
            .to_owned(),
    );
    s.group_by_modifier(GroupByModifier::Rollup);
    s
}

pub fn ch_select_with_totals() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .column("kind")
            .expr_as(Func::count(Expr::col("id")), "n")
            .from("t")
            .group_by_col("kind")
            .and_having(Func::count(Expr::col("id")).gte(1))
            .order_by("kind", Order::Asc)
            .to_owned(),
    );
    s.with_totals();
    s
}

pub fn ch_select_limit_by() -> ChSelect {
    let mut s = ChSelect::new(
        Query::select()
            .columns(["kind", "id"])
            .from("t")
            .order_by("kind", Order::Asc)
            .order_by("id", Order::Asc)
            .limit(10)
            .to_owned(),
    );
    s.limit_by(1, [Expr::col("kind")]);
    s
}

pub fn ch_select_distinct_on() -> sea_query::SelectStatement {
    Query::select()
        .distinct_on(["kind"])
        .columns(["kind", "id"])
        .from("t")
        .order_by("kind", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned()
}

pub fn select_union_all() -> sea_query::SelectStatement {
    Query::select()
        .column("id")
        .from("t")
        .and_where(Expr::col("id").eq(1))
        .union(
            sea_query::UnionType::All,
            Query::select()
                .column("id")
                .from("u")
                .and_where(Expr::col("id").eq(2))
                .to_owned(),
        )
        .to_owned()
}

pub fn select_union_distinct() -> sea_query::SelectStatement {
    Query::select()
        .column("kind")
        .from("t")
        .union(
            sea_query::UnionType::Distinct,
            Query::select().column("kind").from("t").to_owned(),
        )
        .to_owned()
}

pub fn select_cte() -> sea_query::WithQuery {
    let cte = sea_query::CommonTableExpression::new()
        .query(
            Query::select()
                .column("id")
                .from("t")
                .and_where(Expr::col("score").gt(1))
                .to_owned(),
        )
        .table_name("big")
        .to_owned();
    Query::select()
        .expr(Func::count(Expr::col("id")))
        .from("big")
        .to_owned()
        .with(sea_query::WithClause::new().cte(cte).to_owned())
}

pub fn select_functions() -> sea_query::SelectStatement {
    Query::select()
        .expr_as(
            Func::max(Func::char_length(Func::if_null(Expr::col("kind"), "none"))),
            "len",
        )
        .expr_as(ChFunc::count_if(Expr::col("score").gt(1)), "big")
        .expr_as(ChFunc::uniq(Expr::col("kind")), "kinds")
        .expr_as(ChFunc::quantile(0.5, Expr::col("score")), "median")
        .expr_as(
            Func::cust("arraySort").arg(ChFunc::group_array(Expr::col("id"))),
            "ids",
        )
        .from("t")
        .to_owned()
}

pub fn select_if_multiif() -> sea_query::SelectStatement {
    Query::select()
        .expr_as(ChFunc::if_(Expr::col("score").gt(2), "hi", "lo"), "level")
        .expr_as(
            ChFunc::multi_if(
                [
                    (Expr::col("id").eq(1), "one"),
                    (Expr::col("id").eq(2), "two"),
                ],
                "many",
            ),
            "name",
        )
        .expr_as(
            ChFunc::to_start_of_interval(ChFunc::to_date(Expr::col("day")), 1, "month"),
            "month",
        )
        .from("t")
        .order_by("id", Order::Asc)
        .to_owned()
}

pub fn insert_rows() -> sea_query::InsertStatement {
    Query::insert()
        .into_table("t")
        .columns(["id", "kind", "score", "tags", "day"])
        .values_panic([
            1u64.into(),
            "a".into(),
            1.5.into(),
            Expr::cust("['x', 'y']"),
            Expr::cust("toDate('2024-01-15')"),
        ])
        .values_panic([
            2u64.into(),
            "b".into(),
            2.5.into(),
            Expr::cust("['y']"),
            Expr::cust("toDate('2024-02-15')"),
        ])
        .values_panic([
            3u64.into(),
            "a'b".into(),
            3.5.into(),
            Expr::cust("[]"),
            Expr::cust("toDate('2024-02-20')"),
        ])
        .to_owned()
}

pub fn delete_kind() -> ChDelete {
    ChDelete::new(
        Query::delete()
            .from_table("t")
            .and_where(Expr::col("kind").eq("b"))
            .to_owned(),
    )
}

pub fn mutation_update() -> Mutation {
    Mutation::update("t")
        .value("score", Expr::col("score").mul(2))
        .value("note", "updated")
        .and_where(Expr::col("id").eq(1u64))
}

pub fn mutation_delete() -> Mutation {
    Mutation::delete("t").and_where(Expr::col("id").eq(3u64))
}
