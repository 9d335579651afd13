-- engines: 26.9
-- expect: metadata
-- An index is added, one dropped, one changed (dropped and added again).
-- old
CREATE TABLE t (
    id UInt64, s String, n Int32,
    INDEX gone n TYPE minmax GRANULARITY 1,
    INDEX changed s TYPE set(10) GRANULARITY 2
) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (
    id UInt64, s String, n Int32,
    INDEX changed s TYPE set(100) GRANULARITY 4,
    INDEX added (n, id) TYPE minmax GRANULARITY 8
) ENGINE = MergeTree ORDER BY id;
