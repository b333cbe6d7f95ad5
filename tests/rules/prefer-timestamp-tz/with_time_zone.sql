CREATE TABLE t (a timestamptz, b timestamp with time zone, c TIMESTAMPTZ(3), d date, e time);
