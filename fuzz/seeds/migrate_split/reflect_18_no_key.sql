-- engines: 26.9 18.16
-- No sorting key (tuple()), and a key expression on its own.
CREATE TABLE unsorted (id UInt64, s String) ENGINE = MergeTree ORDER BY tuple();
CREATE TABLE by_expr (id UInt64, s String) ENGINE = MergeTree ORDER BY cityHash64(s);
