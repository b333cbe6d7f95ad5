-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, email text, org bigint);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_org_email_idx ON t (org, email);
-- ==== migration: 002_indexes
CREATE INDEX t_email_again ON t (email);  -- expect: ban-duplicate-index
CREATE INDEX ON t (id);  -- expect: ban-duplicate-index
CREATE INDEX CONCURRENTLY t_org_email_plain ON t (org, email);  -- expect: ban-duplicate-index
ALTER TABLE t ADD CONSTRAINT t_org_email_key UNIQUE (org, email);  -- expect: ban-duplicate-index@19
