-- settings: deployed_by_lockstep=false
BEGIN;
CREATE TABLE core_bar (id bigint);
ALTER TABLE core_foo ADD COLUMN answer_id integer;
DROP TABLE core_old;
COMMIT;
