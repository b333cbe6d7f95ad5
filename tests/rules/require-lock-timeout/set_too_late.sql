-- settings: deployed_by_lockstep=false
COMMENT ON COLUMN t.c IS 'an opaque id';  -- expect: require-lock-timeout
SET lock_timeout = '2s';
