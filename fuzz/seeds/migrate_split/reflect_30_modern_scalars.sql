-- engines: 26.9
-- Types newer than 18.16: Bool, wide integers, Date32, DateTime64 with zones, IPs, Time.
CREATE TABLE modern (
    id UInt64,
    b Bool,
    i128 Int128,
    u256 UInt256,
    d32 Date32,
    dt64 DateTime64(3, 'Europe/Berlin'),
    dt64_plain DateTime64(6),
    ip4 IPv4,
    ip6 IPv6,
    t Time,
    t64 Time64(3),
    dec256 Decimal256(20),
    lcn LowCardinality(Nullable(String)),
    saf SimpleAggregateFunction(max, UInt64),
    bf BFloat16
) ENGINE = MergeTree
ORDER BY id;
