-- engines: 26.9
-- expect: rebuild: views are recreated, not altered
-- old
CREATE TABLE src (id UInt64, v UInt32) ENGINE = MergeTree ORDER BY id;
CREATE VIEW t AS SELECT id FROM src WHERE v > 1;
-- new
CREATE TABLE src (id UInt64, v UInt32) ENGINE = MergeTree ORDER BY id;
CREATE VIEW t AS SELECT id FROM src WHERE v > 2;
