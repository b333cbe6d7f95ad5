-- The history does not know foo; the proof is in the file itself.
BEGIN;
ALTER TABLE foo ADD COLUMN bar BIGINT;
ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;
COMMIT;
BEGIN;
ALTER TABLE foo VALIDATE CONSTRAINT bar_not_null;
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
ALTER TABLE foo DROP CONSTRAINT bar_not_null;
COMMIT;
-- A constraint neither the history nor this file knows, validated just before, named after
-- the column: the pattern split across migrations.
ALTER TABLE baz VALIDATE CONSTRAINT baz_qux_not_null;
ALTER TABLE baz ALTER COLUMN qux SET NOT NULL;
