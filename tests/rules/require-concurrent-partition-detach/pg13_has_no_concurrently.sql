-- settings: pg_version=13
ALTER TABLE m DETACH PARTITION m2020;
