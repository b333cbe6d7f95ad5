-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY);
-- ==== migration: 002_new_schema
CREATE SCHEMA staging;
CREATE TABLE staging.t (id bigint PRIMARY KEY);
ALTER SCHEMA staging RENAME TO reporting;
ALTER TABLE t RENAME COLUMN id TO key;
