-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_maintenance
VACUUM FULL t;  -- expect: avoid-table-rewrite
VACUUM (FULL, ANALYZE) t;  -- expect: avoid-table-rewrite
CLUSTER t USING t_pkey;  -- expect: avoid-table-rewrite
CLUSTER;  -- expect: avoid-table-rewrite
ALTER TABLE t SET TABLESPACE fast_disk;  -- expect: avoid-table-rewrite@15
ALTER TABLE t SET UNLOGGED;  -- expect: avoid-table-rewrite@15
ALTER TABLE t SET LOGGED;  -- expect: avoid-table-rewrite@15
