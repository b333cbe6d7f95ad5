-- The packages of one Prisma 8 run are ONE transaction (docs/prisma.md): a value added by one
-- package cannot be used by a later one. Reported at its first use only, as in one file.
-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active');
CREATE TABLE t (id bigint PRIMARY KEY, s status);
-- ==== package: 20260302T0900_archived
BEGIN;
ALTER TYPE status ADD VALUE 'archived';
-- ==== package: 20260303T0800_default
ALTER TABLE t ALTER COLUMN s SET DEFAULT 'archived';  -- expect: commit-before-using-new-enum-value@42
-- ==== package: 20260304T0800_use
UPDATE t SET s = 'archived' WHERE id = 1;
COMMIT;
