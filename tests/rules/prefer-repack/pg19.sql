-- settings: pg_version=19
CLUSTER foo;  -- expect: prefer-repack
VACUUM FULL foo;  -- expect: prefer-repack
VACUUM (FULL) foo, bar;  -- expect: prefer-repack
CLUSTER;  -- expect: prefer-repack
