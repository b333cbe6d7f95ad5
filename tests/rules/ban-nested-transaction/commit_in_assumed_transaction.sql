-- settings: assume_in_transaction=true
SELECT 1;
COMMIT;  -- expect: ban-nested-transaction
