-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_index
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
CREATE TABLE fresh (id bigint, n int);
CREATE INDEX fresh_n_idx ON fresh (n);
