-- engines: 26.9 18.16
-- expect: mutation
-- note: RENAME COLUMN
-- A column dropped and one added with the same type at the same place: maybe a rename.
-- old
CREATE TABLE t (id UInt64, old_name String, x UInt8) ENGINE = MergeTree ORDER BY id;
-- new
CREATE TABLE t (id UInt64, new_name String, x UInt8) ENGINE = MergeTree ORDER BY id;
