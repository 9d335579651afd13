-- engines: 26.9
-- EPHEMERAL columns, with and without an expression, feeding defaults.
CREATE TABLE ephemeral (
    id UInt64,
    raw String EPHEMERAL,
    raw_num UInt8 EPHEMERAL 7,
    parsed String DEFAULT upper(raw),
    num UInt16 DEFAULT raw_num * 2
) ENGINE = MergeTree
ORDER BY id;
