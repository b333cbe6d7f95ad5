BEGIN;
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);  -- expect: ban-non-transactional-statement-in-transaction
DROP INDEX CONCURRENTLY t_b_idx;  -- expect: ban-non-transactional-statement-in-transaction
REINDEX INDEX CONCURRENTLY t_c_idx;  -- expect: ban-non-transactional-statement-in-transaction
VACUUM t;  -- expect: ban-non-transactional-statement-in-transaction
COMMIT;
