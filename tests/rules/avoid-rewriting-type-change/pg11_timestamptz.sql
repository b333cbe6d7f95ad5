-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, name varchar(50), price numeric(10,2), ts timestamp);
-- settings: pg_version=11
-- ==== migration: 002_tz
-- Before PostgreSQL 12, timestamp -> timestamptz rewrites even under UTC.
ALTER TABLE t ALTER COLUMN ts TYPE timestamptz;  -- expect: avoid-rewriting-type-change
