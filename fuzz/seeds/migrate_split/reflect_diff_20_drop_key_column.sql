-- engines: 26.9 18.16
-- expect: rebuild: b is part of the sorting key
-- old
CREATE TABLE t (a UInt32, b UInt32, c String) ENGINE = MergeTree ORDER BY (a, b) PRIMARY KEY a;
-- new
CREATE TABLE t (a UInt32, c String) ENGINE = MergeTree ORDER BY a;
