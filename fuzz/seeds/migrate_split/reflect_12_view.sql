-- engines: 26.9 18.16
-- A plain view over a table of the same database, named with the database.
CREATE TABLE events (id UInt64, kind String, size UInt32) ENGINE = MergeTree ORDER BY id;
CREATE VIEW big_events AS SELECT id, kind FROM {db}.events WHERE size > 100;
