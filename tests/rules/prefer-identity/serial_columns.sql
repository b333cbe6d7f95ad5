CREATE TABLE users (id serial PRIMARY KEY);  -- expect: prefer-identity@24
CREATE TABLE posts (id bigserial);  -- expect: prefer-identity@24
CREATE TABLE tags (id "serial8");  -- expect: prefer-identity@23
ALTER TABLE users ADD COLUMN seq smallserial;  -- expect: prefer-identity@34
