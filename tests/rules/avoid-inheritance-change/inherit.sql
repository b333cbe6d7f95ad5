-- ==== migration: 001_init
CREATE TABLE parent (id bigint);
CREATE TABLE child (id bigint);
-- ==== migration: 002_inherit
ALTER TABLE child INHERIT parent;  -- expect: avoid-inheritance-change@19
ALTER TABLE child NO INHERIT parent;  -- expect: avoid-inheritance-change@19
