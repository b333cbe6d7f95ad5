-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, email text, org bigint);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_org_email_idx ON t (org, email);
-- ==== migration: 002_checks
ALTER TABLE t ADD CONSTRAINT a_pos CHECK (a > 0);
ALTER TABLE t ADD CONSTRAINT b_pos CHECK (b > 0);  -- expect: combine-alter-table-statements
