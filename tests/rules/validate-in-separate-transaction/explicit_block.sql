-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_fk
BEGIN;
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_author_fk;  -- expect: validate-in-separate-transaction@19
COMMIT;
