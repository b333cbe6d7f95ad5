-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, name varchar(50), price numeric(10,2), ts timestamp);
-- ==== migration: 002_types
ALTER TABLE t ALTER COLUMN a TYPE bigint;  -- expect: avoid-rewriting-type-change@15
ALTER TABLE t ALTER COLUMN name TYPE varchar(20);  -- expect: avoid-rewriting-type-change
ALTER TABLE t ALTER COLUMN price TYPE numeric(10,4);  -- expect: avoid-rewriting-type-change
ALTER TABLE t ALTER COLUMN b TYPE text USING b::text;  -- expect: avoid-rewriting-type-change
-- The history does not know this table: the change is assumed to rewrite.
ALTER TABLE unknown_table ALTER COLUMN x TYPE text;  -- expect: avoid-rewriting-type-change
-- Only the rewriting sub-command is reported.
ALTER TABLE t ALTER COLUMN name TYPE text, ALTER COLUMN id TYPE int;  -- expect: avoid-rewriting-type-change@44
