-- engines: 26.9 18.16
-- Nested structures (the server lists them as arrays named n.a, n.b).
CREATE TABLE nested (
    id UInt64,
    goals Nested(id UInt32, name String, cost Decimal(10, 2)),
    tags Array(String)
) ENGINE = MergeTree
ORDER BY id;
