-- engines: 26.9 18.16
-- ReplacingMergeTree with a version column; ORDER BY written in brackets around one key.
CREATE TABLE users (
    id UInt64,
    name String,
    updated DateTime
) ENGINE = ReplacingMergeTree(updated)
ORDER BY (id);
