-- settings: deployed_by_lockstep=false
SET statement_timeout = '5s';
ALTER TABLE users ADD COLUMN c int;
LOCK TABLE users IN ACCESS EXCLUSIVE MODE;
