-- engines: 26.9 18.16
-- settings 26.9: allow_deprecated_syntax_for_merge_tree=1
-- The old MergeTree syntax: date column, key and granularity as engine arguments.
CREATE TABLE legacy (d Date, id UInt64, v String) ENGINE = MergeTree(d, (id, d), 8192);
CREATE TABLE legacy_replacing (d Date, id UInt64, ver UInt32) ENGINE = ReplacingMergeTree(d, id, 8192, ver);
