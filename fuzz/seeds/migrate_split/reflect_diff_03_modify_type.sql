-- engines: 26.9 18.16
-- expect: mutation
-- A wider type and a Nullable one: both rewrite the column.
-- old
CREATE TABLE t (id UInt64, n UInt32, s String) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, n UInt64, s Nullable(String)) ENGINE = MergeTree ORDER BY id;
