-- The events table the examples and tests work with.
CREATE TABLE events
(
    id UInt64,
    ts DateTime64(3, 'UTC'),
    name LowCardinality(String),
    payload String,
    score Nullable(Float64),
    tags Array(String)
)
ENGINE = MergeTree
ORDER BY (name, ts, id);
