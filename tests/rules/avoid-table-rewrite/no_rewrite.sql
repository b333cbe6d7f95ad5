-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_maintenance
VACUUM t;
VACUUM (FULL false) t;
VACUUM ANALYZE t;
ANALYZE t;
ALTER TABLE t SET (fillfactor = 70);
-- A table created in this migration is nobody else's yet.
CREATE TABLE fresh (id bigint);
VACUUM FULL fresh;
ALTER TABLE fresh SET UNLOGGED;
