-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_backfill
UPDATE users SET a = 0 WHERE id < 1000;
DELETE FROM posts WHERE author_id IS NULL;
CREATE TABLE stats (id bigint, n int);
INSERT INTO stats SELECT id, 0 FROM users;
UPDATE stats SET n = 1;
DELETE FROM stats;
