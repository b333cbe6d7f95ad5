-- settings: deployed_by_lockstep=false
SELECT 1;
CREATE TABLE core_bar (id bigint);  -- expect: prefer-robust-stmts
CREATE INDEX core_bar_idx ON core_bar (id);  -- expect: prefer-robust-stmts
ALTER TABLE core_foo ADD COLUMN answer_id integer;  -- expect: prefer-robust-stmts@22
ALTER TABLE core_foo DROP COLUMN old;  -- expect: prefer-robust-stmts@22
ALTER TABLE core_foo DROP CONSTRAINT core_foo_idx;  -- expect: prefer-robust-stmts@22
ALTER TABLE core_foo ADD CONSTRAINT core_foo_fk FOREIGN KEY (x) REFERENCES y (id);  -- expect: prefer-robust-stmts@22
DROP INDEX CONCURRENTLY email_idx;  -- expect: prefer-robust-stmts
DROP TYPE foo;  -- expect: prefer-robust-stmts
DROP TABLE core_old;  -- expect: prefer-robust-stmts
