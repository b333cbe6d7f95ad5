-- settings: pg_version=11
-- PostgreSQL 11 added fast defaults: a constant default needs no rewrite.
ALTER TABLE t ADD COLUMN foo integer DEFAULT 10;
