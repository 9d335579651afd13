-- engines: 26.9
-- expect: metadata
-- The table TTL goes.
-- old
CREATE TABLE t (d DateTime, id UInt64) ENGINE = MergeTree ORDER BY id TTL d + INTERVAL 1 MONTH;
-- new
CREATE TABLE t (d DateTime, id UInt64) ENGINE = MergeTree ORDER BY id;
