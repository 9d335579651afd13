-- engines: 26.9
-- ReplacingMergeTree with a version and a deletion marker; CoalescingMergeTree.
CREATE TABLE replaced (
    id UInt64,
    v String,
    version UInt32,
    deleted UInt8
) ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY id;
CREATE TABLE coalesced (
    id UInt64,
    a Nullable(UInt64),
    b Nullable(String)
) ENGINE = CoalescingMergeTree
ORDER BY id;
