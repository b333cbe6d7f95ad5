-- ==== migration: 001_init
CREATE TABLE parent (id bigint);
-- ==== migration: 002_child
-- The child is created in this migration: nobody else can see it yet.
CREATE TABLE child (id bigint);
ALTER TABLE child INHERIT parent;
ALTER TABLE child NO INHERIT parent;
