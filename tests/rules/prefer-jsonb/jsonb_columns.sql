CREATE TABLE events (id bigint, payload jsonb, raw text);
ALTER TABLE events ADD COLUMN meta jsonb;
