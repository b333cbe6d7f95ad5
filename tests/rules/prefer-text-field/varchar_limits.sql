CREATE TABLE t (
  a varchar(100),  -- expect: prefer-text-field@5
  b character varying(20),  -- expect: prefer-text-field@5
  c pg_catalog.varchar(5)[]  -- expect: prefer-text-field@5
);
ALTER TABLE t ALTER COLUMN d TYPE varchar(256);  -- expect: prefer-text-field@35
