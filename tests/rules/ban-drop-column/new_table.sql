-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_drop
CREATE TABLE scratch (id bigint, tmp int);
ALTER TABLE scratch DROP COLUMN tmp;
ALTER TABLE t ADD COLUMN extra int;
