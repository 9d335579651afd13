-- engines: 26.9
-- Aggregate-function states with parameters and combinators, and simple aggregates.
CREATE TABLE states2 (
    k UInt64,
    u AggregateFunction(uniqCombined(12), String),
    q AggregateFunction(quantilesTiming(0.5, 0.99), UInt32),
    s AggregateFunction(sumIf, UInt64, UInt8),
    mx SimpleAggregateFunction(max, Nullable(Float64)),
    grp SimpleAggregateFunction(groupArrayArray, Array(String))
) ENGINE = AggregatingMergeTree
ORDER BY k;
