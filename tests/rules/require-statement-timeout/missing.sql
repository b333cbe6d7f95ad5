-- settings: deployed_by_lockstep=false
-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, email text, a int, b int);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, editor_id bigint, title text);
CREATE INDEX posts_editor_idx ON posts (editor_id, title);
-- ==== migration: 002_alter
SELECT 1;
ALTER TABLE users ADD COLUMN c int;  -- expect: require-statement-timeout
-- One finding per file: the first statement that needed it.
ALTER TABLE users ADD COLUMN d int;
