CREATE TABLE fresh (id bigint);
ALTER TABLE fresh RENAME TO fresher;
ALTER INDEX some_idx RENAME TO other_idx;
ALTER TABLE t RENAME COLUMN a TO b;
