-- ==== migration: 001_init
CREATE MATERIALIZED VIEW totals AS SELECT 1 AS id;
-- ==== migration: 002_refresh
REFRESH MATERIALIZED VIEW totals;  -- expect: require-concurrent-refresh
