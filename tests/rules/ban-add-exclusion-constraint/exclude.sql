-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_exclude
ALTER TABLE t ADD CONSTRAINT no_overlap EXCLUDE USING gist (r WITH &&);  -- expect: ban-add-exclusion-constraint@19
