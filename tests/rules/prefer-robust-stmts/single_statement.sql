ALTER TABLE core_foo ADD COLUMN answer_id integer;
