CREATE TABLE users (
  id smallserial,  -- expect: prefer-bigint-over-smallint@6
  rank smallint,  -- expect: prefer-bigint-over-smallint@8
  level int2  -- expect: prefer-bigint-over-smallint@9
);
