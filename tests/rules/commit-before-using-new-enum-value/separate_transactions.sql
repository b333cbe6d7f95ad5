-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active');
CREATE TABLE t (id bigint, s status);
-- ==== migration: 002_archived
-- Without a transaction around the file, each statement commits before the next.
ALTER TYPE status ADD VALUE 'archived';
UPDATE t SET s = 'archived' WHERE id = 1;
BEGIN;
ALTER TYPE status ADD VALUE 'deleted';
COMMIT;
UPDATE t SET s = 'deleted' WHERE id = 2;
