CREATE TABLE users (id bigint, a int8, b bigserial, c smallint, d numeric);
