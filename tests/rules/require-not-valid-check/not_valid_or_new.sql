-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_check
ALTER TABLE users ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT a_pos;
CREATE TABLE fresh (id bigint, n int);
ALTER TABLE fresh ADD CONSTRAINT n_pos CHECK (n > 0);
