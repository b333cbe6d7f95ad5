-- lockstep deploy runs these statements in one transaction and resumes a failed migration from
-- the step that failed: a rerun never repeats them, so nothing needs a guard.
SELECT 1;
CREATE TABLE core_bar (id bigint);
CREATE INDEX core_bar_idx ON core_bar (id);
ALTER TABLE core_foo ADD COLUMN answer_id integer;
ALTER TABLE core_foo DROP COLUMN old;
