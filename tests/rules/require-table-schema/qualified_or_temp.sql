CREATE TABLE public.my_table (id int);
ALTER TABLE public.my_table ADD COLUMN name text;
DROP TABLE public.my_table;
CREATE TEMP TABLE scratch (id int) ON COMMIT DROP;
CREATE TEMPORARY TABLE other_temp (id int);
CREATE TEMP TABLE mapping AS SELECT 1;
