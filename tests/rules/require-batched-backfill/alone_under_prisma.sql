-- settings: deployed_by_lockstep=false
-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int);
-- ==== migration: 002_backfill
UPDATE users SET a = 0;  -- expect: require-batched-backfill
