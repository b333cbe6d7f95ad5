-- settings: pg_version=18
-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, a int, b int);
ALTER TABLE users ADD CONSTRAINT users_a_not_null NOT NULL a NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_a_not_null;
-- ==== migration: 002_not_null
-- PostgreSQL 18: the validated NOT NULL constraint is the column's NOT NULL already.
ALTER TABLE users ALTER COLUMN a SET NOT NULL;
ALTER TABLE users ALTER COLUMN b SET NOT NULL;  -- expect: require-check-before-set-not-null
