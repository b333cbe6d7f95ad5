BEGIN;
BEGIN;  -- expect: ban-nested-transaction
SELECT 1;
COMMIT;
COMMIT;  -- expect: ban-nested-transaction
ROLLBACK;  -- expect: ban-nested-transaction
