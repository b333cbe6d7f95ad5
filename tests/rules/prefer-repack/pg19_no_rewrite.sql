-- settings: pg_version=19
VACUUM foo;
VACUUM (FULL false) foo;
VACUUM ANALYZE foo;
VACUUM FREEZE foo;
