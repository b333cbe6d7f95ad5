-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, email text, org bigint);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_org_email_idx ON t (org, email);
-- ==== migration: 002_columns
ALTER TABLE t ADD COLUMN c int;
ALTER TABLE t ADD COLUMN d int;
CREATE TABLE fresh (id bigint, n int);
ALTER TABLE fresh ADD CONSTRAINT n_pos CHECK (n > 0);
ALTER TABLE fresh ADD CONSTRAINT n_small CHECK (n < 10);
