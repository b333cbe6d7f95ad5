-- exactly 63 bytes:
create table table_very_long_very_long_very_long_very_long_very_long_very_lo (id bigint);
create index short_name on t (col);
