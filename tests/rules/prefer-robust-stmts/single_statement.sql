-- settings: deployed_by_lockstep=false
ALTER TABLE core_foo ADD COLUMN answer_id integer;
