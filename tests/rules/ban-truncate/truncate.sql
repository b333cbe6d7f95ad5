-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, email text, org bigint);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_org_email_idx ON t (org, email);
-- ==== migration: 002_truncate
TRUNCATE t;  -- expect: ban-truncate
TRUNCATE TABLE unknown_table;  -- expect: ban-truncate
