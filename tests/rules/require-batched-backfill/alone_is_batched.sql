-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int);
-- ==== migration: 002_backfill
SET statement_timeout = 0;
UPDATE users SET a = 0;
