-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, email text, org bigint);
CREATE INDEX t_email_idx ON t (email);
CREATE UNIQUE INDEX t_org_email_idx ON t (org, email);
-- ==== migration: 002_indexes
CREATE INDEX t_email_desc ON t (email DESC);
CREATE INDEX t_email_partial ON t (email) WHERE org IS NOT NULL;
CREATE INDEX t_email_lower ON t (lower(email));
CREATE INDEX t_email_hash ON t USING hash (email);
CREATE UNIQUE INDEX t_email_key ON t (email);
CREATE INDEX t_org_idx ON t (org);
CREATE INDEX t_email_org ON t (email, org);
-- IF NOT EXISTS on an existing name is a no-op, not a second index.
CREATE INDEX IF NOT EXISTS t_email_idx ON t (email);
-- Prisma changes a primary key by dropping and re-adding it in one statement.
ALTER TABLE t DROP CONSTRAINT t_pkey, ALTER COLUMN id SET DATA TYPE text, ADD CONSTRAINT t_pkey PRIMARY KEY (id);
