-- ClickHouse 26.9 engine (chDB behind the project's HTTP front), FORMAT Native at revision 0.
-- A Dynamic(max_types=2) column whose other types land in the shared variant.
SELECT d::Dynamic(max_types=2) AS x
FROM (SELECT arrayJoin([CAST(toInt64(1) AS Dynamic), CAST('a' AS Dynamic), CAST(toFloat64(2.5) AS Dynamic), NULL,
    CAST([1,2]::Array(UInt8) AS Dynamic), CAST(toDate('2024-01-02') AS Dynamic),
    CAST(toUUID('00112233-4455-6677-8899-aabbccddeeff') AS Dynamic), CAST(toInt64(7) AS Dynamic),
    CAST(map('k', 1.5::Decimal(9,2)) AS Dynamic), CAST((1, 'x')::Tuple(a UInt8, b String) AS Dynamic)]) AS d)
FORMAT Native
