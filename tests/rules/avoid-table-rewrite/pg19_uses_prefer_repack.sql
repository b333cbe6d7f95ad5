-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- settings: pg_version=19
-- ==== migration: 002_repack
-- From PostgreSQL 19, prefer-repack reports these (REPACK (CONCURRENTLY) exists).
VACUUM FULL t;
CLUSTER t;
