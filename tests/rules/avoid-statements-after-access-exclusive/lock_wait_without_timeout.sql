-- settings: deployed_by_lockstep=false assume_in_transaction=true
-- ==== migration: 001_init
CREATE TABLE a (id bigint PRIMARY KEY, n int);
CREATE TABLE b (id bigint PRIMARY KEY, n int);
-- ==== migration: 002_two_tables
ALTER TABLE a ADD COLUMN x int;
ALTER TABLE b ADD COLUMN y int;  -- expect: avoid-statements-after-access-exclusive
