BEGIN;
CREATE TABLE users (id bigint);
COMMIT;
START TRANSACTION;  -- expect: ban-uncommitted-transaction
CREATE TABLE posts (id bigint);
