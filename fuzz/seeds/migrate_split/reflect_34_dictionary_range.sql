-- engines: 26.9
-- A range dictionary with a complex key, an expression attribute and settings.
CREATE TABLE prices (sku String, region String, start Date, stop Date, price Float64) ENGINE = MergeTree ORDER BY sku;
CREATE DICTIONARY price_ranges (
    sku String,
    region String,
    start Date,
    stop Date,
    price Float64 DEFAULT 0,
    cents Int64 EXPRESSION toInt64(price * 100)
)
PRIMARY KEY sku, region
SOURCE(CLICKHOUSE(QUERY 'SELECT sku, region, start, stop, price FROM {db}.prices'))
LIFETIME(3600)
LAYOUT(COMPLEX_KEY_RANGE_HASHED(RANGE_LOOKUP_STRATEGY 'max'))
RANGE(MIN start MAX stop)
SETTINGS(format_csv_allow_single_quotes = 0);
