-- settings: assume_in_transaction=true
-- In an implicit transaction (one multi-statement query), BEGIN turns it explicit: no warning.
BEGIN;
SELECT 1;
COMMIT;
