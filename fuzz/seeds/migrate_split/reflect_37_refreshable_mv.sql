-- engines: 26.9
-- A refreshable materialized view.
CREATE TABLE facts (id UInt64, v UInt64) ENGINE = MergeTree ORDER BY id;
CREATE TABLE snapshot (n UInt64) ENGINE = MergeTree ORDER BY n;
CREATE MATERIALIZED VIEW refresher REFRESH EVERY 1 HOUR TO {db}.snapshot AS SELECT count() AS n FROM {db}.facts;
