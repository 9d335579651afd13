-- engines: 26.9
-- expect: rebuild: the server does not let an ALTER change index_granularity
-- old
CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 8192;
-- new
CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 1024;
