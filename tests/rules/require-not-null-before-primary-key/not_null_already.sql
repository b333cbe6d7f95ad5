-- ==== migration: 001_init
CREATE TABLE items (id bigint NOT NULL, name text);
CREATE UNIQUE INDEX items_id_idx ON items (id);
CREATE TABLE other (id bigint);
CREATE UNIQUE INDEX other_id_idx ON other (id);
-- ==== migration: 002_pk
ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_id_idx;
ALTER TABLE other ADD CONSTRAINT other_id_key UNIQUE USING INDEX other_id_idx;
