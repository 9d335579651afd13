-- engines: 26.9
-- expect: mutation
-- A column TTL appears and another goes; the table TTL changes.
-- old
CREATE TABLE t (d DateTime, id UInt64, a String TTL d + INTERVAL 1 DAY, b String) ENGINE = MergeTree ORDER BY id TTL d + INTERVAL 1 MONTH;
-- new
CREATE TABLE t (d DateTime, id UInt64, a String, b String TTL d + INTERVAL 2 DAY) ENGINE = MergeTree ORDER BY id TTL d + INTERVAL 1 YEAR DELETE WHERE id > 10;
