-- engines: 26.9 18.16
-- AggregatingMergeTree with aggregate-function state columns.
CREATE TABLE agg (
    day Date,
    users AggregateFunction(uniq, UInt64),
    q AggregateFunction(quantiles(0.5, 0.9), Float64)
) ENGINE = AggregatingMergeTree
ORDER BY day;
