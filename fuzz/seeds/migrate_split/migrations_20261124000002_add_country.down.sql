ALTER TABLE events DROP COLUMN country;
