-- needs: grammar 18
-- settings: pg_version=17
-- ==== migration: 001_init
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, n int, p_id bigint);
-- ==== migration: 002_change
ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL;  -- expect: ban-syntax-newer-than-target
ALTER TABLE t ADD COLUMN e int GENERATED ALWAYS AS (n * 2);  -- expect: ban-syntax-newer-than-target
ALTER TABLE t ADD CONSTRAINT n_positive CHECK (n > 0) NOT ENFORCED;  -- expect: ban-syntax-newer-than-target
ALTER TABLE t ADD CONSTRAINT n_not_null NOT NULL n NOT VALID;  -- expect: ban-syntax-newer-than-target
ALTER TABLE t ADD COLUMN q bigint REFERENCES p (id) NOT ENFORCED;  -- expect: ban-syntax-newer-than-target
CREATE TABLE u (id bigint PRIMARY KEY, v int GENERATED ALWAYS AS (id) VIRTUAL);  -- expect: ban-syntax-newer-than-target
