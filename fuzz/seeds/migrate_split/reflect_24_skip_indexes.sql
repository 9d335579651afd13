-- engines: 26.9
-- Data skipping indexes of several types and granularities.
CREATE TABLE indexed (
    id UInt64,
    s String,
    n Int32,
    tags Array(String),
    INDEX n_minmax n TYPE minmax GRANULARITY 1,
    INDEX s_set s TYPE set(100) GRANULARITY 2,
    INDEX s_bloom lower(s) TYPE bloom_filter(0.01) GRANULARITY 3,
    INDEX s_ngram s TYPE ngrambf_v1(3, 256, 2, 0) GRANULARITY 4,
    INDEX tag_tokens tags TYPE bloom_filter GRANULARITY 1,
    INDEX pair (n, id) TYPE minmax GRANULARITY 8
) ENGINE = MergeTree
ORDER BY id;
