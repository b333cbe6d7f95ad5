CREATE TABLE events (id bigint, payload json);  -- expect: prefer-jsonb@41
ALTER TABLE events ADD COLUMN meta json NOT NULL DEFAULT '{}';  -- expect: prefer-jsonb@36
ALTER TABLE events ALTER COLUMN payload TYPE json;  -- expect: prefer-jsonb@46
