-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_fk
-- Each statement commits on its own.
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_author_fk;
BEGIN;
ALTER TABLE users ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;
COMMIT;
BEGIN;
ALTER TABLE users VALIDATE CONSTRAINT a_pos;
COMMIT;
-- A table created in this migration: its lock blocks nobody.
BEGIN;
CREATE TABLE fresh (id bigint, n int);
ALTER TABLE fresh ADD CONSTRAINT n_pos CHECK (n > 0) NOT VALID;
ALTER TABLE fresh VALIDATE CONSTRAINT n_pos;
COMMIT;
