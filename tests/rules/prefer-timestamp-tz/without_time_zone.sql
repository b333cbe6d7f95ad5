CREATE TABLE t (
  a timestamp,  -- expect: prefer-timestamp-tz@5
  b timestamp(3) without time zone,  -- expect: prefer-timestamp-tz@5
  c TIMESTAMP(3)[]  -- expect: prefer-timestamp-tz@5
);
ALTER TABLE t ALTER COLUMN d TYPE timestamp;  -- expect: prefer-timestamp-tz@35
