-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_index
CREATE INDEX users_email_idx ON users (email);  -- expect: require-concurrent-index-creation@1
CREATE UNIQUE INDEX ON users (a);  -- expect: require-concurrent-index-creation
CREATE INDEX ON unknown_table (x);  -- expect: require-concurrent-index-creation
