-- engines: 26.9
-- A dictionary over a table of the same database, and a table of the Dictionary engine.
CREATE TABLE countries (id UInt64, name String, parent UInt64) ENGINE = MergeTree ORDER BY id;
CREATE DICTIONARY country_names (
    id UInt64,
    name String DEFAULT 'unknown' INJECTIVE,
    parent UInt64 DEFAULT 0 HIERARCHICAL
)
PRIMARY KEY id
SOURCE(CLICKHOUSE(TABLE 'countries' DB '{db}'))
LIFETIME(MIN 0 MAX 300)
LAYOUT(HASHED())
COMMENT 'names by id';
CREATE TABLE country_table (id UInt64, name String, parent UInt64) ENGINE = Dictionary({db}.country_names);
