UPDATE k SET a = 1, b = 2, a = 3;  -- expect: ban-duplicate-column-assignments@28
UPDATE k SET (a, b) = (1, 2), a = 3;  -- expect: ban-duplicate-column-assignments@31
UPDATE k SET a = row(1, 2), a.x = 1;  -- expect: ban-duplicate-column-assignments@29
UPDATE k SET a = 1, A = 2;  -- expect: ban-duplicate-column-assignments@21
INSERT INTO t (a, b, a) VALUES (1, 2, 3);  -- expect: ban-duplicate-column-assignments@22
INSERT INTO k VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1, a = 2;  -- expect: ban-duplicate-column-assignments@64
CREATE TABLE d (
  a int,
  a text  -- expect: ban-duplicate-column-assignments
);
