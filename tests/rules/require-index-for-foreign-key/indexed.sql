-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_fk
-- An index in the history covers it.
ALTER TABLE posts ADD CONSTRAINT posts_editor_fk FOREIGN KEY (editor_id) REFERENCES users (id) NOT VALID;
-- The same statement's primary key covers it.
CREATE TABLE post_tags (post_id bigint REFERENCES posts (id), tag text, PRIMARY KEY (post_id, tag));
-- A later statement of this migration creates the index.
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint, CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id));
CREATE INDEX comments_post_idx ON comments (post_id);
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;
CREATE INDEX CONCURRENTLY posts_author_idx ON posts (author_id);
