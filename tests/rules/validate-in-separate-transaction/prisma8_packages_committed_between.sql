-- Packages read together but committed between (not one run): the VALIDATE takes only SHARE
-- UPDATE EXCLUSIVE.
-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, a int);
-- ==== package: 20260302T0900_check
BEGIN;
ALTER TABLE users ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;
COMMIT;
-- ==== package: 20260303T0800_validate
BEGIN;
ALTER TABLE users VALIDATE CONSTRAINT a_pos;
COMMIT;
