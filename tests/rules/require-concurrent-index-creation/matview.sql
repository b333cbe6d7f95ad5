-- ==== migration: 001_init
CREATE MATERIALIZED VIEW totals AS SELECT 1 AS id;
-- ==== migration: 002_index
-- A materialized view takes no writes: SHARE only holds off its REFRESH.
CREATE UNIQUE INDEX totals_id_key ON totals (id);
