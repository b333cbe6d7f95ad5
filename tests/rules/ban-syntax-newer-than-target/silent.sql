-- The same statements are fine on PostgreSQL 18, and their older forms on 17.
-- needs: grammar 18
-- settings: pg_version=18
-- ==== migration: 001_init
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, n int, p_id bigint);
-- ==== migration: 002_change
ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL;
ALTER TABLE t ADD CONSTRAINT n_positive CHECK (n > 0) NOT ENFORCED;
ALTER TABLE t ADD CONSTRAINT n_not_null NOT NULL n NOT VALID;
