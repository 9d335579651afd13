-- engines: 26.9
-- Variant, Dynamic and JSON (with parameters and typed paths).
CREATE TABLE semi (
    id UInt64,
    v Variant(String, UInt64, Array(UInt8)),
    d Dynamic,
    d8 Dynamic(max_types=8),
    j JSON,
    jt JSON(max_dynamic_paths=16, a.b UInt32, SKIP c.d, SKIP REGEXP 'x.*')
) ENGINE = MergeTree
ORDER BY id;
