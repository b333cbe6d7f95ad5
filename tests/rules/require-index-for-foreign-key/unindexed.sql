-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_fk
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;  -- expect: require-index-for-foreign-key@23
CREATE TABLE comments (
  id bigint PRIMARY KEY,
  post_id bigint REFERENCES posts (id)  -- expect: require-index-for-foreign-key@18
);
-- posts_editor_idx starts with editor_id, not with title.
ALTER TABLE posts ADD CONSTRAINT posts_title_fk FOREIGN KEY (title) REFERENCES titles (t) NOT VALID;  -- expect: require-index-for-foreign-key
