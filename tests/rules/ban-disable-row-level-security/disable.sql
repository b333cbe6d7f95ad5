ALTER TABLE t DISABLE ROW LEVEL SECURITY;  -- expect: ban-disable-row-level-security@15
