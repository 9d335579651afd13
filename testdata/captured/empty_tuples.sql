-- ClickHouse 26.9 engine (chDB behind the project's HTTP front), FORMAT Native at revision 0.
-- Tuple() columns: a byte ('0') per row in Native, none inside the shared variant of Dynamic.
SELECT tuple() AS t, number AS n, arrayMap(x -> tuple(), range(number)) AS a,
    CAST(if(number % 2 = 0, tuple(), NULL), 'Variant(Tuple(), UInt8)') AS v,
    CAST(if(number = 1, 7::UInt8, tuple()), 'Dynamic(max_types=0)') AS d,
    CAST(arrayMap(x -> tuple(), range(number)), 'Dynamic(max_types=0)') AS da
FROM numbers(3)
FORMAT Native
