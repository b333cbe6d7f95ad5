-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_reindex
REINDEX TABLE users;  -- expect: require-concurrent-reindex
REINDEX INDEX posts_title_idx;  -- expect: require-concurrent-reindex
REINDEX SCHEMA public;  -- expect: require-concurrent-reindex
REINDEX DATABASE app;  -- expect: require-concurrent-reindex
