-- settings: deployed_by_lockstep=false
-- Locks on tables created in this migration cannot wait for anyone.
CREATE TABLE fresh (id bigint);
ALTER TABLE fresh ADD COLUMN c int;
CREATE INDEX fresh_c_idx ON fresh (c);
INSERT INTO fresh VALUES (1, 2);
SELECT * FROM fresh;
