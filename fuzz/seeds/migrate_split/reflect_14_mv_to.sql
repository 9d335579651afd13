-- engines: 26.9 18.16
-- A materialized view writing into an existing table (TO).
CREATE TABLE raw (id UInt64, v Float64) ENGINE = MergeTree ORDER BY id;
CREATE TABLE rolled (id UInt64, v Float64) ENGINE = MergeTree ORDER BY id;
CREATE MATERIALIZED VIEW roll TO {db}.rolled AS SELECT id, v * 2 AS v FROM {db}.raw;
