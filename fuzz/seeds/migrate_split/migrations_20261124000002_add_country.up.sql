-- Where an event came from; old rows read as ''.
ALTER TABLE events ADD COLUMN country LowCardinality(String) DEFAULT '' AFTER name;
