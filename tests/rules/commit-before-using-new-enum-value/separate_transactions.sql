-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active');
CREATE TABLE t (id bigint, s status);
-- ==== migration: 002_archived
-- Without a transaction around the file, each statement commits before the next.
ALTER TYPE status ADD VALUE 'archived';
UPDATE t SET s = 'archived' WHERE id = 1;
BEGIN;
ALTER TYPE status ADD VALUE 'deleted';
COMMIT;
UPDATE t SET s = 'deleted' WHERE id = 2;
-- The same label added to several enums in one transaction (civitai does this): not a use.
BEGIN;
ALTER TYPE status ADD VALUE IF NOT EXISTS 'model3d';
ALTER TYPE kind ADD VALUE IF NOT EXISTS 'model3d';
COMMIT;
-- A trigger argument that happens to spell the value is not a use either.
BEGIN;
ALTER TYPE status ADD VALUE 'comment';
CREATE TRIGGER t_moderation AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION enqueue('comment');
COMMIT;
