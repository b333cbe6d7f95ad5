-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_drop
DROP INDEX posts_title_idx;  -- expect: require-concurrent-index-deletion
DROP INDEX IF EXISTS not_in_history;  -- expect: require-concurrent-index-deletion
