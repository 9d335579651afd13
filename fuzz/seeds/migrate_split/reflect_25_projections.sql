-- engines: 26.9
-- Projections: a reordering one and an aggregating one.
CREATE TABLE projected (
    id UInt64,
    user UInt32,
    amount Float64,
    PROJECTION by_user (SELECT * ORDER BY user),
    PROJECTION totals (SELECT user, sum(amount), count() GROUP BY user)
) ENGINE = MergeTree
ORDER BY id;
