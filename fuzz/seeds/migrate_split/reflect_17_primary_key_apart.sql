-- engines: 26.9 18.16
-- A primary key shorter than the sorting key.
CREATE TABLE pk (
    a UInt32,
    b UInt32,
    c String
) ENGINE = MergeTree
ORDER BY (a, b, c)
PRIMARY KEY (a, b);
