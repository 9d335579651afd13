-- engines: 26.9 18.16
-- A materialized view with storage of its own (an inner table).
CREATE TABLE clicks (id UInt64, page String, at DateTime) ENGINE = MergeTree ORDER BY id;
CREATE MATERIALIZED VIEW clicks_per_page
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, page)
AS SELECT toDate(at) AS day, page, count() AS n FROM {db}.clicks GROUP BY day, page;
