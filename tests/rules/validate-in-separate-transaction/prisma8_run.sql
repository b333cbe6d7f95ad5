-- The packages of one Prisma 8 run are ONE transaction (docs/prisma.md): the NOT VALID add of one
-- package still holds its lock when a later package validates.
-- ==== migration: 001_init
CREATE TABLE users (id bigint PRIMARY KEY, a int, b int);
-- ==== package: 20260302T0900_checks
BEGIN;
ALTER TABLE users ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;
ALTER TABLE users ADD CONSTRAINT b_pos CHECK (b > 0) NOT VALID;
-- ==== package: 20260303T0800_validate_a
ALTER TABLE users VALIDATE CONSTRAINT a_pos;  -- expect: validate-in-separate-transaction@19
-- ==== package: 20260304T0800_validate_b
ALTER TABLE users VALIDATE CONSTRAINT b_pos;  -- expect: validate-in-separate-transaction@19
COMMIT;
