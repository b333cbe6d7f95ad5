-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_required
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;  -- expect: require-default-for-not-null-column@30
ALTER TABLE unknown_table ADD COLUMN flag boolean NOT NULL;  -- expect: require-default-for-not-null-column
