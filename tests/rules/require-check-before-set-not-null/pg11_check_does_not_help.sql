-- settings: pg_version=11
-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
ALTER TABLE users ADD CONSTRAINT users_a_nn CHECK (a IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_a_nn;
-- ==== migration: 002_not_null
ALTER TABLE users ALTER COLUMN a SET NOT NULL;  -- expect: require-check-before-set-not-null
