-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_check
ALTER TABLE users ADD CONSTRAINT a_pos CHECK (a > 0);  -- expect: require-not-valid-check@23
ALTER TABLE users ADD COLUMN c int CHECK (c > 0);  -- expect: require-not-valid-check@36
ALTER TABLE unknown_table ADD CHECK (x <> '');  -- expect: require-not-valid-check@31
