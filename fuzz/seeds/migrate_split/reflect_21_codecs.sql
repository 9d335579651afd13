-- engines: 26.9
-- Column codecs, general and specialised, chained.
CREATE TABLE codecs (
    ts DateTime CODEC(Delta, ZSTD(3)),
    id UInt64 CODEC(T64, LZ4),
    value Float64 CODEC(Gorilla),
    counter UInt64 CODEC(DoubleDelta),
    text String CODEC(LZ4HC(9)),
    plain UInt32 CODEC(NONE),
    gcd UInt64 CODEC(GCD, ZSTD(1))
) ENGINE = MergeTree
ORDER BY ts;
