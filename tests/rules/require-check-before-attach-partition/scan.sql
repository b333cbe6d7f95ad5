-- ==== migration: 001_init
CREATE TABLE m (id bigint, d date) PARTITION BY RANGE (d);
CREATE TABLE m2024 (id bigint, d date);
-- ==== migration: 002_attach
ALTER TABLE m ATTACH PARTITION m2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');  -- expect: require-check-before-attach-partition@15
