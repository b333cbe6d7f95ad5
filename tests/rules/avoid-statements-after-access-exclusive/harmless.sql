-- ==== migration: 001_init
CREATE TABLE a (id bigint PRIMARY KEY, n int);
CREATE TABLE b (id bigint PRIMARY KEY, n int);
-- ==== migration: 002_ok
-- Without a transaction every statement commits, and releases its lock, on its own.
ALTER TABLE a ADD COLUMN x int;
UPDATE b SET n = 0;
-- In a transaction, cheap catalog changes after the lock are fine, and waiting for another
-- table's lock is bounded by the lock_timeout lockstep deploy sets.
BEGIN;
ALTER TABLE a ADD COLUMN y int;
ALTER TABLE a ALTER COLUMN y SET DEFAULT 0;
ALTER TABLE b ADD COLUMN z int;
COMMIT;
-- ACCESS EXCLUSIVE on a table created in this migration blocks nobody.
BEGIN;
CREATE TABLE c (id bigint, n int);
INSERT INTO c SELECT id, n FROM a;
UPDATE c SET n = 1;
COMMIT;
