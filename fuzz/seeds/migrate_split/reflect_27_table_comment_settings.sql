-- engines: 26.9
-- A table comment and several table settings, one of them a string.
CREATE TABLE described (
    id UInt64,
    v String
) ENGINE = MergeTree
ORDER BY id
SETTINGS index_granularity = 2048, min_bytes_for_wide_part = 0, storage_policy = 'default', ttl_only_drop_parts = 1
COMMENT 'A table that says what it is for: ''quotes'' and, commas.';
