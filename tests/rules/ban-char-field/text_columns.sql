CREATE TABLE t (a varchar(100), b text, c character varying);
ALTER TABLE t ADD COLUMN d text;
