-- ==== migration: 001_init
CREATE SCHEMA billing;
CREATE TABLE billing."Invoice" (id bigint PRIMARY KEY);
-- ==== migration: 002_rename
ALTER SCHEMA billing RENAME TO accounting;  -- expect: ban-rename-schema
