-- settings: pg_version=17
-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, n int);
-- ==== migration: 002_change
ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (n * 2) STORED;
ALTER TABLE t ADD CONSTRAINT n_positive CHECK (n > 0) NOT VALID;
ALTER TABLE t ALTER COLUMN s SET EXPRESSION AS (n * 3);
