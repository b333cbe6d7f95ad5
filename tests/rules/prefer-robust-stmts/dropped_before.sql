-- settings: deployed_by_lockstep=false
-- The nearest earlier ALTER TABLE of the same table (as written) that adds or drops the constraint
-- decides; within one statement, the first such sub-command.
SELECT 1;
ALTER TABLE a DROP CONSTRAINT IF EXISTS a_k;
ALTER TABLE a ADD CONSTRAINT a_k UNIQUE (id);
ALTER TABLE a ADD CONSTRAINT a_k UNIQUE (id);  -- expect: prefer-robust-stmts
ALTER TABLE b ADD CONSTRAINT a_k UNIQUE (id);  -- expect: prefer-robust-stmts
ALTER TABLE a DROP CONSTRAINT a_k;  -- expect: prefer-robust-stmts
ALTER TABLE a ADD CONSTRAINT a_k UNIQUE (id);  -- expect: prefer-robust-stmts
ALTER TABLE a DROP CONSTRAINT IF EXISTS a_k, ADD CONSTRAINT a_k UNIQUE (id);  -- expect: prefer-robust-stmts
ALTER TABLE a ADD CONSTRAINT a_k UNIQUE (id);
ALTER TABLE public.a DROP CONSTRAINT IF EXISTS a_j;
ALTER TABLE a ADD CONSTRAINT a_j UNIQUE (id);  -- expect: prefer-robust-stmts
