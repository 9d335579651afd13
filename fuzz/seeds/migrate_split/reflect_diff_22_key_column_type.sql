-- engines: 26.9
-- expect: rebuild: id is part of the sorting and primary key
-- old
CREATE TABLE t (id UInt32, v String) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, v String) ENGINE = MergeTree ORDER BY id;
