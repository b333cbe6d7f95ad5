truncate a, b, c;
truncate a;
CREATE TABLE staging (id bigint);
TRUNCATE staging CASCADE;
