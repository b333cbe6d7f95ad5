-- settings: deployed_by_lockstep=false
COMMENT ON COLUMN t.c IS 'an opaque id';  -- expect: require-statement-timeout
SET statement_timeout = '5s';
