-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active');
CREATE TABLE t (id bigint, s status);
-- ==== migration: 002_archived
BEGIN;
ALTER TYPE status ADD VALUE 'archived';
ALTER TABLE t ALTER COLUMN s SET DEFAULT 'archived';  -- expect: commit-before-using-new-enum-value@42
COMMIT;
