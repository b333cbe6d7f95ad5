-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int, c int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_title_idx ON posts (title);
-- ==== migration: 002_not_null
ALTER TABLE users ALTER COLUMN a SET NOT NULL;  -- expect: require-check-before-set-not-null@19
ALTER TABLE users ADD CONSTRAINT users_b_nn CHECK (b IS NOT NULL) NOT VALID;
-- Not validated yet: the CHECK proves nothing.
ALTER TABLE users ALTER COLUMN b SET NOT NULL;  -- expect: require-check-before-set-not-null
-- The history does not know this table, and nothing in this file proves the column.
ALTER TABLE unknown_table ALTER COLUMN x SET NOT NULL;  -- expect: require-check-before-set-not-null
