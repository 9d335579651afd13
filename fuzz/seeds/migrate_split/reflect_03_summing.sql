-- engines: 26.9 18.16
-- SummingMergeTree over two named columns.
CREATE TABLE totals (
    day Date,
    key String,
    hits UInt64,
    bytes UInt64,
    other Int32
) ENGINE = SummingMergeTree((hits, bytes))
PARTITION BY day
ORDER BY (day, key);
