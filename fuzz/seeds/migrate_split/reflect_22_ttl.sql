-- engines: 26.9
-- Column TTLs and a table TTL with several rules.
CREATE TABLE expiring (
    d DateTime,
    id UInt64,
    payload String TTL d + INTERVAL 1 DAY,
    extra String DEFAULT 'x' COMMENT 'gone after a week' TTL d + INTERVAL 1 WEEK
) ENGINE = MergeTree
PARTITION BY toYYYYMM(d)
ORDER BY (id, d)
TTL d + INTERVAL 1 MONTH DELETE WHERE id % 2 = 0, d + INTERVAL 1 YEAR
SETTINGS merge_with_ttl_timeout = 3600;
