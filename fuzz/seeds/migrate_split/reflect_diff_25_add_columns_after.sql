-- engines: 26.9 18.16
-- expect: metadata
-- Columns added in the middle and last, with defaults and comments. (18.16 keeps MATERIALIZED
-- and ALIAS columns in groups of their own, after the others, and refuses AFTER for them; 01
-- adds one on 26.9.)
-- old
CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (
    id UInt64,
    label String DEFAULT upper(name) COMMENT 'shown',
    name String,
    created DateTime DEFAULT now()
) ENGINE = MergeTree ORDER BY id;
