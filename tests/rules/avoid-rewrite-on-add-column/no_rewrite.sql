-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, name varchar(50), price numeric(10,2), ts timestamp);
-- ==== migration: 002_add
-- Constant and stable defaults are stored in the catalog (PostgreSQL 11+): no rewrite.
ALTER TABLE t ADD COLUMN c1 int;
ALTER TABLE t ADD COLUMN c2 int NOT NULL DEFAULT 0;
ALTER TABLE t ADD COLUMN c3 timestamptz NOT NULL DEFAULT now();
ALTER TABLE t ADD COLUMN c4 timestamptz DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE t ADD COLUMN c5 jsonb DEFAULT '{}'::jsonb;
ALTER TABLE t ADD COLUMN c6 text[] DEFAULT ARRAY['a', 'b']::text[];
ALTER TABLE t ADD COLUMN c7 int DEFAULT 2 + 2;
ALTER TABLE t ADD COLUMN c8 timestamptz DEFAULT now() - interval '1 day';
ALTER TABLE t ADD COLUMN c9 text DEFAULT NULL;
-- A table created in this migration has no rows and no readers: rewriting it is harmless.
CREATE TABLE fresh (id bigint);
ALTER TABLE fresh ADD COLUMN u uuid DEFAULT gen_random_uuid();
ALTER TABLE fresh ADD COLUMN n bigserial;
