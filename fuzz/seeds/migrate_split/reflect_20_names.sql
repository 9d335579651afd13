-- engines: 26.9 18.16
-- Names that need quoting: spaces, keywords, dots, digits first, non-ASCII.
CREATE TABLE `odd names` (
    `select` UInt64,
    `from` String,
    `with space` UInt8,
    `1st` UInt8,
    `naïve` String,
    `a.b` UInt8
) ENGINE = MergeTree
ORDER BY `select`;
