-- engines: 26.9 18.16
-- expect: mutation
-- A column that is in no key is dropped.
-- old
CREATE TABLE t (id UInt64, name String, obsolete UInt8) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id;
