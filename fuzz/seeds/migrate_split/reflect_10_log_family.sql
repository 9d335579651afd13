-- engines: 26.9 18.16
-- The Log family.
CREATE TABLE log_t (id UInt64, s String) ENGINE = Log;
CREATE TABLE tiny_t (id UInt64, s String) ENGINE = TinyLog;
CREATE TABLE stripe_t (id UInt64, s String) ENGINE = StripeLog;
