CREATE TABLE fresh (id bigint, nme text);
ALTER TABLE fresh RENAME COLUMN nme TO name;
ALTER TABLE t RENAME TO t2;
