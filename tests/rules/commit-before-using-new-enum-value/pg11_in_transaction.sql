-- settings: pg_version=11
BEGIN;
ALTER TYPE status ADD VALUE 'archived';  -- expect: commit-before-using-new-enum-value
COMMIT;
