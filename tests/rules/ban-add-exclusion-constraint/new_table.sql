-- ==== migration: 001_init
CREATE TABLE t (id bigint PRIMARY KEY, a int, legacy text, r tsrange);
CREATE INDEX t_a_idx ON t (a);
-- ==== migration: 002_exclude
CREATE TABLE bookings (r tsrange, EXCLUDE USING gist (r WITH &&));
CREATE TABLE rooms (r tsrange);
ALTER TABLE rooms ADD CONSTRAINT rooms_no_overlap EXCLUDE USING gist (r WITH &&);
ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;
