-- no-transaction
CREATE TABLE a (x UInt8) ENGINE = Memory;
