-- engines: 26.9 18.16
-- expect: rebuild: the engine (MergeTree to ReplacingMergeTree(version))
-- old
CREATE TABLE t (id UInt64, version UInt32) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, version UInt32) ENGINE = ReplacingMergeTree(version) ORDER BY id;
