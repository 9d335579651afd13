-- engines: 26.9 18.16
-- Merge and Buffer engines naming the database they read and write.
CREATE TABLE part_a (id UInt64) ENGINE = MergeTree ORDER BY id;
CREATE TABLE part_b (id UInt64) ENGINE = MergeTree ORDER BY id;
CREATE TABLE all_parts (id UInt64) ENGINE = Merge({db}, '^part_');
CREATE TABLE buffered (id UInt64) ENGINE = Buffer({db}, part_a, 16, 10, 100, 10000, 1000000, 10000000, 100000000);
