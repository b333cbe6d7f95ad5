CREATE TABLE t (a text, b varchar, c character varying);
ALTER TABLE t ADD COLUMN d text;
