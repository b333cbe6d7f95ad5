-- Packages read together but committed between (not one run): the value is committed before
-- its use.
-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active');
CREATE TABLE t (id bigint PRIMARY KEY, s status);
-- ==== package: 20260302T0900_archived
BEGIN;
ALTER TYPE status ADD VALUE 'archived';
COMMIT;
-- ==== package: 20260303T0800_use
BEGIN;
UPDATE t SET s = 'archived' WHERE id = 1;
COMMIT;
