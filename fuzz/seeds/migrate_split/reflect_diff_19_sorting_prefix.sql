-- engines: 26.9 18.16
-- expect: rebuild: the sorting key ((a, b) to (b, a))
-- old
CREATE TABLE t (a UInt32, b UInt32) ENGINE = MergeTree ORDER BY (a, b);
-- new
CREATE TABLE t (a UInt32, b UInt32) ENGINE = MergeTree ORDER BY (b, a);
