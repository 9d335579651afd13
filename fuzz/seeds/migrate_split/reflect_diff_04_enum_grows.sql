-- engines: 26.9
-- expect: metadata
-- An enum that only gains values changes nothing stored.
-- old
CREATE TABLE t (id UInt64, e Enum8('a' = 1, 'b' = 2)) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, e Enum8('a' = 1, 'b' = 2, 'c' = 3)) ENGINE = MergeTree ORDER BY id;
