CREATE TABLE my_table (id int);  -- expect: require-table-schema
ALTER TABLE my_table ADD COLUMN name text;  -- expect: require-table-schema
DROP TABLE my_table;  -- expect: require-table-schema
CREATE TABLE my_copy AS SELECT 1;  -- expect: require-table-schema
