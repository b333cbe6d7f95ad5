-- Composite and range types, domains and tables are not enums.
CREATE TYPE pair AS (a int, b int);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE DOMAIN name_text AS text;
CREATE TABLE t (id bigint);
ALTER TYPE mood ADD VALUE 'angry';
