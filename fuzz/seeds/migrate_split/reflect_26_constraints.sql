-- engines: 26.9
-- CHECK and ASSUME constraints.
CREATE TABLE constrained (
    id UInt64,
    url String,
    domain String,
    CONSTRAINT positive CHECK id > 0,
    CONSTRAINT has_scheme CHECK startsWith(url, 'http'),
    CONSTRAINT domain_of_url ASSUME domain = domain(url)
) ENGINE = MergeTree
ORDER BY id;
