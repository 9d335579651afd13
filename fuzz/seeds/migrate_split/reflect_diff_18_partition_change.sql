-- engines: 26.9 18.16
-- expect: rebuild: the partition key (toYYYYMM(d) to toDate(d))
-- old
CREATE TABLE t (d DateTime, id UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY id;
-- new
CREATE TABLE t (d DateTime, id UInt64) ENGINE = MergeTree PARTITION BY toDate(d) ORDER BY id;
