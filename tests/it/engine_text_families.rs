//! Dynamic, JSON, Geometry and AggregateFunction states against the engine's own text.
//!
//! `generateRandom` makes none of these, so each case's rows come from an expression over
//! `number`. For every case the client decodes the rows; each decoded cell is compared with the
//! engine's own text of the same SELECT (`engine_text.rs`: TSV, or JSONEachRow for a top-level
//! `Dynamic` and for types holding `JSON`), a `Dynamic`, `Variant` or `Geometry` cell read as the
//! member type the decoded column says the row holds; those member types are compared with the
//! engine's `dynamicType` / `variantType` of every cell; then the values are inserted into a
//! table and read back equal (and aggregate states merged back to the engine's own results).

use clickhouse_connect::column::ColumnData;
use clickhouse_connect::types::TupleElement;
use clickhouse_connect::{Column, Compression, DataType, QueryResult, Value};

use crate::common::{Server, client_for, engine};
use crate::engine_text::{compare_rows_with_engine_text, text_format};
use crate::roundtrip::{round_trip, round_trip_as};

/// Rows per case: `SELECT {expression} AS v FROM numbers(ROWS)`.
const ROWS: u64 = 24;

/// One type and an expression over `number` that makes `ROWS` rows of it.
struct Case {
    type_name: &'static str,
    expression: String,
    /// An `Array(String)` expression of `v`: the engine's member type of each `Dynamic` or
    /// `Variant` cell in the row, in the order [`member_types`] walks them; empty for none.
    members: &'static str,
}

fn case(type_name: &'static str, expression: impl Into<String>, members: &'static str) -> Case {
    Case {
        type_name,
        expression: expression.into(),
        members,
    }
}

/// `multiIf` over `number % ROWS`: row `k` takes `branches[k]`, the rest the last branch.
fn rows_of(branches: &[&str]) -> String {
    let mut sql = String::from("multiIf(");
    for (k, branch) in branches[..branches.len() - 1].iter().enumerate() {
        sql.push_str(&format!("number % {ROWS} = {k}, {branch}, "));
    }
    sql.push_str(branches[branches.len() - 1]);
    sql.push(')');
    sql
}

/// `JSON` documents as a SQL array of strings.
fn document_array(docs: &[&str]) -> String {
    let quoted: Vec<String> = docs
        .iter()
        .map(|d| clickhouse_connect::types::quote(d))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// Row `k` takes the `k`-th document (cycling).
fn documents(docs: &[&str]) -> String {
    format!("{}[number % {} + 1]", document_array(docs), docs.len())
}

const DOCUMENTS: &[&str] = &[
    "{}",
    r#"{"a": 1, "b": "x", "c": {"d": [1, 2, null], "e": null}}"#,
    r#"{"u64": 18446744073709551615, "i64": -9223372036854775808, "f": 1.5, "tiny": 5e-324}"#,
    r#"{"s": "é中😀\t\n\\\"", "n": "1", "empty": "", "null_text": "null"}"#,
    r#"{"deep": {"er": {"est": {"k": true, "f": false}}}, "arr": []}"#,
    r#"{"mixed": [1, "x", null, [2, [3]], {"o": 1}], "objs": [{"a": 1}, {"b": "2"}]}"#,
    r#"{"a.b": 7, "a": {"c": -1}, "big": 1e300, "neg": -0.25}"#,
    r#"{"x": null, "y": {}}"#,
];

fn dynamic_cases() -> Vec<Case> {
    let top = rows_of(&[
        "NULL",
        "'1'::Dynamic",
        "'1.5'::Dynamic",
        "''::Dynamic",
        "'é中😀\\t\\n\\\\\\''::Dynamic",
        "'[]'::Dynamic",
        "'null'::Dynamic",
        "toInt64(-9223372036854775808)::Dynamic",
        "toUInt64(18446744073709551615)::Dynamic",
        "toInt8(-128)::Dynamic",
        "toFloat64(nan)::Dynamic",
        "toFloat64(-inf)::Dynamic",
        "toFloat64('-0')::Dynamic",
        "toFloat64(number / 7)::Dynamic",
        "true::Dynamic",
        "CAST([] AS Array(UInt64))::Dynamic",
        "[toUInt8(1), NULL]::Dynamic",
        "toDate('2020-02-29')::Dynamic",
        "toDecimal64(-1.5, 4)::Dynamic",
        "toDateTime64('2020-01-01 00:00:00.123', 3, 'UTC')::Dynamic",
        "map('k', toUInt8(number), '', 0)::Dynamic",
        "CAST((number, 'x') AS Tuple(a UInt64, b String))::Dynamic",
        "toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')::Dynamic",
        "toInt64(number)::Dynamic",
    ]);
    // Inside arrays and maps the text is TSV: strings quoted, numbers bare.
    let array = "[number::Dynamic, toString(number)::Dynamic, NULL, (number / 4)::Dynamic, \
                 range(number % 3)::Dynamic, toInt128('-170141183460469231731687303715884105728')::Dynamic, \
                 'é中\\'1'::Dynamic, toUInt256(number)::Dynamic, toBool(number % 2)::Dynamic, (number % 2 = 0)::Dynamic, \
                 toDate32('1900-01-01')::Dynamic, toIPv4('255.255.255.255')::Dynamic]";
    let map = "map('int', number::Dynamic, 'text', toString(number)::Dynamic, 'null', NULL, \
               'array', [toString(number), '']::Dynamic, 'float', (number / 3)::Dynamic, \
               'neg', toInt64(-9223372036854775808)::Dynamic)";
    vec![
        case("Dynamic", top, "[dynamicType(v)]"),
        case(
            "Dynamic",
            // Rows of one type only, then an all-NULL stretch.
            "if(number < 12, toString(number)::Dynamic, NULL)",
            "[dynamicType(v)]",
        ),
        case(
            "Array(Dynamic)",
            format!("arraySlice({array}, 1, number % 13)"),
            "arrayMap(x -> dynamicType(x), v)",
        ),
        case(
            "Map(String, Dynamic)",
            format!("mapFilter((k, x) -> number % 6 != 0 AND length(k) <= number % 7 + 2, {map})"),
            "arrayMap(x -> dynamicType(x), mapValues(v))",
        ),
        case(
            "Dynamic(max_types=2)",
            "multiIf(number % 3 = 0, number::Dynamic(max_types=2), \
             number % 3 = 1, toString(number)::Dynamic(max_types=2), NULL)",
            "[dynamicType(v)]",
        ),
        case(
            "Tuple(d Dynamic, n UInt8)",
            "CAST((if(number % 2 = 0, toString(number)::Dynamic, number::Dynamic), toUInt8(number)) \
             AS Tuple(d Dynamic, n UInt8))",
            "[dynamicType(v.d)]",
        ),
    ]
}

fn json_cases() -> Vec<Case> {
    let typed = [
        r#"{}"#,
        r#"{"a": 4294967295, "b": "é中😀"}"#,
        r#"{"a": 0, "b": "", "c": [1, 2]}"#,
        r#"{"b": "1", "nested": {"a": 1, "b": {"c": null}}}"#,
        r#"{"a": 7, "b": "x\ty", "arr": [{"k": "v"}, {}], "f": -1.25}"#,
    ];
    vec![
        case(
            "JSON",
            format!("CAST({} AS JSON)", documents(DOCUMENTS)),
            "",
        ),
        case(
            "JSON(a UInt32, b String)",
            format!("CAST({} AS JSON(a UInt32, b String))", documents(&typed)),
            "",
        ),
        case(
            "JSON(max_dynamic_paths=2, a.b Int64, SKIP skipped)",
            format!(
                "CAST({} AS JSON(max_dynamic_paths=2, a.b Int64, SKIP skipped))",
                documents(&[
                    r#"{"a": {"b": -9223372036854775808}, "skipped": 1, "p1": 1, "p2": "2", "p3": [3], "p4": {"q": 4}}"#,
                    r#"{"skipped": {"x": 1}}"#,
                    r#"{"a": {"b": 5, "c": "d"}, "z": null}"#,
                ])
            ),
            "",
        ),
        case(
            "Array(JSON)",
            format!(
                "arrayMap(d -> CAST(d AS JSON), arraySlice({}, 1, number % 4))",
                document_array(DOCUMENTS)
            ),
            "",
        ),
        case(
            "Tuple(j JSON, n Nullable(UInt8))",
            format!(
                "CAST(({}, if(number % 3 = 0, NULL, toUInt8(number))) AS Tuple(j JSON, n Nullable(UInt8)))",
                documents(DOCUMENTS)
            ),
            "",
        ),
    ]
}

fn geometry_cases() -> Vec<Case> {
    let geometry = rows_of(&[
        "NULL",
        "readWKT('POINT (1 2)')",
        "readWKT('POINT (-1.5 0.1)')",
        "CAST((1.7976931348623157e308, -0.) AS Point)::Geometry",
        "CAST((inf, nan) AS Point)::Geometry",
        "readWKT('LINESTRING (0 0, 1 1, 2 0.5)')",
        "readWKT('LINESTRING EMPTY')",
        "CAST([(0, 0), (1, 0), (1, 1), (0, 0)] AS Ring)::Geometry",
        "CAST([] AS Ring)::Geometry",
        "readWKT('POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 5 4, 5 5, 4 4))')",
        "readWKT('MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 4))')",
        "readWKT('MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.1 5.1, 5.2 5.1, 5.2 5.2, 5.1 5.1)))')",
        "CAST([] AS MultiPolygon)::Geometry",
        "readWKT('MULTIPOINT (1 1, 2 2, -3 -3)')",
        "CAST([] AS MultiPoint)::Geometry",
        "CAST([(number, number / 3)] AS LineString)::Geometry",
    ]);
    vec![
        case("Geometry", geometry, "[variantType(v)]"),
        case(
            "MultiPoint",
            "CAST(arrayMap(k -> (k / 3, -k), range(number % 4)) AS MultiPoint)",
            "",
        ),
    ]
}

fn aggregate_cases() -> Vec<Case> {
    let state = |f: &str, argument: &str| {
        format!("arrayReduce('{f}State', if(number % 7 = 0, [], [{argument}, {argument}]))")
    };
    vec![
        case(
            "AggregateFunction(sum, UInt64)",
            state(
                "sum",
                "if(number % 3 = 1, toUInt64(18446744073709551615), number * 1000003)",
            ),
            "",
        ),
        case(
            "AggregateFunction(sum, Int64)",
            state(
                "sum",
                "if(number % 3 = 1, toInt64(-9223372036854775808), -toInt64(number))",
            ),
            "",
        ),
        case(
            "AggregateFunction(sum, Float64)",
            state(
                "sum",
                "multiIf(number % 4 = 0, nan, number % 4 = 1, -inf, number % 4 = 2, -0., number / 3)",
            ),
            "",
        ),
        case(
            "AggregateFunction(count, UInt64)",
            "arrayReduce('countState', range(number * number * 37))",
            "",
        ),
        case(
            "AggregateFunction(min, Int32)",
            state(
                "min",
                "if(number % 2 = 0, toInt32(-2147483648), toInt32(number))",
            ),
            "",
        ),
        case(
            "AggregateFunction(max, Float64)",
            state("max", "if(number % 3 = 0, inf, -number / 7)"),
            "",
        ),
        case(
            "AggregateFunction(any, UInt16)",
            state("any", "toUInt16(65535 - number)"),
            "",
        ),
        case(
            "AggregateFunction(anyLast, Int8)",
            state("anyLast", "toInt8(-128 + number)"),
            "",
        ),
        case(
            "AggregateFunction(max, UInt256)",
            state(
                "max",
                "if(number % 2 = 0, toUInt256('115792089237316195423570985008687907853269984665640564039457584007913129639935'), toUInt256(number))",
            ),
            "",
        ),
        case(
            "AggregateFunction(min, Decimal(18, 4))",
            state("min", "toDecimal64(-number / 8, 4)"),
            "",
        ),
        case(
            "AggregateFunction(max, DateTime('UTC'))",
            state("max", "toDateTime(4294967295 - number, 'UTC')"),
            "",
        ),
        case(
            "AggregateFunction(any, Date)",
            state("any", "toDate(number * 2000)"),
            "",
        ),
        case(
            "AggregateFunction(min, UUID)",
            state(
                "min",
                "toUUID(concat('61f0c404-5cb3-11e7-907b-a6006ad3db', leftPad(toString(number), 2, '0')))",
            ),
            "",
        ),
    ]
}

/// Settings every case's queries and tables take.
const SETTINGS: &[(&str, &str)] = &[("allow_suspicious_variant_types", "1")];

/// Every row's column and position, across the result's blocks.
fn cells(result: &QueryResult) -> Vec<(&Column, usize)> {
    result
        .blocks()
        .iter()
        .flat_map(|b| {
            let column = &b.columns()[0];
            (0..b.rows()).map(move |i| (column, i))
        })
        .collect()
}

/// The type row `row` of `column` is compared as: a `Dynamic`, `Variant` or `Geometry` cell the
/// member type the row holds (`Nothing` for NULL), anything else [`general_type`].
pub(crate) fn cell_type(column: &Column, row: usize) -> DataType {
    let variants = match column.data() {
        ColumnData::Dynamic(c) => c.values(),
        ColumnData::Variant(c) => c,
        _ => return general_type(column),
    };
    match variants.locate(row) {
        None => DataType::Nothing,
        Some((d, position)) => cell_type(&variants.variants()[d], position),
    }
}

/// The column's type with each nested `Dynamic` read as a `Variant` of the member types its
/// column holds (the comparison tells them apart by the decoded value's shape).
fn general_type(column: &Column) -> DataType {
    let data_type = column.data_type();
    match (data_type, column.data()) {
        (_, ColumnData::Dynamic(c)) => {
            DataType::Variant(c.types().iter().flatten().cloned().collect())
        }
        (DataType::Array(_), ColumnData::Array(a)) => {
            DataType::Array(Box::new(general_type(a.values())))
        }
        (DataType::Map(..), ColumnData::Array(a)) => match a.values().data() {
            ColumnData::Tuple(kv) if kv.len() == 2 => DataType::Map(
                Box::new(general_type(&kv[0])),
                Box::new(general_type(&kv[1])),
            ),
            _ => data_type.clone(),
        },
        (DataType::Tuple(elements), ColumnData::Tuple(columns)) => DataType::Tuple(
            elements
                .iter()
                .zip(columns)
                .map(|(e, c)| TupleElement {
                    name: e.name.clone(),
                    data_type: general_type(c),
                })
                .collect(),
        ),
        _ => data_type.clone(),
    }
}

/// The member type of each `Dynamic` and `Variant` cell in row `row`, depth first: what the
/// engine's `dynamicType` / `variantType` says (`None` for NULL).
fn member_types(column: &Column, row: usize, out: &mut Vec<String>) {
    let variant = |c: &clickhouse_connect::column::VariantColumn, out: &mut Vec<String>| {
        out.push(match c.locate(row) {
            None => "None".to_owned(),
            Some((d, _)) => c.variants()[d].data_type().to_string(),
        })
    };
    match column.data() {
        ColumnData::Dynamic(c) => variant(c.values(), out),
        ColumnData::Variant(c) => variant(c, out),
        ColumnData::Array(a) => a.range(row).for_each(|j| member_types(a.values(), j, out)),
        ColumnData::Tuple(columns) => columns.iter().for_each(|c| member_types(c, row, out)),
        ColumnData::Nullable(n) if !n.is_null(row) => member_types(n.values(), row, out),
        _ => {}
    }
}

/// What the member types of a row become when the client inserts the plain decoded value
/// back (`Column::value`; `typed_value` keeps them). A plain `Value` does not carry its member
/// type, so the client picks the type of the value's own kind
/// in a `Dynamic` (a date is a `Date32`, an instant a `DateTime64(6, zone)`, a decimal a
/// `Decimal(76, S)`, a tuple loses its element names), and in a `Geometry` the first member that
/// takes the value's shape (`LineString`, `MultiLineString`, `MultiPolygon`, `Point`, ...): a
/// `Ring` or a `MultiPoint` goes in as a `LineString`, a `Polygon` as a `MultiLineString`, an
/// empty anything as an empty `LineString`.
fn as_inserted(declared: &DataType, value: &Value, members: &[String]) -> Vec<String> {
    if *declared == DataType::Geometry {
        let points = |v: &Value| matches!(v, Value::Array(items) if items.iter().all(|p| matches!(p, Value::Tuple(_))));
        let member = match value {
            Value::Null => "None",
            Value::Tuple(_) => "Point",
            v if points(v) => "LineString",
            Value::Array(lines) if lines.iter().all(points) => "MultiLineString",
            _ => "MultiPolygon",
        };
        return vec![member.to_owned()];
    }
    members
        .iter()
        .map(|member| match member.as_str() {
            "Date" => "Date32".into(),
            "DateTime64(3, 'UTC')" => "DateTime64(6, 'UTC')".into(),
            "Decimal(18, 4)" => "Decimal(76, 4)".into(),
            "Tuple(a UInt64, b String)" => "Tuple(UInt64, String)".into(),
            other => other.into(),
        })
        .collect()
}

/// Whether the client cannot tell a ClickHouse type for `value` on its own: NULL, or an array
/// (map, tuple) with no typed element to tell the element type by.
fn typeless(value: &Value) -> bool {
    match value {
        Value::Null | Value::AggregateState(_) => true,
        Value::Array(items) => items.iter().all(typeless),
        Value::Tuple(items) => items.iter().any(typeless),
        Value::Map(pairs) => pairs
            .first()
            .is_none_or(|(k, v)| typeless(k) || typeless(v)),
        _ => false,
    }
}

/// Whether a row of `data_type` holds a `Dynamic` cell the client refuses to insert: a
/// non-NULL value whose type it cannot tell (an empty array: `[]` of what?).
fn refused(data_type: &DataType, value: &Value) -> bool {
    match (data_type, value) {
        (DataType::Dynamic { .. }, v) => !v.is_null() && typeless(v),
        (DataType::Array(element), Value::Array(items)) => {
            items.iter().any(|item| refused(element, item))
        }
        (DataType::Map(_, value_type), Value::Map(pairs)) => {
            pairs.iter().any(|(_, v)| refused(value_type, v))
        }
        (DataType::Tuple(elements), Value::Tuple(items)) => elements
            .iter()
            .zip(items)
            .any(|(e, item)| refused(&e.data_type, item)),
        _ => false,
    }
}

/// The engine's `members` expression over `from`, one list per row.
async fn engine_members(server: &Server, members: &str, from: &str) -> Vec<Vec<String>> {
    let text = server
        .run(
            &format!("SELECT {members} AS t FROM ({from}) FORMAT JSONEachRow"),
            SETTINGS,
        )
        .await;
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            serde_json::from_value(row["t"].clone()).unwrap()
        })
        .collect()
}

/// How a family's cases went: the cases run, the cells compared with the engine's text, the
/// `Dynamic`/`Variant` member types compared, the rows the client refused to insert back, the
/// rows inserted back with their member types kept.
#[derive(Debug, Default)]
struct Summary {
    cases: usize,
    cells: usize,
    members: usize,
    refused: usize,
    typed: usize,
}

/// Runs each case (see the module comment); panics on the first difference.
async fn run_cases(family: &str, cases: Vec<Case>) -> Summary {
    let mut summary = Summary::default();
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let db = server.fresh_database(family).await;
    for (n, case) in cases.iter().enumerate() {
        let name = case.type_name;
        let select = format!("SELECT {} AS v FROM numbers({ROWS})", case.expression);
        let mut query = client.query(select.clone());
        for (k, v) in SETTINGS {
            query = query.setting(*k, *v);
        }
        let result = query
            .await
            .unwrap_or_else(|e| panic!("{name}: `{select}`: {e}"));
        assert_eq!(result.row_count(), ROWS as usize, "{name}");
        let declared = DataType::parse(name).expect("a valid type");
        assert_eq!(
            result.column_types()[0],
            declared,
            "{name}: the result's type"
        );
        let cells = cells(&result);
        let values: Vec<Value> = result.result_columns().remove(0);
        let row_types: Vec<DataType> = cells.iter().map(|(c, i)| cell_type(c, *i)).collect();
        compare_rows_with_engine_text(
            &server,
            name,
            text_format(&declared),
            &row_types,
            &select,
            SETTINGS,
            &values,
        )
        .await;
        let members = (!case.members.is_empty()).then(|| {
            cells
                .iter()
                .map(|(c, i)| {
                    let mut out = Vec::new();
                    member_types(c, *i, &mut out);
                    out
                })
                .collect::<Vec<_>>()
        });
        summary.cases += 1;
        summary.cells += values.len();
        let engine_said = match &members {
            Some(ours) => {
                let theirs = engine_members(&server, case.members, &select).await;
                assert_eq!(ours, &theirs, "{name}: member types of `{select}`");
                summary.members += theirs.iter().map(Vec::len).sum::<usize>();
                theirs
            }
            None => Vec::new(),
        };
        // Back in: a table of the type, the values inserted and read back equal.
        let table = format!("{db}.t{n}");
        server
            .run(
                &format!("CREATE TABLE {table} (i UInt32, v {name}) ENGINE = Memory"),
                SETTINGS,
            )
            .await;
        // A plain `Value` carries no member type, and `[]` names no element type: a Dynamic
        // cell holding an empty array is refused with a clear error (typed values, below,
        // carry it).
        let (kept, refused): (Vec<usize>, Vec<usize>) =
            (0..values.len()).partition(|&row| !refused(&declared, &values[row]));
        summary.refused += refused.len();
        for &row in &refused {
            let err = round_trip(&client, &table, &values[row..=row])
                .await
                .expect_err("a typeless Dynamic value is refused");
            assert!(
                err.contains("cannot tell the ClickHouse type of Array for a Dynamic column"),
                "{name}: row {row}: {err}"
            );
        }
        let kept_values: Vec<Value> = kept.iter().map(|&row| values[row].clone()).collect();
        round_trip(&client, &table, &kept_values)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let stored = format!("SELECT v FROM {table} ORDER BY i");
        if members.is_some() {
            let expected: Vec<Vec<String>> = kept
                .iter()
                .map(|&row| as_inserted(&declared, &values[row], &engine_said[row]))
                .collect();
            let back = engine_members(&server, case.members, &stored).await;
            assert_eq!(back, expected, "{name}: member types after the insert");
            // Read with their member types (`typed_value`), every row goes back in, empty
            // arrays included, and keeps exactly the engine's member types.
            let typed: Vec<Value> = result
                .rows()
                .map(|row| row.typed_values().remove(0))
                .collect();
            round_trip_as(&client, &table, &typed, true)
                .await
                .unwrap_or_else(|e| panic!("{name}: typed: {e}"));
            let back = engine_members(&server, case.members, &stored).await;
            assert_eq!(
                back, engine_said,
                "{name}: member types after the typed insert"
            );
            summary.typed += typed.len();
        }
        if name.starts_with("AggregateFunction") {
            // The states the client sent merge to what the engine's own states finalize to.
            let finalized = |from: &str| format!("SELECT finalizeAggregation(v) FROM ({from})");
            let ours = server.run(&finalized(&stored), SETTINGS).await;
            let theirs = server.run(&finalized(&select), SETTINGS).await;
            assert_eq!(ours, theirs, "{name}: finalizeAggregation");
            // And the engine's hex of each state is the decoded bytes.
            let hex = server
                .run(&format!("SELECT hex(v) FROM ({select})"), SETTINGS)
                .await;
            for (row, (value, hex)) in values.iter().zip(hex.lines()).enumerate() {
                let Value::AggregateState(bytes) = value else {
                    panic!("{name}: row {row}: decoded {value:?}");
                };
                let ours: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
                assert_eq!(ours, hex, "{name}: row {row}: the state's bytes");
            }
        }
    }
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
    eprintln!("{family}: {summary:?}");
    summary
}

#[tokio::test]
async fn dynamic_values_match_the_engines_text_and_insert_back() {
    let summary = run_cases("dynamic", dynamic_cases()).await;
    assert_eq!(summary.cases, 6);
    assert!(summary.members > 250, "{summary:?}");
    // Each empty array in a Dynamic cell: the insert's refusal was checked.
    assert!(summary.refused > 0, "{summary:?}");
}

#[tokio::test]
async fn json_documents_match_the_engines_text_and_insert_back() {
    let summary = run_cases("json", json_cases()).await;
    assert_eq!((summary.cases, summary.refused), (5, 0));
}

#[tokio::test]
async fn geometry_values_match_the_engines_text_and_insert_back() {
    let summary = run_cases("geometry", geometry_cases()).await;
    assert_eq!(
        (summary.cases, summary.members, summary.refused),
        (2, 24, 0)
    );
}

#[tokio::test]
async fn aggregate_states_match_the_engines_text_and_merge_back() {
    let summary = run_cases("aggregate", aggregate_cases()).await;
    assert_eq!((summary.cases, summary.refused), (13, 0));
}

/// Values a `Dynamic(max_types=N)` column keeps in its shared variant (past `N` types) read
/// as their own types, like the others (the shared variant's own tests are in json_object.rs).
#[tokio::test]
async fn dynamic_values_past_max_types_read_as_their_types() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let result = client
        .query(
            "SELECT multiIf(number % 3 = 0, number::Dynamic(max_types=1), \
             number % 3 = 1, toString(number)::Dynamic(max_types=1), (number / 2)::Dynamic(max_types=1)) AS v \
             FROM numbers(6)",
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    let values: Vec<Value> = result.result_columns().remove(0);
    let expected: Vec<Value> = (0..6u64)
        .map(|n| match n % 3 {
            0 => Value::UInt64(n),
            1 => Value::String(n.to_string().into_bytes()),
            _ => Value::Float64(n as f64 / 2.0),
        })
        .collect();
    assert_eq!(values, expected);
}

/// Values built with `Value::typed` take exactly the member type they name: a `Date` (not
/// the `Date32` a bare date becomes) and an empty `Array(String)` in a `Dynamic`, a `Ring`
/// and a `Polygon` (not the `LineString` and `MultiLineString` of their shape) in a
/// `Geometry`; a type the `Variant` has no member for is refused, naming it.
#[tokio::test]
async fn typed_values_choose_their_member_type() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let db = server.fresh_database("typed_members").await;
    let table = format!("{db}.t");
    server
        .run(
            &format!(
                "CREATE TABLE {table} (i UInt32, d Dynamic, g Geometry, v Variant(String, UInt64)) \
                 ENGINE = Memory"
            ),
            SETTINGS,
        )
        .await;
    let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let ring = Value::Array(vec![
        Value::Tuple(vec![Value::Float64(0.0), Value::Float64(0.0)]),
        Value::Tuple(vec![Value::Float64(1.0), Value::Float64(0.0)]),
    ]);
    let rows = vec![
        vec![
            Value::from(0u32),
            Value::typed(DataType::Date, date),
            Value::typed(DataType::Ring, ring.clone()),
            Value::typed(DataType::UInt64, 7u64),
        ],
        vec![
            Value::from(1u32),
            Value::typed(
                DataType::Array(Box::new(DataType::String)),
                Value::Array(vec![]),
            ),
            Value::typed(DataType::Polygon, Value::Array(vec![ring.clone()])),
            Value::from("text"),
        ],
        vec![
            Value::from(2u32),
            Value::Date(date),
            ring.clone(),
            Value::typed(DataType::String, Value::Null),
        ],
    ];
    client
        .insert(&table, &["i", "d", "g", "v"], rows)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    let members = server
        .run(
            &format!(
                "SELECT dynamicType(d), variantType(g), variantType(v) FROM {table} ORDER BY i \
                 FORMAT TSV"
            ),
            SETTINGS,
        )
        .await;
    assert_eq!(
        members,
        "Date\tRing\tUInt64\nArray(String)\tPolygon\tString\nDate32\tLineString\tNone\n"
    );
    // Read back with their types, the values name the same members.
    let result = client
        .query(format!("SELECT d, g FROM {table} ORDER BY i"))
        .await
        .unwrap();
    let first = result.first_row().unwrap().typed_values();
    assert_eq!(
        first,
        vec![
            Value::typed(DataType::Date, date),
            Value::typed(DataType::Ring, ring.clone())
        ]
    );
    // The plain reading is the bare value.
    assert_eq!(
        result.first_row().unwrap().values(),
        vec![Value::Date(date), ring.clone()]
    );

    let err = client
        .insert(
            &table,
            &["i", "v"],
            vec![vec![Value::from(3u32), Value::typed(DataType::Int8, 1i8)]],
        )
        .await
        .expect_err("Int8 is no member of Variant(String, UInt64)");
    assert!(
        err.to_string()
            .contains("a value typed Int8 does not fit Variant(String, UInt64)"),
        "{err}"
    );
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}
