-- settings: assume_in_transaction=true
-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active');
CREATE TABLE t (id bigint, s status);
-- ==== migration: 002_archived
ALTER TYPE status ADD VALUE 'archived';
UPDATE t SET s = 'archived' WHERE id = 1;  -- expect: commit-before-using-new-enum-value@18
