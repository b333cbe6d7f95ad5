-- settings: assume_in_transaction=true
-- ban-non-transactional-statement-in-transaction reports this one.
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);
ALTER TABLE t ADD COLUMN e int;
