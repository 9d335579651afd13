-- engines: 26.9 18.16
-- Nullable, arrays, fixed strings, enums with awkward labels, decimals, UUIDs, zoned date-times.
CREATE TABLE scalars (
    id UInt64,
    maybe Nullable(String),
    arr Array(Nullable(Int32)),
    nested_arr Array(Array(UInt8)),
    fixed FixedString(16),
    e8 Enum8('a' = 1, 'b''c' = 2, 'with space' = -3),
    e16 Enum16('x' = 1000, 'y' = -1000),
    dec Decimal(18, 4),
    dec32 Decimal32(2),
    uid UUID,
    ts DateTime('Asia/Tokyo'),
    f Float32,
    t Tuple(UInt8, String, Array(Nullable(Float64)))
) ENGINE = MergeTree
ORDER BY id;
