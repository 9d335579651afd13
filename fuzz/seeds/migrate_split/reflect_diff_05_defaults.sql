-- engines: 26.9
-- expect: metadata
-- A default changes, one appears, one goes, and a DEFAULT becomes MATERIALIZED.
-- old
CREATE TABLE t (
    id UInt64,
    a String DEFAULT 'x',
    b String,
    c String DEFAULT 'gone',
    d UInt64 DEFAULT id
) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (
    id UInt64,
    a String DEFAULT 'y',
    b String DEFAULT concat(a, '!'),
    c String,
    d UInt64 MATERIALIZED id * 2
) ENGINE = MergeTree ORDER BY id;
