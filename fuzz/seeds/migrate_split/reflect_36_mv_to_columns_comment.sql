-- engines: 26.9
-- A materialized view TO a table, with a comment, and one whose storage has a TTL and settings.
CREATE TABLE src (id UInt64, at DateTime, v Float64) ENGINE = MergeTree ORDER BY id;
CREATE TABLE dst (id UInt64, v Float64) ENGINE = MergeTree ORDER BY id;
CREATE MATERIALIZED VIEW to_dst TO {db}.dst AS SELECT id, v FROM {db}.src COMMENT 'copies src';
CREATE MATERIALIZED VIEW recent
ENGINE = MergeTree
ORDER BY id
TTL at + INTERVAL 1 DAY
SETTINGS index_granularity = 1024
AS SELECT id, at FROM {db}.src;
