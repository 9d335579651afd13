-- engines: 26.9
-- expect: metadata
-- The sorting key grows by a new column; the primary key stays.
-- old
CREATE TABLE t (id UInt64, v String) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, v String, version UInt32) ENGINE = MergeTree ORDER BY (id, version) PRIMARY KEY id;
