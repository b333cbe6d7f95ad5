-- ==== migration: 001_init
CREATE TABLE items (id bigint, name text);
CREATE UNIQUE INDEX items_id_idx ON items (id);
-- ==== migration: 002_pk
ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_id_idx;  -- expect: require-not-null-before-primary-key@23
