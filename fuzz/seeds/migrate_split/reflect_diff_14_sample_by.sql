-- engines: 26.9
-- expect: metadata
-- A sampling key appears on one table and goes from another.
-- old
CREATE TABLE t (id UInt64, u UInt32) ENGINE = MergeTree ORDER BY (id, intHash32(u));
-- new
CREATE TABLE t (id UInt64, u UInt32) ENGINE = MergeTree ORDER BY (id, intHash32(u)) SAMPLE BY intHash32(u);
