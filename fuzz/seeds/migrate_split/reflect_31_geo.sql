-- engines: 26.9
-- Geo types.
CREATE TABLE shapes (
    id UInt64,
    p Point,
    r Ring,
    l LineString,
    ml MultiLineString,
    pg Polygon,
    mp MultiPolygon
) ENGINE = MergeTree
ORDER BY id;
