-- engines: 26.9 18.16
-- SummingMergeTree summing every numeric column; partition by a tuple.
CREATE TABLE sums (
    day Date,
    region String,
    a UInt64,
    b Float64
) ENGINE = SummingMergeTree
PARTITION BY (toYYYYMM(day), region)
ORDER BY (day, region);
