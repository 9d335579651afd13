-- engines: 26.9
-- expect: metadata
-- A setting changes, one is added, one is reset.
-- old
CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 8192, merge_with_ttl_timeout = 3600, ttl_only_drop_parts = 1;
-- new
CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 8192, merge_with_ttl_timeout = 7200, min_bytes_for_wide_part = 0;
