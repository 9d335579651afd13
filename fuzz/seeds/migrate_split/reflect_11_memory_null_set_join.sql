-- engines: 26.9 18.16
-- Memory, Null, Set and Join engines.
CREATE TABLE mem (id UInt64, s String) ENGINE = Memory;
CREATE TABLE nothing (id UInt64) ENGINE = Null;
CREATE TABLE ids (id UInt64) ENGINE = Set;
CREATE TABLE lookup (id UInt64, name String) ENGINE = Join(ANY, LEFT, id);
