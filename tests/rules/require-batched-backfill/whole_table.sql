-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_backfill
UPDATE users SET a = 0;  -- expect: require-batched-backfill
DELETE FROM posts;  -- expect: require-batched-backfill
UPDATE users SET b = (SELECT max(id) FROM posts WHERE posts.author_id = users.id);  -- expect: require-batched-backfill
