-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
ALTER TABLE users ADD CONSTRAINT users_a_nn CHECK (a IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_a_nn;
ALTER TABLE users ADD CONSTRAINT users_b_nn CHECK (b IS NOT NULL AND b > 0);
-- ==== migration: 002_not_null
-- PostgreSQL 12+: a valid CHECK (col IS NOT NULL) lets SET NOT NULL skip the scan.
ALTER TABLE users ALTER COLUMN a SET NOT NULL;
ALTER TABLE users ALTER COLUMN b SET NOT NULL;
-- Already NOT NULL.
ALTER TABLE users ALTER COLUMN id SET NOT NULL;
-- Created in this migration: nobody else sees it.
CREATE TABLE fresh (id bigint, n int);
ALTER TABLE fresh ALTER COLUMN n SET NOT NULL;
