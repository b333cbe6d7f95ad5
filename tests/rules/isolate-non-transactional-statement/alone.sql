-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, c text, d text);
CREATE INDEX t_c_idx ON t (c);
-- ==== migration: 002_index
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);
