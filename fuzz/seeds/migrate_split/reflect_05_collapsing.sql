-- engines: 26.9 18.16
-- CollapsingMergeTree and VersionedCollapsingMergeTree.
CREATE TABLE states (
    id UInt64,
    views UInt8,
    sign Int8
) ENGINE = CollapsingMergeTree(sign)
ORDER BY id;
CREATE TABLE vstates (
    id UInt64,
    views UInt8,
    sign Int8,
    version UInt8
) ENGINE = VersionedCollapsingMergeTree(sign, version)
ORDER BY id;
