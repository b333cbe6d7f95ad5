-- settings: deployed_by_lockstep=false
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN c int;
LOCK TABLE users IN ACCESS EXCLUSIVE MODE;
