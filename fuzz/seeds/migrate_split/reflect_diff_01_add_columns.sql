-- engines: 26.9
-- expect: metadata
-- Columns added first, in the middle and last, with defaults and comments (18.16 has no
-- ADD COLUMN ... FIRST: 25_add_columns_after is its version of this pair).
-- old
CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (
    version UInt32 DEFAULT 1,
    id UInt64,
    label String DEFAULT upper(name) COMMENT 'shown',
    name String,
    created DateTime MATERIALIZED now()
) ENGINE = MergeTree ORDER BY id;
