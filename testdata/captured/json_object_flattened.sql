-- ClickHouse 26.9 engine (chDB behind the project's HTTP front), FORMAT Native at revision 0.
-- JSON with a typed path, two dynamic paths and the rest in the shared data (Array(JSON) included).
SELECT CAST(doc AS JSON(max_dynamic_paths=2, a UInt32)) AS j
FROM (SELECT arrayJoin(['{"a": 1, "b": {"c": "x", "e": [1, 2, 3]}, "f": 1.5, "g": null}',
    '{"n": [{"x": 1}, {"y": "z"}], "o": [1, "a", null], "k": -5, "l": 18446744073709551615}',
    '{"s": "quote \\" slash / tab \\t", "m": "2020-01-01", "p": "2020-01-01 10:00:00", "u": 1e-7}',
    '{}']) AS doc)
FORMAT Native
SETTINGS output_format_native_write_json_as_string = 0, output_format_native_use_flattened_dynamic_and_json_serialization = 1
