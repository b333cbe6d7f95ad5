-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_nullable
ALTER TABLE t ALTER COLUMN id DROP NOT NULL;  -- expect: ban-drop-not-null@15
