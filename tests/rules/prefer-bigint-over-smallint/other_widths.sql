CREATE TABLE users (id bigint, a int, b serial, c bigserial);
