-- settings: pg_version=10
ALTER TABLE t ADD COLUMN flag boolean NOT NULL DEFAULT false;  -- expect: avoid-rewrite-on-add-column@56
