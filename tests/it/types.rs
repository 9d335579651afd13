//! The type grammar against the engines: every type string they print parses and prints back
//! exactly, and the hand list's canonical forms are the engines' own.

use clickhouse_connect::DataType;

use crate::common::{Server, engine, legacy};

/// Settings that let the 26.9 engine accept every type of the hand list.
const ENGINE_TYPE_SETTINGS: &[(&str, &str)] = &[
    ("print_pretty_type_names", "0"),
    ("allow_experimental_qbit_type", "1"),
    ("allow_suspicious_low_cardinality_types", "1"),
    ("allow_experimental_object_type", "1"),
    ("enable_time_time64_type", "1"),
    ("allow_suspicious_variant_types", "1"),
];

/// `(input, canonical, engines)` rows of `testdata/type_strings.tsv`.
fn hand_list() -> Vec<(&'static str, &'static str, &'static str)> {
    include_str!("../../testdata/type_strings.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut f = line.split('\t');
            Some((f.next()?, f.next()?, f.next()?))
        })
        .collect()
}

fn sql_string(text: &str) -> String {
    clickhouse_connect::types::quote(text)
}

fn assert_round_trip(server: &Server, printed: &str) {
    let parsed =
        DataType::parse(printed).unwrap_or_else(|e| panic!("{}: {printed:?}: {e}", server.name));
    assert_eq!(
        parsed.to_string(),
        printed,
        "{}: display differs from the server's text",
        server.name
    );
}

async fn distinct_column_types(server: &Server, params: &[(&str, &str)]) -> Vec<String> {
    let text = server
        .run(
            "SELECT DISTINCT type FROM system.columns ORDER BY type FORMAT TSVRaw",
            params,
        )
        .await;
    text.lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn every_type_in_system_columns_round_trips() {
    let new = engine().await;
    let types = distinct_column_types(&new, &[("print_pretty_type_names", "0")]).await;
    assert!(
        types.len() > 30,
        "26.9 system.columns has {} distinct types",
        types.len()
    );
    for t in &types {
        assert_round_trip(&new, t);
    }
    let old = legacy().await;
    let types = distinct_column_types(&old, &[]).await;
    assert!(
        types.len() > 5,
        "18.16 system.columns has {} distinct types",
        types.len()
    );
    for t in &types {
        assert_round_trip(&old, t);
    }
}

#[tokio::test]
async fn hand_list_matches_the_26_9_engine() {
    let server = engine().await;
    let list = hand_list();
    assert!(list.len() >= 150, "hand list has {} entries", list.len());
    // One query for the whole list: column i is the engine's canonical spelling of type i.
    // `Nothing` has no default value: take the type of an element of an empty array instead.
    let columns: Vec<String> = list
        .iter()
        .map(|(input, _, _)| match *input {
            "Nothing" => "toTypeName(arrayElement([], 1))".to_owned(),
            _ => format!("toTypeName(defaultValueOfTypeName({}))", sql_string(input)),
        })
        .collect();
    let sql = format!("SELECT {} FORMAT TSVRaw", columns.join(", "));
    let row = server.run(&sql, ENGINE_TYPE_SETTINGS).await;
    let printed: Vec<&str> = row.trim_end_matches('\n').split('\t').collect();
    assert_eq!(printed.len(), list.len());
    for ((input, canonical, _), server_text) in list.iter().zip(printed) {
        assert_eq!(
            *canonical, server_text,
            "the engine spells {input:?} differently"
        );
        let ours = DataType::parse(input)
            .unwrap_or_else(|e| panic!("{input:?}: {e}"))
            .to_string();
        assert_eq!(ours, server_text, "input {input:?}");
    }
}

/// Types 18.16 knows but cannot show as one table column, with an expression of that type.
const LEGACY_EXPRESSIONS: &[(&str, &str)] = &[
    (
        "Nothing",
        "arrayJoin(emptyArrayToSingle(CAST([] AS Array(Nothing))))",
    ),
    ("Nullable(Nothing)", "NULL"),
    ("Array(Nothing)", "[]"),
    ("IntervalSecond", "toIntervalSecond(1)"),
    ("IntervalMinute", "toIntervalMinute(1)"),
    ("IntervalHour", "toIntervalHour(1)"),
    ("IntervalDay", "toIntervalDay(1)"),
    ("IntervalWeek", "toIntervalWeek(1)"),
    ("IntervalMonth", "toIntervalMonth(1)"),
    ("IntervalYear", "toIntervalYear(1)"),
    // 18.16 flattens an Array(Tuple) column into one array column per element.
    ("Array(Tuple(UInt8, String))", "[(toUInt8(1), 'a')]"),
];

#[tokio::test]
async fn hand_list_matches_the_18_16_server() {
    // 18.16 has no defaultValueOfTypeName: create a table with one column per type and read the
    // types back from system.columns (types it refuses in tables: through an expression). Only
    // rows marked `all` are types 18.16 knows.
    let server = legacy().await;
    let db = server.fresh_database("types_legacy").await;
    let list: Vec<_> = hand_list()
        .into_iter()
        .filter(|(_, _, engines)| *engines == "all")
        .collect();
    let (expressions, storable): (Vec<_>, Vec<_>) = list
        .into_iter()
        .partition(|(input, _, _)| LEGACY_EXPRESSIONS.iter().any(|(t, _)| t == input));
    assert!(storable.len() >= 60, "{} types for 18.16", storable.len());
    let columns: Vec<String> = storable
        .iter()
        .enumerate()
        .map(|(i, (input, _, _))| format!("c{i:03} {input}"))
        .collect();
    server
        .run(
            &format!(
                "CREATE TABLE {db}.t ({}) ENGINE = Memory",
                columns.join(", ")
            ),
            &[("allow_experimental_low_cardinality_type", "1")],
        )
        .await;
    let text = server
        .run(
            &format!(
                "SELECT type FROM system.columns WHERE database = '{db}' AND table = 't' \
                 ORDER BY name FORMAT TSVRaw"
            ),
            &[],
        )
        .await;
    let mut printed: Vec<(&str, &str, String)> = storable
        .iter()
        .zip(text.lines())
        .map(|((input, canonical, _), server_text)| (*input, *canonical, server_text.to_owned()))
        .collect();
    assert_eq!(printed.len(), storable.len());
    for (input, canonical, _) in &expressions {
        let (_, expression) = LEGACY_EXPRESSIONS.iter().find(|(t, _)| t == input).unwrap();
        let text = server
            .run(
                &format!("SELECT toTypeName({expression}) FORMAT TSVRaw"),
                &[],
            )
            .await;
        printed.push((input, canonical, text.trim_end().to_owned()));
    }
    for (input, canonical, server_text) in printed {
        assert_eq!(canonical, server_text, "18.16 spells {input:?} differently");
        assert_eq!(
            DataType::parse(input).unwrap().to_string(),
            server_text,
            "input {input:?}"
        );
    }
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

async fn families(server: &Server) -> Vec<(String, String)> {
    let text = server
        .run(
            "SELECT name, alias_to FROM system.data_type_families ORDER BY name FORMAT TSVRaw",
            &[],
        )
        .await;
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

#[tokio::test]
async fn every_family_and_alias_of_both_engines_is_known() {
    for server in [engine().await, legacy().await] {
        let families = families(&server).await;
        assert!(
            families.len() > 40,
            "{}: {} families",
            server.name,
            families.len()
        );
        for (name, _) in &families {
            if name.is_empty() {
                continue;
            }
            // A family that needs parameters fails with a message about them, never with
            // "unknown family".
            if let Err(e) = DataType::parse(name) {
                assert!(
                    !e.message().contains("unknown data type family")
                        && !e.message().contains("not supported"),
                    "{}: family {name:?} is unknown to the parser: {e}",
                    server.name
                );
            }
        }
    }
}

#[tokio::test]
async fn aliases_resolve_as_the_engine_resolves_them() {
    let server = engine().await;
    let aliases: Vec<String> = families(&server)
        .await
        .into_iter()
        .filter(|(name, alias_to)| !alias_to.is_empty() && !name.is_empty())
        // BINARY (FixedString) and ENUM need parameters; every other alias stands alone.
        .filter(|(_, alias_to)| alias_to != "FixedString" && alias_to != "Enum")
        .map(|(name, _)| name)
        .collect();
    assert!(aliases.len() > 50, "{} aliases", aliases.len());
    let columns: Vec<String> = aliases
        .iter()
        .map(|a| format!("toTypeName(defaultValueOfTypeName({}))", sql_string(a)))
        .collect();
    let row = server
        .run(
            &format!("SELECT {} FORMAT TSVRaw", columns.join(", ")),
            ENGINE_TYPE_SETTINGS,
        )
        .await;
    for (alias, printed) in aliases.iter().zip(row.trim_end().split('\t')) {
        let ours = DataType::parse(alias).unwrap_or_else(|e| panic!("alias {alias:?}: {e}"));
        assert_eq!(ours.to_string(), printed, "alias {alias:?}");
    }
}

#[tokio::test]
async fn types_the_engine_rejects_are_rejected_by_the_parser() {
    let server = engine().await;
    let bad = [
        "Nullable(Array(Int8))",
        "Nullable(Nullable(Int8))",
        "Decimal(77, 1)",
        "Decimal(10, 11)",
        "FixedString(0)",
        "DateTime64(10)",
        "Enum8('a' = 200)",
        "Enum8()",
        "Variant()",
        "Dynamic(max_types=300)",
        "Tuple(Int8, a String)",
        "Tuple(a Int8, a String)",
        "Bool(1)",
        "Time64(10)",
        "Array(UInt8",
        "NoSuchType",
    ];
    for t in bad {
        let r = server
            .post(
                ENGINE_TYPE_SETTINGS,
                format!(
                    "SELECT toTypeName(defaultValueOfTypeName({}))",
                    sql_string(t)
                ),
            )
            .await;
        assert_ne!(r.status, 200, "the engine accepts {t:?}: {}", r.text());
        assert!(DataType::parse(t).is_err(), "the parser accepts {t:?}");
    }
}
