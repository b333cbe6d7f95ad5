CREATE TABLE users (
  id serial,  -- expect: prefer-bigint-over-int@6
  age int,  -- expect: prefer-bigint-over-int@7
  score INTEGER NOT NULL,  -- expect: prefer-bigint-over-int@9
  ids int4[]  -- expect: prefer-bigint-over-int@7
);
ALTER TABLE users ADD COLUMN visits integer;  -- expect: prefer-bigint-over-int@37
