-- engines: 26.9 18.16
-- MergeTree with partition, sorting and sampling keys and a table setting.
CREATE TABLE hits (
    event_date Date,
    user_id UInt64,
    url String,
    duration UInt32
) ENGINE = MergeTree
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_date, intHash32(user_id))
SAMPLE BY intHash32(user_id)
SETTINGS index_granularity = 4096;
