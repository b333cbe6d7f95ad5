-- settings: assume_in_transaction=true
-- A tool's transaction around a one-statement file is no transaction block.
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);
