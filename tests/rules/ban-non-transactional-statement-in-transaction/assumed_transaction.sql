-- settings: assume_in_transaction=true
CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);  -- expect: ban-non-transactional-statement-in-transaction
ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key;
