-- needs: grammar 18
-- settings: pg_version=16
-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, n int, s int GENERATED ALWAYS AS (n * 2) STORED);
-- ==== migration: 002_change
ALTER TABLE t ALTER COLUMN s SET EXPRESSION AS (n * 3);  -- expect: ban-syntax-newer-than-target
