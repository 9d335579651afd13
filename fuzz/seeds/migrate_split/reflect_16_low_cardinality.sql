-- engines: 26.9 18.16
-- settings 18.16: allow_experimental_low_cardinality_type=1
-- LowCardinality columns (experimental in 18.16).
CREATE TABLE lc (
    id UInt64,
    country LowCardinality(String),
    city LowCardinality(Nullable(String))
) ENGINE = MergeTree
ORDER BY (country, id);
