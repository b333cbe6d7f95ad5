-- A swap inside one transaction keeps every name a client uses (fix's type change writes it);
-- the same renames in separate transactions leave a moment without the column.
-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, c int, c_new bigint, d int, d_new bigint);
-- ==== migration: 002_swap
BEGIN;
ALTER TABLE t RENAME COLUMN c TO c_old;
ALTER TABLE t RENAME COLUMN c_new TO c;
COMMIT;
ALTER TABLE t RENAME COLUMN d TO d_old;  -- expect: ban-rename-column
ALTER TABLE t RENAME COLUMN d_new TO d;  -- expect: ban-rename-column
