-- engines: 26.9
-- A nullable sorting key (a table setting allows it) and a descending key.
CREATE TABLE nullable_key (
    a Nullable(UInt64),
    b String
) ENGINE = MergeTree
ORDER BY (a, b)
SETTINGS allow_nullable_key = 1, index_granularity = 8192;
