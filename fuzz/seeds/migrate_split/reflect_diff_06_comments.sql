-- engines: 26.9
-- expect: metadata
-- Column comments change, appear and go; the table comment changes.
-- old
CREATE TABLE t (id UInt64 COMMENT 'old', a String, b String COMMENT 'gone') ENGINE = MergeTree ORDER BY id COMMENT 'before';
-- new
CREATE TABLE t (id UInt64 COMMENT 'new, it''s', a String COMMENT 'added', b String) ENGINE = MergeTree ORDER BY id COMMENT 'after';
