-- engines: 26.9
-- expect: metadata
-- The same columns in another order.
-- old
CREATE TABLE t (id UInt64, a String DEFAULT 'a', b UInt8, c Float64) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (c Float64, id UInt64, b UInt8, a String DEFAULT 'a') ENGINE = MergeTree ORDER BY id;
