-- engines: 26.9 18.16
-- expect: none
-- The same table: nothing to do.
-- old
CREATE TABLE t (id UInt64, s String DEFAULT 'x' COMMENT 'c') ENGINE = MergeTree PARTITION BY id % 4 ORDER BY id;
-- new
CREATE TABLE t (id UInt64, s String DEFAULT 'x' COMMENT 'c') ENGINE = MergeTree PARTITION BY id % 4 ORDER BY id;
