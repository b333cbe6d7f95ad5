ALTER TABLE t REPLICA IDENTITY FULL;  -- expect: avoid-replica-identity-full@15
ALTER TABLE t ADD COLUMN c int, REPLICA IDENTITY FULL;  -- expect: avoid-replica-identity-full@33
