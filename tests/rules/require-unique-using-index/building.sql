-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_unique
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);  -- expect: require-unique-using-index@23
ALTER TABLE users ADD COLUMN handle text UNIQUE;  -- expect: require-unique-using-index@42
