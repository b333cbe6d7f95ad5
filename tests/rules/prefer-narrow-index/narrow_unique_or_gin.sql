CREATE INDEX t_abc ON t (a, b, c);
CREATE UNIQUE INDEX t_abcd ON t (a, b, c, d);
CREATE INDEX t_ab_incl ON t (a, b) INCLUDE (c, d);
CREATE INDEX t_gin ON t USING gin (a, b, c, d);
