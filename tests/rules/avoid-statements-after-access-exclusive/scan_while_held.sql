-- ==== migration: 001_init
CREATE TABLE a (id bigint PRIMARY KEY, n int);
CREATE TABLE b (id bigint PRIMARY KEY, n int);
-- ==== migration: 002_backfill
BEGIN;
ALTER TABLE a ADD COLUMN x int;
UPDATE b SET n = 0;  -- expect: avoid-statements-after-access-exclusive
ALTER TABLE a ADD CONSTRAINT n_pos CHECK (n > 0);  -- expect: avoid-statements-after-access-exclusive
COMMIT;
