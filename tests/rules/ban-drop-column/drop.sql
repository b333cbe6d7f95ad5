-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_drop
ALTER TABLE t DROP COLUMN legacy;  -- expect: ban-drop-column@15
ALTER TABLE unknown_table DROP COLUMN IF EXISTS x CASCADE;  -- expect: ban-drop-column
