-- engines: 26.9
-- One table with most things at once.
CREATE TABLE everything (
    d Date,
    ts DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1)),
    id UInt64 COMMENT 'key',
    kind LowCardinality(String) DEFAULT 'none',
    amount Decimal(18, 2) CODEC(ZSTD(3)),
    payload String TTL d + INTERVAL 30 DAY,
    props Map(String, String),
    score Float64 MATERIALIZED amount * 1.5,
    total Float64 ALIAS amount + 1,
    INDEX kind_set kind TYPE set(16) GRANULARITY 4,
    CONSTRAINT non_negative CHECK amount >= 0,
    PROJECTION by_kind (SELECT kind, count() GROUP BY kind)
) ENGINE = ReplacingMergeTree(ts)
PARTITION BY toYYYYMM(d)
ORDER BY (kind, id, d)
PRIMARY KEY (kind, id)
SAMPLE BY id
TTL d + INTERVAL 1 YEAR
SETTINGS index_granularity = 8192, deduplicate_merge_projection_mode = 'drop'
COMMENT 'everything';
