-- engines: 26.9
-- expect: metadata
-- A codec changes, one appears, one goes.
-- old
CREATE TABLE t (id UInt64, a UInt64 CODEC(ZSTD(1)), b String, c Float64 CODEC(Gorilla)) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, a UInt64 CODEC(Delta, ZSTD(3)), b String CODEC(LZ4HC(9)), c Float64) ENGINE = MergeTree ORDER BY id;
