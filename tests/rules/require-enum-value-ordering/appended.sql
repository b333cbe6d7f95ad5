-- ==== migration: 001_init
CREATE TYPE status AS ENUM ('active', 'archived');
-- ==== migration: 002_value
ALTER TYPE status ADD VALUE 'deleted';  -- expect: require-enum-value-ordering
ALTER TYPE status ADD VALUE IF NOT EXISTS 'pending';  -- expect: require-enum-value-ordering
