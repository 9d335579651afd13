//! Golden SQL for every construct, as whole strings: inline (`to_sql`), with `?`
//! placeholders (`build_values`), and with typed parameters (`build_typed`, parameters included).
//! The engine tests run the same statements (see `common`).

mod common;

use common::*;
use sea_query_clickhouse::ChStatement;

fn check(stmt: &impl ChStatement, inline: &str, placeholders: &str, typed: &str, params: &str) {
    assert_eq!(stmt.to_sql().unwrap(), inline);
    assert_eq!(stmt.build_values().unwrap().0, placeholders);
    let t = stmt.build_typed().unwrap();
    assert_eq!(t.sql, typed);
    assert_eq!(format!("{:?}", t.params), params);
}

#[test]
fn golden_create_t() {
    check(
        &create_t(),
        r#"CREATE TABLE IF NOT EXISTS `t` (`id` UInt64, `kind` LowCardinality(String), `score` Float64 DEFAULT 0.0, `tags` Array(String), `day` Date CODEC(Delta, ZSTD(1)), `note` String COMMENT 'free text') ENGINE = ReplacingMergeTree ORDER BY `id` PARTITION BY toYYYYMM(`day`) SETTINGS index_granularity = 8192 COMMENT 'test table'"#,
        r#"CREATE TABLE IF NOT EXISTS `t` (`id` UInt64, `kind` LowCardinality(String), `score` Float64 DEFAULT 0.0, `tags` Array(String), `day` Date CODEC(Delta, ZSTD(1)), `note` String COMMENT 'free text') ENGINE = ReplacingMergeTree ORDER BY `id` PARTITION BY toYYYYMM(`day`) SETTINGS index_granularity = 8192 COMMENT 'test table'"#,
        r#"CREATE TABLE IF NOT EXISTS `t` (`id` UInt64, `kind` LowCardinality(String), `score` Float64 DEFAULT 0.0, `tags` Array(String), `day` Date CODEC(Delta, ZSTD(1)), `note` String COMMENT 'free text') ENGINE = ReplacingMergeTree ORDER BY `id` PARTITION BY toYYYYMM(`day`) SETTINGS index_granularity = 8192 COMMENT 'test table'"#,
        r#"[]"#,
    );
}

#[test]
fn golden_create_u() {
    check(
        &create_u(),
        r#"CREATE TABLE `u` (`id` UInt64, `name` Nullable(String)) ENGINE = Memory"#,
        r#"CREATE TABLE `u` (`id` UInt64, `name` Nullable(String)) ENGINE = Memory"#,
        r#"CREATE TABLE `u` (`id` UInt64, `name` Nullable(String)) ENGINE = Memory"#,
        r#"[]"#,
    );
}

#[test]
fn golden_select_where_order_limit() {
    check(
        &select_where_order_limit(),
        r#"SELECT `id`, `kind` FROM `t` WHERE `kind` = 'a\'b' OR `score` > 1.6 ORDER BY `id` DESC NULLS LAST LIMIT 2 OFFSET 1"#,
        r#"SELECT `id`, `kind` FROM `t` WHERE `kind` = ? OR `score` > ? ORDER BY `id` DESC NULLS LAST LIMIT 2 OFFSET 1"#,
        r#"SELECT `id`, `kind` FROM `t` WHERE `kind` = {p1:String} OR `score` > {p2:Float64} ORDER BY `id` DESC NULLS LAST LIMIT 2 OFFSET 1"#,
        r#"[("p1", String("a'b")), ("p2", Float64(1.6))]"#,
    );
}

#[test]
fn golden_select_group_having() {
    check(
        &select_group_having(),
        r#"SELECT `kind`, COUNT(`id`) AS `n` FROM `t` GROUP BY `kind` HAVING COUNT(`id`) > 0 ORDER BY `kind` ASC"#,
        r#"SELECT `kind`, COUNT(`id`) AS `n` FROM `t` GROUP BY `kind` HAVING COUNT(`id`) > ? ORDER BY `kind` ASC"#,
        r#"SELECT `kind`, COUNT(`id`) AS `n` FROM `t` GROUP BY `kind` HAVING COUNT(`id`) > {p1:Int32} ORDER BY `kind` ASC"#,
        r#"[("p1", Int32(0))]"#,
    );
}

#[test]
fn golden_select_in_subquery() {
    check(
        &select_in_subquery(),
        r#"SELECT `id` FROM `t` WHERE `id` IN (SELECT `id` FROM `u` WHERE `name` LIKE 'b%') ORDER BY `id` ASC"#,
        r#"SELECT `id` FROM `t` WHERE `id` IN (SELECT `id` FROM `u` WHERE `name` LIKE ?) ORDER BY `id` ASC"#,
        r#"SELECT `id` FROM `t` WHERE `id` IN (SELECT `id` FROM `u` WHERE `name` LIKE {p1:String}) ORDER BY `id` ASC"#,
        r#"[("p1", String("b%"))]"#,
    );
}

#[test]
fn golden_ch_select_final_prewhere() {
    check(
        &ch_select_final_prewhere(),
        r#"SELECT `id` FROM `t` FINAL PREWHERE `kind` IN ('a', 'b') WHERE `score` >= 1 ORDER BY `id` ASC SETTINGS max_threads = 2"#,
        r#"SELECT `id` FROM `t` FINAL PREWHERE `kind` IN (?, ?) WHERE `score` >= ? ORDER BY `id` ASC SETTINGS max_threads = 2"#,
        r#"SELECT `id` FROM `t` FINAL PREWHERE `kind` IN ({p1:String}, {p2:String}) WHERE `score` >= {p3:Int32} ORDER BY `id` ASC SETTINGS max_threads = 2"#,
        r#"[("p1", String("a")), ("p2", String("b")), ("p3", Int32(1))]"#,
    );
}

#[test]
fn golden_ch_select_array_join() {
    check(
        &ch_select_array_join(),
        r#"SELECT `id`, `tag` FROM `t` ARRAY JOIN `tags` AS `tag` WHERE `tag` <> 'x' ORDER BY `id` ASC, `tag` ASC"#,
        r#"SELECT `id`, `tag` FROM `t` ARRAY JOIN `tags` AS `tag` WHERE `tag` <> ? ORDER BY `id` ASC, `tag` ASC"#,
        r#"SELECT `id`, `tag` FROM `t` ARRAY JOIN `tags` AS `tag` WHERE `tag` <> {p1:String} ORDER BY `id` ASC, `tag` ASC"#,
        r#"[("p1", String("x"))]"#,
    );
}

#[test]
fn golden_ch_select_joins() {
    check(
        &ch_select_joins(),
        r#"SELECT `t`.`id`, `u`.`name` FROM `t` ANY LEFT JOIN `u` ON `t`.`id` = `u`.`id` ORDER BY `t`.`id` ASC"#,
        r#"SELECT `t`.`id`, `u`.`name` FROM `t` ANY LEFT JOIN `u` ON `t`.`id` = `u`.`id` ORDER BY `t`.`id` ASC"#,
        r#"SELECT `t`.`id`, `u`.`name` FROM `t` ANY LEFT JOIN `u` ON `t`.`id` = `u`.`id` ORDER BY `t`.`id` ASC"#,
        r#"[]"#,
    );
}

#[test]
fn golden_ch_select_join_using() {
    check(
        &ch_select_join_using(),
        r#"SELECT `id`, `name` FROM `t` ALL INNER JOIN `u` USING (`id`) ORDER BY `id` ASC"#,
        r#"SELECT `id`, `name` FROM `t` ALL INNER JOIN `u` USING (`id`) ORDER BY `id` ASC"#,
        r#"SELECT `id`, `name` FROM `t` ALL INNER JOIN `u` USING (`id`) ORDER BY `id` ASC"#,
        r#"[]"#,
    );
}

#[test]
fn golden_ch_select_semi_join() {
    check(
        &ch_select_semi_join(),
        r#"SELECT `t`.`id` FROM `t` SEMI LEFT JOIN `u` ON `t`.`id` = `u`.`id` ORDER BY `t`.`id` ASC"#,
        r#"SELECT `t`.`id` FROM `t` SEMI LEFT JOIN `u` ON `t`.`id` = `u`.`id` ORDER BY `t`.`id` ASC"#,
        r#"SELECT `t`.`id` FROM `t` SEMI LEFT JOIN `u` ON `t`.`id` = `u`.`id` ORDER BY `t`.`id` ASC"#,
        r#"[]"#,
    );
}

#[test]
fn golden_ch_select_rollup_totals() {
    check(
        &ch_select_rollup_totals(),
        r#"SELECT `kind`, SUM(`score`) AS `total` FROM `t` GROUP BY `kind` WITH ROLLUP ORDER BY `kind` ASC"#,
        r#"SELECT `kind`, SUM(`score`) AS `total` FROM `t` GROUP BY `kind` WITH ROLLUP ORDER BY `kind` ASC"#,
        r#"SELECT `kind`, SUM(`score`) AS `total` FROM `t` GROUP BY `kind` WITH ROLLUP ORDER BY `kind` ASC"#,
        r#"[]"#,
    );
}

#[test]
fn golden_ch_select_with_totals() {
    check(
        &ch_select_with_totals(),
        r#"SELECT `kind`, COUNT(`id`) AS `n` FROM `t` GROUP BY `kind` WITH TOTALS HAVING COUNT(`id`) >= 1 ORDER BY `kind` ASC"#,
        r#"SELECT `kind`, COUNT(`id`) AS `n` FROM `t` GROUP BY `kind` WITH TOTALS HAVING COUNT(`id`) >= ? ORDER BY `kind` ASC"#,
        r#"SELECT `kind`, COUNT(`id`) AS `n` FROM `t` GROUP BY `kind` WITH TOTALS HAVING COUNT(`id`) >= {p1:Int32} ORDER BY `kind` ASC"#,
        r#"[("p1", Int32(1))]"#,
    );
}

#[test]
fn golden_ch_select_limit_by() {
    check(
        &ch_select_limit_by(),
        r#"SELECT `kind`, `id` FROM `t` ORDER BY `kind` ASC, `id` ASC LIMIT 1 BY `kind` LIMIT 10"#,
        r#"SELECT `kind`, `id` FROM `t` ORDER BY `kind` ASC, `id` ASC LIMIT 1 BY `kind` LIMIT 10"#,
        r#"SELECT `kind`, `id` FROM `t` ORDER BY `kind` ASC, `id` ASC LIMIT 1 BY `kind` LIMIT 10"#,
        r#"[]"#,
    );
}

#[test]
fn golden_ch_select_distinct_on() {
    check(
        &ch_select_distinct_on(),
        r#"SELECT DISTINCT ON (`kind`) `kind`, `id` FROM `t` ORDER BY `kind` ASC, `id` ASC"#,
        r#"SELECT DISTINCT ON (`kind`) `kind`, `id` FROM `t` ORDER BY `kind` ASC, `id` ASC"#,
        r#"SELECT DISTINCT ON (`kind`) `kind`, `id` FROM `t` ORDER BY `kind` ASC, `id` ASC"#,
        r#"[]"#,
    );
}

#[test]
fn golden_select_union_all() {
    check(
        &select_union_all(),
        r#"SELECT `id` FROM `t` WHERE `id` = 1 UNION ALL (SELECT `id` FROM `u` WHERE `id` = 2)"#,
        r#"SELECT `id` FROM `t` WHERE `id` = ? UNION ALL (SELECT `id` FROM `u` WHERE `id` = ?)"#,
        r#"SELECT `id` FROM `t` WHERE `id` = {p1:Int32} UNION ALL (SELECT `id` FROM `u` WHERE `id` = {p2:Int32})"#,
        r#"[("p1", Int32(1)), ("p2", Int32(2))]"#,
    );
}

#[test]
fn golden_select_union_distinct() {
    check(
        &select_union_distinct(),
        r#"SELECT `kind` FROM `t` UNION DISTINCT (SELECT `kind` FROM `t`)"#,
        r#"SELECT `kind` FROM `t` UNION DISTINCT (SELECT `kind` FROM `t`)"#,
        r#"SELECT `kind` FROM `t` UNION DISTINCT (SELECT `kind` FROM `t`)"#,
        r#"[]"#,
    );
}

#[test]
fn golden_select_cte() {
    check(
        &select_cte(),
        r#"WITH `big` AS (SELECT `id` FROM `t` WHERE `score` > 1) SELECT COUNT(`id`) FROM `big`"#,
        r#"WITH `big` AS (SELECT `id` FROM `t` WHERE `score` > ?) SELECT COUNT(`id`) FROM `big`"#,
        r#"WITH `big` AS (SELECT `id` FROM `t` WHERE `score` > {p1:Int32}) SELECT COUNT(`id`) FROM `big`"#,
        r#"[("p1", Int32(1))]"#,
    );
}

#[test]
fn golden_select_functions() {
    check(
        &select_functions(),
        r#"SELECT MAX(lengthUTF8(ifNull(`kind`, 'none'))) AS `len`, countIf(`score` > 1) AS `big`, uniq(`kind`) AS `kinds`, quantile(0.5)(`score`) AS `median`, arraySort(groupArray(`id`)) AS `ids` FROM `t`"#,
        r#"SELECT MAX(lengthUTF8(ifNull(`kind`, ?))) AS `len`, countIf(`score` > ?) AS `big`, uniq(`kind`) AS `kinds`, quantile(0.5)(`score`) AS `median`, arraySort(groupArray(`id`)) AS `ids` FROM `t`"#,
        r#"SELECT MAX(lengthUTF8(ifNull(`kind`, {p1:String}))) AS `len`, countIf(`score` > {p2:Int32}) AS `big`, uniq(`kind`) AS `kinds`, quantile(0.5)(`score`) AS `median`, arraySort(groupArray(`id`)) AS `ids` FROM `t`"#,
        r#"[("p1", String("none")), ("p2", Int32(1))]"#,
    );
}

#[test]
fn golden_select_if_multiif() {
    check(
        &select_if_multiif(),
        r#"SELECT if(`score` > 2, 'hi', 'lo') AS `level`, multiIf(`id` = 1, 'one', `id` = 2, 'two', 'many') AS `name`, toStartOfInterval(toDate(`day`), INTERVAL 1 MONTH) AS `month` FROM `t` ORDER BY `id` ASC"#,
        r#"SELECT if(`score` > ?, ?, ?) AS `level`, multiIf(`id` = ?, ?, `id` = ?, ?, ?) AS `name`, toStartOfInterval(toDate(`day`), INTERVAL 1 MONTH) AS `month` FROM `t` ORDER BY `id` ASC"#,
        r#"SELECT if(`score` > {p1:Int32}, {p2:String}, {p3:String}) AS `level`, multiIf(`id` = {p4:Int32}, {p5:String}, `id` = {p6:Int32}, {p7:String}, {p8:String}) AS `name`, toStartOfInterval(toDate(`day`), INTERVAL 1 MONTH) AS `month` FROM `t` ORDER BY `id` ASC"#,
        r#"[("p1", Int32(2)), ("p2", String("hi")), ("p3", String("lo")), ("p4", Int32(1)), ("p5", String("one")), ("p6", Int32(2)), ("p7", String("two")), ("p8", String("many"))]"#,
    );
}

#[test]
fn golden_insert_rows() {
    check(
        &insert_rows(),
        r#"INSERT INTO `t` (`id`, `kind`, `score`, `tags`, `day`) VALUES (1, 'a', 1.5, ['x', 'y'], toDate('2024-01-15')), (2, 'b', 2.5, ['y'], toDate('2024-02-15')), (3, 'a\'b', 3.5, [], toDate('2024-02-20'))"#,
        r#"INSERT INTO `t` (`id`, `kind`, `score`, `tags`, `day`) VALUES (?, ?, ?, ['x', 'y'], toDate('2024-01-15')), (?, ?, ?, ['y'], toDate('2024-02-15')), (?, ?, ?, [], toDate('2024-02-20'))"#,
        r#"INSERT INTO `t` (`id`, `kind`, `score`, `tags`, `day`) VALUES ({p1:UInt64}, {p2:String}, {p3:Float64}, ['x', 'y'], toDate('2024-01-15')), ({p4:UInt64}, {p5:String}, {p6:Float64}, ['y'], toDate('2024-02-15')), ({p7:UInt64}, {p8:String}, {p9:Float64}, [], toDate('2024-02-20'))"#,
        r#"[("p1", UInt64(1)), ("p2", String("a")), ("p3", Float64(1.5)), ("p4", UInt64(2)), ("p5", String("b")), ("p6", Float64(2.5)), ("p7", UInt64(3)), ("p8", String("a'b")), ("p9", Float64(3.5))]"#,
    );
}

#[test]
fn golden_delete_kind() {
    check(
        &delete_kind(),
        r#"DELETE FROM `t` WHERE `kind` = 'b'"#,
        r#"DELETE FROM `t` WHERE `kind` = ?"#,
        r#"DELETE FROM `t` WHERE `kind` = {p1:String}"#,
        r#"[("p1", String("b"))]"#,
    );
}

#[test]
fn golden_mutation_update() {
    check(
        &mutation_update(),
        r#"ALTER TABLE `t` UPDATE `score` = `score` * 2, `note` = 'updated' WHERE `id` = 1"#,
        r#"ALTER TABLE `t` UPDATE `score` = `score` * ?, `note` = ? WHERE `id` = ?"#,
        r#"ALTER TABLE `t` UPDATE `score` = `score` * {p1:Int32}, `note` = {p2:String} WHERE `id` = {p3:UInt64}"#,
        r#"[("p1", Int32(2)), ("p2", String("updated")), ("p3", UInt64(1))]"#,
    );
}

#[test]
fn golden_mutation_delete() {
    check(
        &mutation_delete(),
        r#"ALTER TABLE `t` DELETE WHERE `id` = 3"#,
        r#"ALTER TABLE `t` DELETE WHERE `id` = ?"#,
        r#"ALTER TABLE `t` DELETE WHERE `id` = {p1:UInt64}"#,
        r#"[("p1", UInt64(3))]"#,
    );
}
