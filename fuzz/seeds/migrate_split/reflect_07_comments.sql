-- engines: 26.9 18.16
-- Column comments with quotes, backslashes and non-ASCII text.
CREATE TABLE commented (
    id UInt64 COMMENT 'the key',
    note String COMMENT 'it''s a \\ backslash, «quoted»',
    plain UInt8
) ENGINE = MergeTree
ORDER BY id;
