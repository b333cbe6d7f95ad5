create table table_very_long_very_long_very_long_very_long_very_long_very_long (id bigint);  -- expect: ban-long-identifier@14
alter table t add column "column_very_long_very_long_very_long_very_long_very_long_very_long" bigint;  -- expect: ban-long-identifier@26
