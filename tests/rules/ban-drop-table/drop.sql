-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_drop
DROP TABLE t;  -- expect: ban-drop-table
DROP TABLE IF EXISTS not_in_history;  -- expect: ban-drop-table
