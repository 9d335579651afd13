-- engines: 26.9
-- Engines with arguments of their own: GenerateRandom, EmbeddedRocksDB, File, URL.
CREATE TABLE random (id UInt64, s String) ENGINE = GenerateRandom(1, 5, 3);
CREATE TABLE rocks (k String, v UInt64) ENGINE = EmbeddedRocksDB PRIMARY KEY k;
CREATE TABLE file_t (id UInt64, s String) ENGINE = File(TabSeparated);
CREATE TABLE url_t (id UInt64) ENGINE = URL('http://127.0.0.1:1/data.csv', CSV);
