-- The plan-vs-trace catalogue (tests/trace/catalogue_test.cc). Each case is
--
--   -- case <name> [pg>=N] [no-scan-check] [worst-case]
--   <setup: the history, replayed for real before the case>
--   -- run
--   <the migration under test: every statement is planned and traced, and must agree>
--
-- `pg>=N`: the statement needs PostgreSQL N. `no-scan-check`: the server's sequential-scan
-- counter says nothing reliable about the model's "scans" for this statement (see docs/trace.md);
-- locks, rewrites and transactional-ness are still compared. Tables get rows where PostgreSQL's
-- work depends on it, so that a scan or a rewrite has something to do. `worst-case`: the
-- statement runs SQL computed at run time; the plan must say its locks are unknown and plan every
-- lock trace sees at least as strong (it may plan more).

-- ADD COLUMN ---------------------------------------------------------------------------------

-- case add_column_nullable
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN b int;

-- case add_column_default_constant
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN b int DEFAULT 0;

-- case add_column_default_text_constant
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN status text NOT NULL DEFAULT 'active';

-- case add_column_default_now
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN created timestamptz DEFAULT now();

-- case add_column_default_current_timestamp
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN created timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- case add_column_default_random
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN r float8 DEFAULT random();

-- case add_column_default_gen_random_uuid
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN u uuid NOT NULL DEFAULT gen_random_uuid();

-- case add_column_default_clock_timestamp
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN at timestamptz DEFAULT clock_timestamp();

-- case add_column_serial
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN n serial;

-- case add_column_bigserial
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN n bigserial;

-- case add_column_identity
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;

-- case add_column_generated_stored
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN twice int GENERATED ALWAYS AS (id * 2) STORED;

-- case add_column_not_null_without_default_empty_table
CREATE TABLE t (id int PRIMARY KEY);
-- run
ALTER TABLE t ADD COLUMN b int NOT NULL;

-- case add_column_references
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN p_id int REFERENCES p (id);

-- case add_column_unique
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN code int UNIQUE;

-- case add_column_check
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN qty int DEFAULT 1 CHECK (qty > 0);

-- case add_two_columns_one_volatile
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN a int DEFAULT 0, ADD COLUMN b float8 DEFAULT random();

-- case add_column_to_table_of_this_migration
CREATE TABLE other (id int);
-- run
CREATE TABLE t (id int PRIMARY KEY);
ALTER TABLE t ADD COLUMN b float8 DEFAULT random();
CREATE INDEX t_b_idx ON t (b);

-- ALTER COLUMN TYPE -------------------------------------------------------------------------

-- case type_varchar_widen
CREATE TABLE t (id int PRIMARY KEY, name varchar(10));
INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN name TYPE varchar(20);

-- case type_varchar_widen_indexed
CREATE TABLE t (id int PRIMARY KEY, name varchar(10));
CREATE INDEX t_name_idx ON t (name);
INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN name TYPE varchar(20);

-- case type_varchar_shrink
CREATE TABLE t (id int PRIMARY KEY, name varchar(20));
INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN name TYPE varchar(10);

-- case type_varchar_to_text
CREATE TABLE t (id int PRIMARY KEY, name varchar(10));
INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN name TYPE text;

-- case type_varchar_to_unlimited_varchar
CREATE TABLE t (id int PRIMARY KEY, name varchar(10));
INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN name TYPE varchar;

-- case type_text_to_varchar_limited
CREATE TABLE t (id int PRIMARY KEY, name text);
INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN name TYPE varchar(50);

-- case type_int_to_bigint
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN n TYPE bigint;

-- case type_int_to_bigint_primary_key
CREATE TABLE t (id int PRIMARY KEY, n int);
CREATE INDEX t_n_idx ON t (n);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN id TYPE bigint;

-- case type_numeric_precision_widen
CREATE TABLE t (id int PRIMARY KEY, amount numeric(10, 2));
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN amount TYPE numeric(12, 2);

-- case type_numeric_scale_change
CREATE TABLE t (id int PRIMARY KEY, amount numeric(10, 2));
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN amount TYPE numeric(12, 4);

-- case type_numeric_to_unconstrained
CREATE TABLE t (id int PRIMARY KEY, amount numeric(10, 2));
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN amount TYPE numeric;

-- case type_timestamp_to_timestamptz
CREATE TABLE t (id int PRIMARY KEY, at timestamp);
INSERT INTO t SELECT g, now() FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE timestamptz;

-- case type_timestamptz_to_timestamp
CREATE TABLE t (id int PRIMARY KEY, at timestamptz);
INSERT INTO t SELECT g, now() FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE timestamp;

-- case type_with_using
CREATE TABLE t (id int PRIMARY KEY, code text);
INSERT INTO t SELECT g, g::text FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN code TYPE int USING code::int;

-- case type_int_to_text
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN n TYPE text;

-- NOT NULL, DEFAULT, DROP, RENAME ------------------------------------------------------------

-- case set_not_null
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN a SET NOT NULL;

-- case set_not_null_with_valid_check
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null;
-- run
ALTER TABLE t ALTER COLUMN a SET NOT NULL;

-- case set_not_null_with_not_valid_check
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID;
-- run
ALTER TABLE t ALTER COLUMN a SET NOT NULL;

-- case set_not_null_check_then_drop_check
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null;
ALTER TABLE t ALTER COLUMN a SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT t_a_not_null;

-- case drop_not_null
CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN a DROP NOT NULL;

-- case set_default
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN a SET DEFAULT 42;

-- case drop_default
CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT 42);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN a DROP DEFAULT;

-- case drop_column
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t DROP COLUMN a;

-- case drop_column_indexed
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t DROP COLUMN a;

-- case drop_column_with_foreign_key
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int REFERENCES p (id));
-- run
ALTER TABLE t DROP COLUMN p_id;

-- case rename_column
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t RENAME COLUMN a TO b;

-- case rename_table
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t RENAME TO t2;

-- case rename_index
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
-- run
ALTER INDEX t_a_idx RENAME TO t_a_index;

-- case rename_constraint
CREATE TABLE t (id int PRIMARY KEY, a int CONSTRAINT a_positive CHECK (a > 0));
-- run
ALTER TABLE t RENAME CONSTRAINT a_positive TO a_is_positive;

-- CONSTRAINTS --------------------------------------------------------------------------------

-- case add_check
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0);

-- case add_check_not_valid
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID;

-- case validate_check
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID;
-- run
ALTER TABLE t VALIDATE CONSTRAINT a_positive;

-- case drop_check
CREATE TABLE t (id int PRIMARY KEY, a int CONSTRAINT a_positive CHECK (a > 0));
-- run
ALTER TABLE t DROP CONSTRAINT a_positive;

-- case add_foreign_key no-scan-check
-- The validation query joins both tables; the planner decides which are scanned sequentially.
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO c SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id);

-- case add_foreign_key_not_valid
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO c SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;

-- case validate_foreign_key no-scan-check
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO c SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;
-- run
ALTER TABLE c VALIDATE CONSTRAINT c_p_fk;

-- case add_foreign_key_then_validate_same_migration no-scan-check
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO c SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;
ALTER TABLE c VALIDATE CONSTRAINT c_p_fk;

-- case drop_foreign_key
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int CONSTRAINT c_p_fk REFERENCES p (id));
-- run
ALTER TABLE c DROP CONSTRAINT c_p_fk;

-- case add_unique
CREATE TABLE t (id int PRIMARY KEY, code int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE (code);

-- case add_primary_key
CREATE TABLE t (id int NOT NULL, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD PRIMARY KEY (id);

-- case add_primary_key_nullable_column
CREATE TABLE t (id int, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id);

-- case add_unique_using_index
CREATE TABLE t (id int PRIMARY KEY, code int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
CREATE UNIQUE INDEX t_code_idx ON t (code);
-- run
ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE USING INDEX t_code_idx;

-- case add_primary_key_using_index
CREATE TABLE t (id int NOT NULL, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
CREATE UNIQUE INDEX t_id_idx ON t (id);
-- run
ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;

-- case add_primary_key_using_index_nullable
CREATE TABLE t (id int, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
CREATE UNIQUE INDEX t_id_idx ON t (id);
-- run
ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;

-- case add_exclusion_constraint
CREATE TABLE t (id int PRIMARY KEY, during int4range);
INSERT INTO t SELECT g, int4range(g, g + 1) FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_no_overlap EXCLUDE USING gist (during WITH &&);

-- INDEXES ------------------------------------------------------------------------------------

-- case create_index
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
CREATE INDEX t_a_idx ON t (a);

-- case create_unique_index
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
CREATE UNIQUE INDEX t_a_key ON t (a);

-- case create_index_gin
CREATE TABLE t (id int PRIMARY KEY, data jsonb);
INSERT INTO t SELECT g, jsonb_build_object('k', g) FROM generate_series(1, 100) g;
-- run
CREATE INDEX t_data_idx ON t USING gin (data jsonb_path_ops);

-- case create_index_on_new_table
CREATE TABLE other (id int);
-- run
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);

-- case create_index_concurrently
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
-- run
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);

-- case create_unique_index_concurrently
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
-- run
CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);

-- case drop_index
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
-- run
DROP INDEX t_a_idx;

-- case drop_index_concurrently
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
-- run
DROP INDEX CONCURRENTLY t_a_idx;

-- case reindex_index
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
REINDEX INDEX t_a_idx;

-- case reindex_table
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
REINDEX TABLE t;

-- case reindex_index_concurrently
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
-- run
REINDEX INDEX CONCURRENTLY t_a_idx;

-- case reindex_table_concurrently
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
-- run
REINDEX TABLE CONCURRENTLY t;

-- case cluster_on_index
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
-- run
ALTER TABLE t CLUSTER ON t_a_idx;

-- TRIGGERS -----------------------------------------------------------------------------------

-- case create_trigger
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- run
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();

-- case disable_trigger
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
-- run
ALTER TABLE t DISABLE TRIGGER t_touch;

-- case enable_trigger
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE t DISABLE TRIGGER t_touch;
-- run
ALTER TABLE t ENABLE TRIGGER t_touch;

-- case drop_trigger
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
-- run
DROP TRIGGER t_touch ON t;

-- PARTITIONS ---------------------------------------------------------------------------------

-- case create_table_partition_of
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
-- run
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case attach_partition
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 (id int, at date NOT NULL);
INSERT INTO m_2024 SELECT g, date '2024-01-01' + g FROM generate_series(1, 100) g;
-- run
ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case attach_partition_with_implying_check
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 (id int, at date NOT NULL,
  CONSTRAINT m_2024_bound CHECK (at >= '2024-01-01' AND at < '2025-01-01'));
INSERT INTO m_2024 SELECT g, date '2024-01-01' + g FROM generate_series(1, 100) g;
-- run
ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case detach_partition
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- run
ALTER TABLE m DETACH PARTITION m_2024;

-- case detach_partition_concurrently pg>=14
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO m SELECT g, date '2024-01-01' + g FROM generate_series(1, 100) g;
-- run
ALTER TABLE m DETACH PARTITION m_2024 CONCURRENTLY;

-- case create_partitioned_table_and_partition
CREATE TABLE other (id int);
-- run
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- ENUMS AND TYPES ----------------------------------------------------------------------------

-- case create_enum
CREATE TABLE other (id int);
-- run
CREATE TYPE mood AS ENUM ('sad', 'ok');

-- case alter_enum_add_value
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE t (id int PRIMARY KEY, m mood);
-- run
ALTER TYPE mood ADD VALUE 'happy';

-- case alter_enum_add_value_before
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE t (id int PRIMARY KEY, m mood);
-- run
ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';

-- case add_enum_column
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN m mood NOT NULL DEFAULT 'ok';

-- TABLES -------------------------------------------------------------------------------------

-- case create_table
CREATE TABLE other (id int);
-- run
CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL);

-- case create_table_with_foreign_key
CREATE TABLE p (id int PRIMARY KEY);
-- run
CREATE TABLE c (id int PRIMARY KEY, p_id int NOT NULL REFERENCES p (id) ON DELETE CASCADE);

-- case create_table_like
CREATE TABLE p (id int PRIMARY KEY, a int);
-- run
CREATE TABLE c (LIKE p INCLUDING ALL);

-- case drop_table
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
-- run
DROP TABLE t;

-- case drop_table_with_foreign_key
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));
-- run
DROP TABLE c;

-- case drop_referenced_table_cascade
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));
-- run
DROP TABLE p CASCADE;

-- case truncate
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
TRUNCATE t;

-- case truncate_cascade
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));
INSERT INTO p SELECT g FROM generate_series(1, 10) g;
INSERT INTO c SELECT g, g FROM generate_series(1, 10) g;
-- run
TRUNCATE p CASCADE;

-- case vacuum_full
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
-- run
VACUUM FULL t;

-- case vacuum no-scan-check
-- VACUUM reads the heap through its own code path, which the sequential-scan counter ignores.
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 2000) g;
DELETE FROM t WHERE id % 2 = 0;
-- run
VACUUM t;

-- case cluster
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
CLUSTER t USING t_pkey;

-- case set_unlogged
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t SET UNLOGGED;

-- case set_logged
CREATE UNLOGGED TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t SET LOGGED;

-- case set_fillfactor
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t SET (fillfactor = 70);

-- case set_autovacuum_option
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t SET (autovacuum_vacuum_scale_factor = 0.01);

-- case set_statistics
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t ALTER COLUMN a SET STATISTICS 500;

-- case set_storage
CREATE TABLE t (id int PRIMARY KEY, a text);
-- run
ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL;

-- case replica_identity_full
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t REPLICA IDENTITY FULL;

-- case set_schema
CREATE SCHEMA archive;
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
ALTER TABLE t SET SCHEMA archive;

-- case enable_row_level_security
CREATE TABLE t (id int PRIMARY KEY, owner text);
-- run
ALTER TABLE t ENABLE ROW LEVEL SECURITY;

-- case create_policy
CREATE TABLE t (id int PRIMARY KEY, owner text);
-- run
CREATE POLICY t_own ON t USING (owner = current_user);

-- case comment_on_table
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
COMMENT ON TABLE t IS 'the t table';

-- case comment_on_column
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
COMMENT ON COLUMN t.a IS 'the a column';

-- VIEWS --------------------------------------------------------------------------------------

-- case create_view
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
CREATE VIEW v AS SELECT id, a FROM t WHERE a > 0;

-- case create_materialized_view no-scan-check
-- How the query reads its tables is the planner's choice (a seq scan here, an index elsewhere).
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t GROUP BY a;

-- case create_materialized_view_with_no_data
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t GROUP BY a WITH NO DATA;

-- case create_table_as no-scan-check
-- As for a materialized view: the query's plan decides.
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
CREATE TABLE t_copy AS SELECT * FROM t WHERE a > 10;

-- case create_view_with_cte
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
CREATE VIEW v AS WITH big AS (SELECT * FROM t WHERE a > 10) SELECT count(*) FROM big;

-- case refresh_materialized_view no-scan-check
-- The query is re-run (planner's choice); CONCURRENTLY also reads the view to diff it.
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t GROUP BY a;
CREATE UNIQUE INDEX mv_a_idx ON mv (a);
-- run
REFRESH MATERIALIZED VIEW mv;

-- case refresh_materialized_view_concurrently no-scan-check
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t GROUP BY a;
CREATE UNIQUE INDEX mv_a_idx ON mv (a);
-- run
REFRESH MATERIALIZED VIEW CONCURRENTLY mv;

-- DATA AND EXPLICIT LOCKS --------------------------------------------------------------------

-- case insert_rows
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON t (a);
-- run
INSERT INTO t (id, a) VALUES (1, 1), (2, 2);

-- case update_all_rows
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
UPDATE t SET a = a + 1;

-- case delete_all_rows
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
DELETE FROM t;

-- case lock_table
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE;

-- MIGRATION STRUCTURE ------------------------------------------------------------------------

-- case explicit_transaction_block
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
BEGIN;
ALTER TABLE t ADD COLUMN b int;
CREATE INDEX t_a_idx ON t (a);
COMMIT;

-- case lock_timeout_then_statement
CREATE TABLE t (id int PRIMARY KEY, a int);
-- run
SET lock_timeout = '5s';
ALTER TABLE t ADD COLUMN b int;

-- MORE VARIANTS ------------------------------------------------------------------------------

-- case drop_table_with_serial_column
CREATE TABLE t (id serial PRIMARY KEY, a int);
-- run
DROP TABLE t;

-- case identity_column_to_bigint
CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int);
INSERT INTO t (a) SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN id TYPE bigint;

-- case add_foreign_key_to_table_of_this_migration no-scan-check
CREATE TABLE p (id int PRIMARY KEY);
-- run
CREATE TABLE c (id int PRIMARY KEY, p_id int);
ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id);

-- case set_not_null_on_table_of_this_migration
CREATE TABLE other (id int);
-- run
CREATE TABLE t (id int PRIMARY KEY, a int);
ALTER TABLE t ALTER COLUMN a SET NOT NULL;

-- case several_subcommands
CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(10));
CREATE INDEX t_b_idx ON t (b);
INSERT INTO t SELECT g, g, 'x' FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN c int DEFAULT 0, ALTER COLUMN a SET NOT NULL, ALTER COLUMN b TYPE text;

-- case create_index_on_partitioned_table
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- run
CREATE INDEX m_at_idx ON m (at);

-- case attach_partition_to_indexed_parent
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE INDEX m_at_idx ON m (at);
CREATE TABLE m_2024 (id int, at date NOT NULL);
INSERT INTO m_2024 SELECT g, date '2024-01-01' + g FROM generate_series(1, 100) g;
-- run
ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case drop_index_if_exists_missing
CREATE TABLE t (id int PRIMARY KEY);
-- run
DROP INDEX IF EXISTS no_such_index;

-- case truncate_restart_identity
CREATE TABLE t (id serial PRIMARY KEY, a int);
INSERT INTO t (a) SELECT g FROM generate_series(1, 100) g;
-- run
TRUNCATE t RESTART IDENTITY;

-- case serial_column_to_bigint
CREATE TABLE t (id serial PRIMARY KEY, a int);
INSERT INTO t (a) SELECT g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN id TYPE bigint;

-- case create_index_only_on_partitioned_table
CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- run
CREATE INDEX m_at_idx ON ONLY m (at);

-- A migration's own SET TRANSACTION (issue 12 item 10) ------------------------------------------

-- case set_transaction_isolation_first
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
UPDATE t SET a = a + 1;

-- DO blocks and routines (issue 12 item 8) ---------------------------------------------------

-- case do_block_add_foreign_key no-scan-check
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 't_p_fkey') THEN
    ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id);
  END IF;
END $$;

-- case do_block_several_statements
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
DO $do$
DECLARE
  n int;
BEGIN
  ALTER TABLE t ADD COLUMN b int;
  CREATE INDEX t_a_idx ON t (a);
  UPDATE t SET b = a WHERE b IS NULL;
  PERFORM count(*) FROM t;
END
$do$;

-- case do_block_execute_constant
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
DO $$ BEGIN EXECUTE 'CREATE INDEX t_a_idx ON t (a)'; END $$;

-- case do_block_execute_dynamic worst-case
CREATE TABLE "User" (id int PRIMARY KEY, a int);
INSERT INTO "User" SELECT g, g FROM generate_series(1, 100) g;
-- run
DO $$
DECLARE
  tab text := 'User';
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN b int', tab);
END $$;

-- case call_procedure_created_in_the_migration
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
CREATE PROCEDURE add_b() LANGUAGE plpgsql AS $$
BEGIN
  ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;
END $$;
CALL add_b();

-- case select_sql_function_of_the_history
CREATE TABLE t (id int PRIMARY KEY, a int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
CREATE FUNCTION bump() RETURNS void LANGUAGE sql AS $$ UPDATE t SET a = a + 1 $$;
-- run
SELECT bump();

-- Missed or wrong before issue 12 item 9 ---------------------------------------------------------

-- case create_or_replace_view
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE VIEW v AS SELECT id FROM t;
-- run
CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;

-- case create_statistics
CREATE TABLE t (id int PRIMARY KEY, a int, b int);
-- run
CREATE STATISTICS t_ab ON a, b FROM t;

-- case drop_statistics
CREATE TABLE t (id int PRIMARY KEY, a int, b int);
CREATE STATISTICS t_ab ON a, b FROM t;
-- run
DROP STATISTICS t_ab;

-- case drop_type_cascade
CREATE TYPE "Role" AS ENUM ('A', 'B');
CREATE TABLE u (id int PRIMARY KEY, role "Role");
CREATE INDEX u_role_idx ON u (role);
CREATE TABLE w (id int PRIMARY KEY, label text DEFAULT 'A'::"Role"::text);
CREATE TABLE other (id int PRIMARY KEY);
INSERT INTO u SELECT g, 'A' FROM generate_series(1, 100) g;
-- run
DROP TYPE "Role" CASCADE;
ALTER TABLE u ADD COLUMN n int;

-- case alter_column_timestamp_to_timestamp6
CREATE TABLE t (id int PRIMARY KEY, at timestamp);
CREATE INDEX t_at_idx ON t (at);
INSERT INTO t SELECT g, now() FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE timestamp(6);

-- case alter_column_timestamptz_to_timestamptz6
CREATE TABLE t (id int PRIMARY KEY, at timestamptz);
INSERT INTO t SELECT g, now() FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE timestamptz(6);

-- case alter_column_timestamp_to_timestamp3
CREATE TABLE t (id int PRIMARY KEY, at timestamp);
INSERT INTO t SELECT g, now() FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE timestamp(3);

-- case alter_column_time_to_time6
CREATE TABLE t (id int PRIMARY KEY, at time);
INSERT INTO t SELECT g, now()::time FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE time(6);

-- case alter_column_timetz_to_timetz6
CREATE TABLE t (id int PRIMARY KEY, at timetz);
INSERT INTO t SELECT g, now()::timetz FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN at TYPE timetz(6);

-- case alter_column_interval_to_interval6
CREATE TABLE t (id int PRIMARY KEY, d interval);
INSERT INTO t SELECT g, '1 day' FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN d TYPE interval(6);

-- case alter_column_text_to_citext
CREATE EXTENSION citext;
CREATE TABLE t (id int PRIMARY KEY, email text);
CREATE INDEX t_email_idx ON t (email);
INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN email TYPE citext;

-- case alter_column_citext_to_text
CREATE EXTENSION citext;
CREATE TABLE t (id int PRIMARY KEY, email citext);
CREATE UNIQUE INDEX t_email_key ON t (email);
INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN email TYPE text;

-- case alter_column_varchar_to_citext
CREATE EXTENSION citext;
CREATE TABLE t (id int PRIMARY KEY, email varchar(200));
INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN email TYPE citext;

-- case alter_column_type_revalidates_check
CREATE TABLE t (id int PRIMARY KEY, code varchar(10), CONSTRAINT t_code_check CHECK (length(code) > 0));
INSERT INTO t SELECT g, 'c' || g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN code TYPE varchar(20);

-- case prisma_enum_swap_then_type_change
CREATE TYPE "Role" AS ENUM ('A', 'B');
CREATE TABLE u (id int PRIMARY KEY, role "Role" NOT NULL DEFAULT 'A');
INSERT INTO u SELECT g, 'A' FROM generate_series(1, 100) g;
-- run
CREATE TYPE "Role_new" AS ENUM ('A', 'B', 'C');
ALTER TABLE u ALTER COLUMN role DROP DEFAULT;
ALTER TABLE u ALTER COLUMN role TYPE "Role_new" USING (role::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
DROP TYPE "Role" CASCADE;

-- case rename_constraint_renames_its_index
CREATE TABLE t (id int PRIMARY KEY, a int, CONSTRAINT t_a_key UNIQUE (a));
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t RENAME CONSTRAINT t_a_key TO t_a_uniq;
REINDEX INDEX t_a_uniq;

-- case drop_table_cascade_forgets_foreign_keys
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int REFERENCES p (id));
CREATE VIEW pv AS SELECT id FROM p;
-- run
DROP TABLE p CASCADE;
ALTER TABLE t DROP COLUMN p_id;

-- case alter_sequence_of_serial
CREATE TABLE t (id serial PRIMARY KEY, a int);
-- run
ALTER SEQUENCE t_id_seq RESTART WITH 1000;

-- case alter_sequence_increment
CREATE TABLE t (id serial PRIMARY KEY, a int);
-- run
ALTER SEQUENCE t_id_seq INCREMENT BY 10;

-- case alter_sequence_owned_by
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE SEQUENCE s;
-- run
ALTER SEQUENCE s OWNED BY t.id;

-- case update_from_reads_the_other_table no-scan-check
CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE TABLE s (id int PRIMARY KEY, a int);
CREATE INDEX s_a_idx ON s (a);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
INSERT INTO s SELECT g, g FROM generate_series(1, 100) g;
-- run
UPDATE t SET a = s.a + 1 FROM s WHERE s.id = t.id;

-- PostgreSQL 17 and 18 syntax ---------------------------------------------------------------

-- case set_expression_of_stored_column pg>=17
CREATE TABLE t (id int PRIMARY KEY, n int, g int GENERATED ALWAYS AS (n * 2) STORED);
INSERT INTO t (id, n) SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (n * 3);

-- case merge_returning pg>=17 no-scan-check
CREATE TABLE t (id int PRIMARY KEY, n int);
CREATE TABLE s (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
INSERT INTO s SELECT g, g + 1 FROM generate_series(50, 150) g;
-- run
MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = s.n WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.n) RETURNING merge_action(), t.id;

-- case add_column_generated_virtual pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL;
ALTER TABLE t ADD COLUMN e int GENERATED ALWAYS AS (n * 4);

-- case add_check_not_enforced pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_n_positive CHECK (n > 0) NOT ENFORCED;

-- case add_foreign_key_not_enforced pg>=18
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED;

-- case add_not_null_not_valid_then_validate pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_n_not_null NOT NULL n NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT t_n_not_null;

-- case add_not_null_constraint pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD CONSTRAINT t_n_not_null NOT NULL n;

-- case alter_constraint_enforced pg>=18 no-scan-check
-- Enforcing validates the foreign key: the validation query joins both tables, and the planner
-- decides which are scanned sequentially (as add_foreign_key).
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED;
-- run
ALTER TABLE t ALTER CONSTRAINT t_p_fkey ENFORCED;

-- case alter_constraint_not_enforced pg>=18
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int REFERENCES p (id));
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER CONSTRAINT t_p_id_fkey NOT ENFORCED;

-- case set_expression_of_virtual_column pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int, g int GENERATED ALWAYS AS (n * 2) VIRTUAL);
INSERT INTO t (id, n) SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (n * 3);

-- case add_column_generated_virtual_not_null pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL NOT NULL;

-- case set_not_null_over_not_valid_not_null pg>=18
-- SET NOT NULL on a column whose NOT NULL constraint is NOT VALID validates it, with a scan.
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE t ADD CONSTRAINT t_n_not_null NOT NULL n NOT VALID;
-- run
ALTER TABLE t ALTER COLUMN n SET NOT NULL;

-- case drop_not_null_constraint pg>=18
CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t DROP CONSTRAINT t_n_not_null;

-- case add_column_not_null_not_valid pg>=18
-- A new column with a default and a NOT NULL constraint added NOT VALID in the same statement.
CREATE TABLE t (id int PRIMARY KEY, n int);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ADD COLUMN u uuid, ALTER COLUMN u SET DEFAULT gen_random_uuid(), ADD CONSTRAINT t_u_not_null NOT NULL u NOT VALID;

-- case add_identity_to_filled_column
-- Making a filled NOT NULL column an identity neither rewrites nor reads the rows: its new
-- sequence starts at 1 (what fix would need for an identity rewrite; docs/fix.md).
CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
-- run
ALTER TABLE t ALTER COLUMN n ADD GENERATED BY DEFAULT AS IDENTITY;
