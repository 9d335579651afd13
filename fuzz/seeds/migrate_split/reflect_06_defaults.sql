-- engines: 26.9 18.16
-- DEFAULT, MATERIALIZED and ALIAS columns, expressions with strings and functions.
CREATE TABLE defaults (
    id UInt64,
    created DateTime DEFAULT now(),
    label String DEFAULT concat('id-', toString(id)),
    doubled UInt64 MATERIALIZED id * 2,
    tripled UInt64 ALIAS id * 3,
    quoted String DEFAULT 'it''s, (not) a comma'
) ENGINE = MergeTree
ORDER BY id;
