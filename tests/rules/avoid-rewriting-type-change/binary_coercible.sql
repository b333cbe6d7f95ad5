-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, name varchar(50), price numeric(10,2), ts timestamp);
-- ==== migration: 002_types
-- Binary-coercible changes keep the table's storage: no rewrite, nothing to report.
ALTER TABLE t ALTER COLUMN name TYPE varchar(100);
ALTER TABLE t ALTER COLUMN name TYPE varchar;
ALTER TABLE t ALTER COLUMN name TYPE text;
ALTER TABLE t ALTER COLUMN price TYPE numeric(12,2);
ALTER TABLE t ALTER COLUMN price TYPE numeric;
ALTER TABLE t ALTER COLUMN ts TYPE timestamptz;
-- A table created in this migration may be rewritten freely.
CREATE TABLE fresh (id int);
ALTER TABLE fresh ALTER COLUMN id TYPE bigint;
