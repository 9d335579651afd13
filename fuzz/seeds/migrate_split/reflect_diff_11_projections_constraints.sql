-- engines: 26.9
-- expect: metadata
-- A projection and a constraint are added, others dropped.
-- old
CREATE TABLE t (
    id UInt64, u UInt32, v Float64,
    CONSTRAINT old_check CHECK id > 0,
    PROJECTION old_proj (SELECT * ORDER BY u)
) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (
    id UInt64, u UInt32, v Float64,
    CONSTRAINT new_check CHECK v >= 0,
    CONSTRAINT assumed ASSUME u < 100,
    PROJECTION totals (SELECT u, sum(v) GROUP BY u)
) ENGINE = MergeTree ORDER BY id;
