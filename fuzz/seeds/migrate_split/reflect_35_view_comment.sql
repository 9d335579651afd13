-- engines: 26.9
-- A view with a comment and a query with a subquery, a string literal and a join.
CREATE TABLE orders (id UInt64, customer UInt64, total Float64) ENGINE = MergeTree ORDER BY id;
CREATE TABLE customers (id UInt64, name String) ENGINE = MergeTree ORDER BY id;
CREATE VIEW order_names AS
SELECT o.id, c.name, o.total
FROM {db}.orders AS o
INNER JOIN {db}.customers AS c ON o.customer = c.id
WHERE o.total > (SELECT avg(total) FROM {db}.orders) AND c.name != 'it''s, (x)'
COMMENT 'orders above average, by customer name';
