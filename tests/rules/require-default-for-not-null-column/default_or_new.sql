-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_required
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN note text;
ALTER TABLE users ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (a + b) STORED NOT NULL;
-- Created in this migration: it has no rows.
CREATE TABLE fresh (id bigint);
ALTER TABLE fresh ADD COLUMN tenant_id bigint NOT NULL;
