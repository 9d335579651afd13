-- engines: 26.9
-- Maps, named tuples, tuples in arrays, nested named tuples.
CREATE TABLE structured (
    id UInt64,
    attrs Map(String, UInt64),
    lc_attrs Map(LowCardinality(String), Array(String)),
    point Tuple(x Float64, y Float64),
    pairs Array(Tuple(k String, v Nullable(Int64))),
    deep Tuple(a Tuple(b UInt8, c Map(String, Tuple(d String, e Array(UInt8)))), f String),
    `with space` Tuple(`a b` UInt8, `c.d` String)
) ENGINE = MergeTree
ORDER BY id;
