-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, email text, org bigint);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_org_email_idx ON t (org, email);
-- ==== migration: 002_rename
ALTER TABLE t RENAME TO things;  -- expect: ban-rename-table
